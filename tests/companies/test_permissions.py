"""The permission matrix: every cabinet page and action of company A, tried by A, by B, by an operator and anonymously."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mosprom.companies import services
from mosprom.companies.models import Application, CompanyToken, ReportFiling, Representative
from mosprom.registry.models import Status

pytestmark = pytest.mark.django_db

# name, kwargs builder, method; expected codes for (company A, company B, operator, anonymous)
ORG_PAGES = ["cabinet", "representatives", "profile", "production_new", "host_apply", "application_start"]


@pytest.fixture
def world(rep_a: Any, rep_b: Any, org_a: Any, submitted: Application, operator: Any, kind: Any) -> dict[str, Any]:
    token, _raw = services.company_token_create(actor=rep_a, organisation=org_a, name="ERP")
    status = Status.objects.create(
        kind=kind, holder=org_a, granted_on=date(2024, 1, 1), obliged_jobs=10, obliged_investment=1
    )
    filing = services.annual_report_file(
        actor=rep_a, status=status, year=2025, jobs=5, productions_launched=0, investment=1
    )
    services.report_filing_decide(actor=operator, filing=filing, accept=False, comment="Уточните численность")
    return {
        "org": org_a.pk,
        "app": submitted.pk,
        "doc": submitted.documents.get().pk,
        "rep": Representative.objects.get(user=rep_a).pk,
        "token": token.pk,
        "status": status.pk,
        "filing": filing.pk,
        "users": {"A": rep_a, "B": rep_b, "operator": operator, "anonymous": None},
    }


def _client(world: dict[str, Any], who: str) -> Client:
    c = Client()
    if world["users"][who] is not None:
        c.force_login(world["users"][who])
    return c


@pytest.mark.parametrize("page", ORG_PAGES)
@pytest.mark.parametrize(("who", "expected"), [("A", 200), ("B", 404), ("operator", 404), ("anonymous", 302)])
def test_organisation_pages(world: dict[str, Any], page: str, who: str, expected: int) -> None:
    r = _client(world, who).get(reverse(f"companies:{page}", kwargs={"org": world["org"]}))
    assert r.status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"), [("A", 200), ("B", 404), ("operator", 302), ("anonymous", 302)]
)  # the operator is sent to the review page
def test_application_page(world: dict[str, Any], who: str, expected: int) -> None:
    r = _client(world, who).get(reverse("companies:application", kwargs={"pk": world["app"]}))
    assert r.status_code == expected
    if who == "operator":
        assert r["Location"] == reverse("companies:operator_application", kwargs={"pk": world["app"]})


@pytest.mark.parametrize(("who", "expected"), [("A", 200), ("B", 404), ("operator", 200), ("anonymous", 302)])
def test_document_download(world: dict[str, Any], who: str, expected: int) -> None:
    assert _client(world, who).get(reverse("companies:document", kwargs={"pk": world["doc"]})).status_code == expected


@pytest.mark.parametrize(("who", "expected"), [("A", 200), ("B", 404), ("operator", 404), ("anonymous", 302)])
def test_report_page(world: dict[str, Any], who: str, expected: int) -> None:
    r = _client(world, who).get(reverse("companies:report_new", kwargs={"status": world["status"]}))
    assert r.status_code == expected


@pytest.mark.parametrize(("who", "expected"), [("A", 200), ("B", 404), ("operator", 404), ("anonymous", 302)])
def test_report_correction_page(world: dict[str, Any], who: str, expected: int) -> None:
    r = _client(world, who).get(reverse("companies:report_refile", kwargs={"pk": world["filing"]}))
    assert r.status_code == expected


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("team_action", lambda w: {"org": w["org"], "pk": w["rep"], "action": "remove"}),
        ("token_revoke", lambda w: {"org": w["org"], "pk": w["token"]}),
        ("token_create", lambda w: {"org": w["org"]}),
        ("access_decide", lambda w: {"org": w["org"], "pk": 1}),
    ],
)
def test_company_b_cannot_act_for_a(world: dict[str, Any], name: str, kwargs: Any) -> None:
    r = _client(world, "B").post(reverse(f"companies:{name}", kwargs=kwargs(world)), {"name": "x"})
    assert r.status_code == 404
    assert Representative.objects.filter(pk=world["rep"]).exists()
    assert not CompanyToken.objects.get(pk=world["token"]).api_token.revoked


@pytest.mark.parametrize(("who", "expected"), [("A", 403), ("B", 403), ("operator", 200), ("anonymous", 302)])
def test_operator_pages(world: dict[str, Any], who: str, expected: int) -> None:
    c = _client(world, who)
    assert c.get(reverse("companies:queue")).status_code == expected
    assert c.get(reverse("companies:operator_application", kwargs={"pk": world["app"]})).status_code == expected
    assert c.get(reverse("companies:operator_invite")).status_code == expected


@pytest.mark.parametrize("who", ["A", "B"])
def test_companies_cannot_decide(world: dict[str, Any], who: str) -> None:
    r = _client(world, who).post(
        reverse("companies:decide", kwargs={"kind": "application", "pk": world["app"]}),
        {"decision": "start_review", "comment": ""},
    )
    assert r.status_code == 403
    assert Application.objects.get(pk=world["app"]).stage == Application.Stage.COMPLETENESS


def test_access_request_for_an_organisation_without_managers_goes_to_the_operator(org_b: Any) -> None:
    from mosprom.companies import selectors

    req = services.access_request_create(
        inn=org_b.inn, organisation_name="Бета", contact_name="Ольга", email="olga@beta.ru"
    )
    assert [it.pk for it in selectors.work_queue(kind="access")["items"]] == [req.pk]


# Every cabinet URL with ids in it, filled with company A's objects; B tries each with A's organisation and with its
# own organisation beside A's object ids. A new URL must be added here (the test fails on an unknown one).
PUBLIC_OR_OPERATOR = {
    "home",
    "access_request",
    "invitation",
    "queue",
    "operator_invite",
    "decide",
    "operator_application",
}


def _hostile_kwargs(world: dict[str, Any], own_org: int) -> dict[str, list[dict[str, Any]]]:
    a = world
    return {
        "cabinet": [{"org": a["org"]}],
        "representatives": [{"org": a["org"]}],
        "team_action": [
            {"org": org, "pk": a["rep"], "action": action}
            for org in (a["org"], own_org)
            for action in ("remove", "make-manager", "drop-manager")
        ],
        "access_decide": [{"org": org, "pk": a["access"]} for org in (a["org"], own_org)],
        "token_create": [{"org": a["org"]}],
        "token_revoke": [{"org": org, "pk": a["token"]} for org in (a["org"], own_org)],
        "profile": [{"org": a["org"]}],
        "production_new": [{"org": a["org"]}],
        "host_apply": [{"org": a["org"]}],
        "application_start": [{"org": a["org"]}],
        "application": [{"pk": a["app"]}],
        "document": [{"pk": a["doc"]}],
        "report_new": [{"status": a["status"]}],
        "report_refile": [{"pk": a["filing"]}],
    }


# The cabinet's actions that accept only POST (require_POST in companies/views.py).
POST_ONLY = {"team_action", "access_decide", "token_create", "token_revoke"}


def test_company_b_gets_404_on_every_cabinet_url_of_a(world: dict[str, Any], org_b: Any, org_a: Any) -> None:
    from mosprom.companies import urls
    from mosprom.companies.models import AccessRequest

    world["access"] = services.access_request_create(
        inn=org_a.inn, organisation_name="Альфа", contact_name="Пётр", email="petr@alfa.ru"
    ).pk
    cases = _hostile_kwargs(world, own_org=org_b.pk)
    names = {p.name for p in urls.urlpatterns} - PUBLIC_OR_OPERATOR
    assert names == set(cases), "a cabinet URL without a hostile case"
    c = _client(world, "B")
    payload = {"name": "x", "decision": "accept", "comment": "x", "description": "взлом", "product": "взлом"}
    tried = 0
    for name, variants in cases.items():
        for kwargs in variants:
            url = reverse(f"companies:{name}", kwargs=kwargs)
            for method in ("get", "post"):
                r = getattr(c, method)(url, payload)
                tried += 1
                # a POST-only action refuses a GET before any lookup (405); everything else is not found (404)
                expected = 405 if method == "get" and name in POST_ONLY else 404
                assert r.status_code == expected, f"{method.upper()} {url}: {r.status_code}, expected {expected}"
                assert "Альфа" not in r.content.decode(), f"{method.upper()} {url} shows company A"
    assert tried >= 40
    assert Representative.objects.filter(pk=world["rep"], is_manager=True).exists()
    assert AccessRequest.objects.get(pk=world["access"]).state == "pending"
    assert not CompanyToken.objects.get(pk=world["token"]).api_token.revoked
    assert not org_a.profile_proposals.exists() and not org_a.production_reports.exists()
    assert ReportFiling.objects.get(pk=world["filing"]).state == "rejected"
    assert not ReportFiling.objects.filter(report__status_id=world["status"], revision=2).exists()
