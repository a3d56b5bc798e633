"""The company cabinet in a real browser: the operator invites a representative, who sets a password, reports a
production and applies for the technopark status with a PDF; the operator asks for more information, the company
answers, the operator approves, and the status with its benefits appears on the organisation's public page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from mosprom.companies.models import Application, ProductionReport
from mosprom.core.models import OutboundEmail
from mosprom.core.roles import operators_group
from mosprom.registry import services as registry_services
from mosprom.registry.models import Status, StatusKind

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    operator = get_user_model().objects.create_user(username="operator", password="operator-pass-2026", is_staff=True)
    operator.groups.add(operators_group())
    kind = StatusKind.objects.create(
        code="city-technopark",
        name="Городской технопарк",
        term_years=10,
        benefits="Льготы по налогу на имущество и аренде земли",
    )
    org = registry_services.organisation_create(short_name="ООО «Альфа-Микро»", slug="alfa-micro", inn="7707083893")
    return {"operator": operator, "kind": kind, "org": org}


def _login(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _invitation_link(email: str) -> str:
    body = OutboundEmail.objects.filter(to=email).latest("created_at").body_text
    match = re.search(r"https?://\S+/companies/invitation/\S+/", body)
    assert match is not None
    return "/" + match.group(0).split("/", 3)[3]


def test_invite_apply_question_answer_approve(
    browser: Any, live_server: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    pdf = tmp_path / "obosnovanie.pdf"
    pdf.write_bytes(PDF)
    op_ctx = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport={"width": 1280, "height": 900})
    co_ctx = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport={"width": 390, "height": 844})
    op_ctx.set_default_timeout(15_000)
    co_ctx.set_default_timeout(15_000)
    op, co = op_ctx.new_page(), co_ctx.new_page()
    try:
        # The operator invites a representative.
        _login(op, "operator", "operator-pass-2026")
        op.goto("/companies/operator/invite/")
        op.select_option("select[name=organisation]", label="ООО «Альфа-Микро»")
        op.fill("input[name=email]", "anna@alfa-micro.ru")
        op.locator("main form button[type=submit]").click()
        op.wait_for_url("**/companies/operator/")

        # The representative opens the link and sets a password (a weak one first: the error keeps the name).
        co.goto(_invitation_link("anna@alfa-micro.ru"))
        co.fill("input[name=full_name]", "Анна Петрова")
        co.fill("input[name=password]", "123")
        co.fill("input[name=password2]", "123")
        co.locator("main form button[type=submit]").click()
        assert co.get_by_test_id("error-summary").is_visible()
        assert co.input_value("input[name=full_name]") == "Анна Петрова"
        co.fill("input[name=password]", "Zavod-Alfa-2026")
        co.fill("input[name=password2]", "Zavod-Alfa-2026")
        co.locator("main form button[type=submit]").click()
        co.wait_for_url(re.compile(r".*/companies/\d+/$"))

        # …reports a production…
        co.get_by_test_id("report-production").click()
        co.fill("input[name=product]", "Танталовые конденсаторы")
        co.fill("input[name=opened_on]", "01.09.2026")
        co.fill("input[name=jobs]", "45")
        co.check("input[name=import_substitution]")
        co.locator("main form button[type=submit]").click()
        co.wait_for_url(re.compile(r".*/companies/\d+/$"))
        assert "Танталовые конденсаторы" in co.get_by_test_id("productions").inner_text()

        # …and applies for the technopark status with a PDF.
        co.get_by_test_id("apply-status").click()
        co.select_option("select[name=kind]", label="Городской технопарк")
        co.locator("main form button[type=submit]").click()
        co.wait_for_url(re.compile(r".*/companies/applications/\d+/$"))
        co.set_input_files("input[name=file]", str(pdf))
        co.get_by_test_id("upload").click()
        co.wait_for_selector("text=obosnovanie.pdf")
        for name, value in [("area", "12000"), ("investment", "350"), ("jobs", "240"), ("new_productions", "2")]:
            co.fill(f"[name=q_{name}]", value)
        co.fill("[name=q_products]", "Конденсаторы")
        co.get_by_test_id("submit-application").click()
        co.wait_for_selector("[data-testid=stage]")
        assert co.get_by_test_id("stage").text_content() == "проверка комплектности"
        width = co.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"the application page scrolls sideways at 390px ({width}px)"
        co.screenshot(path="/tmp/companies-application-390.png", full_page=True)

        application = Application.objects.get()
        # The operator sees it in the work queue and asks for more information.
        op.goto("/companies/operator/")
        assert op.get_by_test_id(f"queue-item-application-{application.pk}").is_visible()
        assert op.get_by_test_id(f"queue-item-production-{ProductionReport.objects.get().pk}").is_visible()
        op.screenshot(path="/tmp/companies-queue.png", full_page=True)
        op.goto(f"/companies/operator/applications/{application.pk}/")
        assert op.locator("main").get_by_text("obosnovanie.pdf").first.is_visible()  # the operator sees the PDF
        op.fill("#id_comment", "Приложите план площадки")
        op.get_by_test_id("action-request_info").click()
        op.wait_for_load_state()
        assert op.get_by_test_id("stage").text_content() == "запрошены дополнительные сведения"

        # The company answers.
        co.reload()
        assert "Приложите план площадки" in co.get_by_test_id("info-request").inner_text()
        co.fill("textarea[name=message]", "План приложен к заявке")
        co.get_by_test_id("send-answer").click()
        co.wait_for_selector("[data-testid=stage]")
        assert co.get_by_test_id("stage").text_content() == "проверка комплектности"

        # The operator reads the answer, sends it to expert review, records a verdict and approves.
        op.reload()
        assert "План приложен к заявке" in op.locator("main").inner_text()
        op.get_by_test_id("action-start_review").click()
        op.wait_for_selector("[data-testid=verdict-form]")
        op.fill("input[name=expert_name]", "Экспертный совет")
        op.select_option("select[name=verdict]", "support")
        op.get_by_test_id("verdict-form").locator("button[type=submit]").click()
        op.wait_for_selector("text=Экспертный совет")
        op.get_by_test_id("action-approve").click()
        op.wait_for_load_state()
        assert op.get_by_test_id("stage").text_content() == "одобрена"
        assert Status.objects.filter(holder=world["org"], kind=world["kind"]).count() == 1

        # The company sees the status; the public page shows it with its benefits.
        co.reload()
        assert co.get_by_test_id("granted").is_visible()
        # …its cabinet lists the status with its first annual report ahead and the kind's deadline…
        co.goto(f"/companies/{world['org'].pk}/")
        assert co.get_by_test_id("report-upcoming").is_visible()
        assert "Обязательства: рабочих мест — 240" in co.get_by_test_id("statuses").inner_text()
        co.goto("/organisations/alfa-micro/")
        assert "Городской технопарк" in co.locator("main").inner_text()
        assert "Льготы по налогу на имущество" in co.get_by_test_id("status-benefits").inner_text()
        subjects = list(OutboundEmail.objects.filter(to="anna@alfa-micro.ru").values_list("subject", flat=True))
        assert len(subjects) == 5  # invitation, received, question, expert review, granted
    finally:
        op_ctx.close()
        co_ctx.close()


def test_cabinet_pages_readable_at_390px(phone_page: Any, world: dict[str, Any]) -> None:
    from mosprom.companies.models import Representative

    user = get_user_model().objects.create_user(username="rep@alfa.ru", email="rep@alfa.ru", password="Zavod-Alfa-2026")
    Representative.objects.create(user=user, organisation=world["org"], is_manager=True)
    _login(phone_page, "rep@alfa.ru", "Zavod-Alfa-2026")
    org = world["org"].pk
    for path in [
        f"/companies/{org}/",
        f"/companies/{org}/team/",
        f"/companies/{org}/apply/",
        "/companies/request-access/",
    ]:
        phone_page.goto(path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"{path} scrolls sideways at 390px ({width}px)"


def test_work_queue_readable_at_390px(phone_page: Any, world: dict[str, Any]) -> None:
    from mosprom.companies import services
    from mosprom.companies.models import Representative

    user = get_user_model().objects.create_user(username="rep@alfa.ru", email="rep@alfa.ru", password="x-Alfa-2026")
    Representative.objects.create(user=user, organisation=world["org"], is_manager=True)
    services.production_report_create(actor=user, organisation=world["org"], product="Конденсаторы", jobs=12)
    services.profile_propose(actor=user, organisation=world["org"], changes={"description": "Новое описание"})
    _login(phone_page, "operator", "operator-pass-2026")
    phone_page.goto("/companies/operator/")
    assert phone_page.get_by_test_id("queue").is_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"the work queue scrolls sideways at 390px ({width}px)"
    phone_page.screenshot(path="/tmp/companies-queue-390.png", full_page=True)


def test_operator_returns_a_report_company_corrects_it_operator_accepts(
    browser: Any, live_server: Any, world: dict[str, Any]
) -> None:
    """The operator returns an annual report with a comment; the company reads it in the cabinet, corrects the
    figures and files it again; the corrected report waits in the queue again and the operator accepts it."""
    from datetime import date

    from mosprom.companies import services
    from mosprom.companies.models import ReportFiling, Representative

    org = world["org"]
    user = get_user_model().objects.create_user(username="rep@alfa.ru", email="rep@alfa.ru", password="Zavod-Alfa-2026")
    Representative.objects.create(user=user, organisation=org, is_manager=True)
    StatusKind.objects.filter(pk=world["kind"].pk).update(report_month=12, report_day=31)  # on time, whatever today
    year = date.today().year - 1
    status = Status.objects.create(  # held since last year: last year's report is the one it owes
        kind=StatusKind.objects.get(pk=world["kind"].pk),
        holder=org,
        granted_on=date(year, 2, 1),
        obliged_jobs=100,
        obliged_investment=50,
    )
    filing = services.annual_report_file(
        actor=user, status=status, year=year, jobs=80, productions_launched=0, investment=60
    )
    op_ctx = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport={"width": 1280, "height": 900})
    co_ctx = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport={"width": 390, "height": 844})
    op_ctx.set_default_timeout(15_000)
    co_ctx.set_default_timeout(15_000)
    op, co = op_ctx.new_page(), co_ctx.new_page()
    try:
        # The operator returns the report with a comment.
        _login(op, "operator", "operator-pass-2026")
        op.goto("/companies/operator/?kind=report")
        row = op.get_by_test_id(f"queue-item-report-{filing.pk}")
        row.locator("input[name=comment]").fill("Численность 80 не подтверждена: приложите форму П-4")
        row.locator("button[value=reject]").click()
        expect(op.get_by_test_id(f"queue-item-report-{filing.pk}")).to_have_count(0)

        # The company reads the comment in its cabinet and corrects the report.
        _login(co, "rep@alfa.ru", "Zavod-Alfa-2026")
        co.goto(f"/companies/{org.pk}/")
        assert "Численность 80 не подтверждена" in co.get_by_test_id("return-comment").inner_text()
        co.get_by_test_id("refile-report").click()
        assert co.input_value("input[name=jobs]") == "80"
        co.fill("input[name=jobs]", "-3")
        co.locator("main form button[type=submit]").click()
        expect(co.get_by_test_id("error-summary")).to_be_visible()
        co.fill("input[name=jobs]", "104")
        co.locator("main form button[type=submit]").click()
        co.wait_for_url(re.compile(r".*/companies/\d+/$"))
        assert co.get_by_test_id("report-waiting").is_visible()
        width = co.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"the cabinet scrolls sideways at 390px ({width}px)"

        # The corrected report waits in the queue again; the operator accepts it.
        corrected = ReportFiling.objects.get(report__status=status, revision=2)
        op.goto("/companies/operator/?kind=report")
        row = op.get_by_test_id(f"queue-item-report-{corrected.pk}")
        text = row.inner_text().lower()  # badges are set in capitals
        assert "исправлен, версия 2" in text and "рабочие места 104 из 100" in text
        row.get_by_test_id("accept").click()
        expect(op.get_by_test_id(f"queue-item-report-{corrected.pk}")).to_have_count(0)
        corrected.refresh_from_db()
        assert corrected.state == "accepted"
        status.refresh_from_db()
        assert status.state == Status.State.ACTIVE  # the corrected figures meet the obligations
        co.reload()
        assert "Подать отчёт" not in co.get_by_test_id("statuses").inner_text()
        assert co.get_by_test_id("refile-report").count() == 0
        emails = OutboundEmail.objects.filter(to="rep@alfa.ru").order_by("created_at", "pk")
        assert list(emails.values_list("subject", flat=True)) == [
            f"Годовой отчёт за {year} возвращён",
            f"Исправленный годовой отчёт за {year} получен",
            f"Годовой отчёт за {year} принят",
        ]
    finally:
        op_ctx.close()
        co_ctx.close()
