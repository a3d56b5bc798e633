"""Cabinet and work-queue pages: forms keep values, errors are shown, company A never sees company B."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mosprom.companies import services
from mosprom.companies.models import Application, ProductionReport, Representative
from mosprom.registry.models import Status

from .conftest import ANSWERS, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(rep_a: Any) -> Client:
    c = Client()
    c.force_login(rep_a)
    return c


@pytest.fixture
def client_b(rep_b: Any) -> Client:
    c = Client()
    c.force_login(rep_b)
    return c


def test_invitation_page_sets_password_and_logs_in(operator: Any, org_a: Any, client: Client) -> None:
    inv = services.invitation_create(actor=operator, organisation=org_a, email="new@alfa.ru")
    url = reverse("companies:invitation", kwargs={"token": services.invitation_token(inv)})
    assert client.get(url).status_code == 200
    r = client.post(url, {"full_name": "Анна", "password": "short", "password2": "short"})
    assert r.status_code == 200
    assert 'data-testid="error-summary"' in r.content.decode() and 'value="Анна"' in r.content.decode()
    r = client.post(url, {"full_name": "Анна", "password": "Zavod-Alfa-2026", "password2": "Zavod-Alfa-2026"})
    assert r.status_code == 302 and r["Location"] == reverse("companies:cabinet", kwargs={"org": org_a.pk})
    assert client.get(r["Location"]).status_code == 200
    assert client.get(url).status_code == 410


def test_forged_invitation_page_is_404_with_message(client: Client) -> None:
    r = client.get(reverse("companies:invitation", kwargs={"token": "forged-token"}))
    assert r.status_code == 404
    assert 'data-testid="invitation-error"' in r.content.decode()


def test_access_request_form_keeps_values_and_explains_the_inn(client: Client) -> None:
    url = reverse("companies:access_request")
    data = {"inn": "7707083894", "organisation_name": "Гамма", "contact_name": "Иван", "email": "ivan@gamma.ru"}
    r = client.post(url, data)
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="error-summary"' in body
    assert 'value="Гамма"' in body and "7707083894" in body
    data["inn"] = "7702070139"
    r = client.post(url, data)
    assert r.status_code == 200 and 'data-testid="access-requested"' in r.content.decode()


def test_cabinet_pages_render(client_a: Client, org_a: Any, submitted: Application) -> None:
    for name in ("cabinet", "representatives", "profile", "production_new", "host_apply", "application_start"):
        r = client_a.get(reverse(f"companies:{name}", kwargs={"org": org_a.pk}))
        assert r.status_code == 200, name
    assert client_a.get(reverse("companies:application", kwargs={"pk": submitted.pk})).status_code == 200
    doc = submitted.documents.first()
    r = client_a.get(reverse("companies:document", kwargs={"pk": doc.pk}))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert client_a.get(reverse("companies:home")).status_code == 302


def test_company_b_never_sees_company_a(client_b: Client, org_a: Any, submitted: Application) -> None:
    doc = submitted.documents.first()
    for name in ("cabinet", "representatives", "profile", "production_new", "host_apply", "application_start"):
        assert client_b.get(reverse(f"companies:{name}", kwargs={"org": org_a.pk})).status_code == 404, name
    assert client_b.get(reverse("companies:application", kwargs={"pk": submitted.pk})).status_code == 404
    assert client_b.get(reverse("companies:document", kwargs={"pk": doc.pk})).status_code == 404
    r = client_b.post(
        reverse("companies:application", kwargs={"pk": submitted.pk}), {"action": "answer", "message": "x"}
    )
    assert r.status_code == 404
    assert client_b.get(reverse("companies:queue")).status_code == 403
    rep = Representative.objects.get(organisation=org_a)
    r = client_b.post(reverse("companies:team_action", kwargs={"org": org_a.pk, "pk": rep.pk, "action": "remove"}))
    assert r.status_code == 404
    assert Representative.objects.filter(pk=rep.pk).exists()


def test_application_form_flow(client_a: Client, org_a: Any, kind: Any) -> None:
    r = client_a.post(reverse("companies:application_start", kwargs={"org": org_a.pk}), {"kind": kind.pk})
    app = Application.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("companies:application", kwargs={"pk": app.pk})
    url = r["Location"]
    r = client_a.post(url, {"action": "submit", "q_area": "12 000", "q_jobs": "много"})
    body = r.content.decode()
    assert r.status_code == 422 and 'data-testid="error-summary"' in body and 'value="много"' in body
    # answered but nothing attached: the summary's one item links to the file field, like every other item
    r = client_a.post(url, {"action": "submit", **{f"q_{k}": v for k, v in ANSWERS.items()}})
    body = r.content.decode()
    summary = body.split('data-testid="error-summary"', 1)[1].split("</div>", 1)[0]
    assert r.status_code == 422 and re.findall(r"<li>.*?</li>", summary) == [
        '<li><a href="#id_file">Приложите хотя бы один документ (PDF или изображение).</a></li>'
    ]
    assert 'id="id_file"' in body
    r = client_a.post(url, {"action": "upload", "file": pdf("virus.pdf", b"MZ not a pdf")})
    assert r.status_code == 422 and "PDF" in r.content.decode()
    r = client_a.post(url, {"action": "upload", "file": pdf()})
    assert r.status_code == 302
    data = {f"q_{k}": v for k, v in ANSWERS.items()}
    r = client_a.post(url, {**data, "action": "submit"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.stage == Application.Stage.COMPLETENESS
    r = client_a.post(url, {**data, "action": "submit"})
    assert r.status_code == 422 and "Эта заявка уже подана." in r.content.decode()
    assert Application.objects.get().record_id == app.record_id


def test_operator_queue_and_decisions(operator_client: Client, submitted: Application, rep_a: Any, org_a: Any) -> None:
    services.production_report_create(actor=rep_a, organisation=org_a, product="Конденсаторы")
    r = operator_client.get(reverse("companies:queue"))
    body = r.content.decode()
    assert r.status_code == 200
    assert f'data-testid="queue-item-application-{submitted.pk}"' in body
    report = ProductionReport.objects.get()
    r = operator_client.post(
        reverse("companies:decide", kwargs={"kind": "production", "pk": report.pk}),
        {"decision": "accept", "comment": "Ок"},
    )
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.state == "accepted" and report.production is not None
    url = reverse("companies:decide", kwargs={"kind": "application", "pk": submitted.pk})
    r = operator_client.post(url, {"decision": "request_info", "comment": ""}, follow=True)
    assert r.status_code == 200 and "Напишите вопрос, на который компания должна ответить." in r.content.decode()
    r = operator_client.post(url, {"decision": "request_info", "comment": "Нужен план"})
    submitted.refresh_from_db()
    assert submitted.stage == Application.Stage.INFO_REQUESTED
    page = operator_client.get(reverse("companies:operator_application", kwargs={"pk": submitted.pk}))
    # a document's type as people say it, not its MIME type
    assert page.status_code == 200 and "(PDF, " in page.content.decode()
    assert "application/pdf" not in page.content.decode()
    assert operator_client.get(reverse("companies:queue") + "?kind=application&overdue=1").status_code == 200


def test_operator_invites_from_the_back_office(operator_client: Client, org_a: Any) -> None:
    url = reverse("companies:operator_invite")
    r = operator_client.post(url, {"organisation": org_a.pk, "email": "not-an-email"})
    assert r.status_code == 422 and 'value="not-an-email"' in r.content.decode()
    r = operator_client.post(url, {"organisation": org_a.pk, "email": "boss@alfa.ru", "as_manager": "on"})
    assert r.status_code == 302 and mail.outbox[-1].to == ["boss@alfa.ru"]


def test_report_page_files_the_report(client_a: Client, submitted: Application, operator: Any) -> None:
    services.application_start_review(actor=operator, application=submitted)
    services.application_add_verdict(actor=operator, application=submitted, expert_name="Э", verdict="support")
    status = services.application_approve(actor=operator, application=submitted)
    Status.objects.filter(pk=status.pk).update(granted_on="2024-03-01")
    url = reverse("companies:report_new", kwargs={"status": status.pk})
    r = client_a.post(url, {"year": "2025", "jobs": "-1", "productions_launched": "1", "investment": "10"})
    assert r.status_code == 200 and 'data-testid="error-summary"' in r.content.decode()
    r = client_a.post(url, {"year": "2025", "jobs": "250", "productions_launched": "2", "investment": "200"})
    assert r.status_code == 302
    assert status.reports.get().meets_obligations


def test_list_pages_run_a_constant_number_of_queries(
    operator_client: Client, client_a: Client, org_a: Any, rep_a: Any, kind: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(15):
        services.production_report_create(actor=rep_a, organisation=org_a, product=f"Изделие {i}", jobs=i + 1)
        services.profile_propose(actor=rep_a, organisation=org_a, changes={"description": f"Описание {i}"})
    with django_assert_max_num_queries(16):
        assert operator_client.get(reverse("companies:queue")).status_code == 200
    with django_assert_max_num_queries(18):
        assert client_a.get(reverse("companies:cabinet", kwargs={"org": org_a.pk})).status_code == 200


def test_manager_decides_an_access_request_in_the_cabinet(client_a: Client, org_a: Any) -> None:
    req = services.access_request_create(
        inn=org_a.inn, organisation_name="Альфа", contact_name="Пётр", email="petr@alfa.ru"
    )
    r = client_a.get(reverse("companies:representatives", kwargs={"org": org_a.pk}))
    assert 'data-testid="access-accept"' in r.content.decode()
    url = reverse("companies:access_decide", kwargs={"org": org_a.pk, "pk": req.pk})
    r = client_a.post(url, {"decision": "reject", "comment": ""}, follow=True)
    assert "Укажите причину отказа" in r.content.decode()
    r = client_a.post(url, {"decision": "accept", "comment": ""})
    assert r.status_code == 302
    assert mail.outbox[-1].to == ["petr@alfa.ru"]


def test_login_page_links_to_the_access_request(client: Client) -> None:
    assert 'data-testid="request-access-link"' in client.get(reverse("core:login")).content.decode()


ACCESS = {"inn": "7702070139", "organisation_name": "Гамма", "contact_name": "Иван", "email": "ivan@gamma.ru"}


def test_access_request_honeypot_turns_a_bot_away(client: Client) -> None:
    from mosprom.companies.models import AccessRequest

    r = client.post(reverse("companies:access_request"), {**ACCESS, "website": "http://spam.example"})
    body = r.content.decode()
    assert r.status_code == 200 and "Не удалось обработать запрос" in body and 'value="Гамма"' in body
    assert not AccessRequest.objects.exists()
    page = client.get(reverse("companies:access_request")).content.decode()
    assert 'name="website"' in page and 'tabindex="-1"' in page  # the hidden field is on the page


def test_access_requests_are_limited_per_email(client: Client) -> None:
    from mosprom.companies.models import AccessRequest

    url = reverse("companies:access_request")
    inns = ["7707083893", "7736050003", "7706413348"]
    for inn in inns:  # 3 per hour per e-mail
        assert 'data-testid="access-requested"' in client.post(url, {**ACCESS, "inn": inn}).content.decode()
    r = client.post(url, {**ACCESS, "inn": "7728168971"})
    body = r.content.decode()
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert "Слишком много запросов доступа с вашего адреса или почты" in body
    assert 'data-testid="error-summary"' in body and 'value="Гамма"' in body  # the form keeps what was typed
    assert AccessRequest.objects.count() == 3
    other = client.post(url, {**ACCESS, "inn": "7728168971", "email": "anna@gamma.ru"})
    assert other.status_code == 200 and 'data-testid="access-requested"' in other.content.decode()


def test_access_requests_are_limited_per_address(client: Client, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "access_request": {"address": "2/h", "email": "3/h"}}
    url = reverse("companies:access_request")
    assert client.post(url, {**ACCESS, "inn": "1"}).status_code == 200  # invalid attempts count too
    assert client.post(url, {**ACCESS, "email": "a@gamma.ru"}).status_code == 200
    r = client.post(url, {**ACCESS, "email": "b@gamma.ru"})
    assert r.status_code == 429 and "Слишком много запросов" in r.content.decode()
    settings.RATE_LIMITS_ENABLED = False
    assert client.post(url, {**ACCESS, "email": "b@gamma.ru"}).status_code == 200


def test_document_kind_names_the_file_as_people_do() -> None:
    from mosprom.companies.rules import document_kind

    assert [document_kind(t) for t in ("application/pdf", "image/png", "image/jpeg", "text/x-odd")] == [
        "PDF",
        "PNG",
        "JPEG",
        "text/x-odd",
    ]
