"""One journey per role, end to end across the parts, at phone (390×844) and desktop (1280×800) size.

Each step asserts what the person sees and saves a numbered full-page screenshot under
var/screenshots/journeys/<role>-<width>/ (git-ignored) to be looked at; no page of ours may scroll sideways.
Data comes from tests/factories.py; whatever a person does on the site is done in the browser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from mosprom.tours.models import Registration, WaitlistEntry
from tests.factories import (
    MembershipFactory,
    OperatorFactory,
    OrganisationFactory,
    ProductionFactory,
    SessionFactory,
    SiteFactory,
    StatusFactory,
    StatusKindFactory,
    TourFactory,
    UserFactory,
)

from .journey_kit import VIEWPORTS, Journey, confirmed_registration, csv_rows, download, figure, login, open_mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=VIEWPORTS)
def journey(request: Any, browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    """A factory: journey("visitor") → a Journey at the parametrised viewport, closed after the test."""
    settings.SITE_URL = live_server.url  # links in e-mails lead back to the live server
    made: list[Journey] = []

    def make(role: str) -> Journey:
        made.append(Journey(browser, live_server.url, role, request.param))
        return made[-1]

    yield make
    for j in made:
        j.close()


# --- visitor --------------------------------------------------------------------------------------------------


def test_visitor(journey: Any) -> None:
    """Catalogue → tour → register → mailbox → confirm → ticket with QR → cancel; the person waiting for the
    full session gets the freed seats offered and takes them."""
    host = OrganisationFactory(short_name="НЦК", full_name="Нанотехнологический центр композитов", slug="nck")
    tour = TourFactory(
        host=host,
        title="Композиты вокруг нас",
        slug="composites",
        description="Экскурсия на производство изделий из полимерных композиционных материалов.",
        address="Москва, Волгоградский проспект, 42, корп. 5",
        meeting_point="Главная проходная",
        min_age=14,
    )
    SessionFactory(tour=tour, capacity=2, starts_at=timezone.now() + timedelta(days=10))
    j = journey("visitor")
    anna = j.person()

    anna.goto("/tours/")
    assert "Композиты вокруг нас" in anna.locator("main").inner_text()
    j.shot(anna, "catalogue")
    anna.fill("#id_q", "композиты")
    anna.locator("main form button[type=submit]").first.click()
    anna.wait_for_url("**/tours/?*q=*")
    anna.get_by_role("link", name="Композиты вокруг нас").first.click()
    anna.wait_for_url("**/tours/composites/")
    assert anna.locator("h1").inner_text() == "Композиты вокруг нас"
    assert anna.get_by_test_id("seats").first.inner_text() == "Свободно 2 места"
    j.shot(anna, "tour")

    anna.fill("#id_name", "Анна Иванова")
    anna.fill("#id_email", "anna@example.com")
    anna.fill("#id_phone", "+7 495 123-45-67")
    anna.fill("#id_party_size", "2")
    anna.get_by_test_id("registration-form").locator("button[type=submit]").click()
    summary = anna.get_by_test_id("error-summary")
    assert "согласие" in summary.inner_text().lower(), summary.inner_text()
    assert anna.input_value("#id_name") == "Анна Иванова"
    j.shot(anna, "register-error")
    anna.check("#id_consent")
    anna.get_by_test_id("registration-form").locator("button[type=submit]").click()
    registered = anna.get_by_test_id("registered")
    assert "anna@example.com" in registered.inner_text()
    j.shot(anna, "registered")

    body = open_mail(anna, to="anna@example.com", subject="Подтвердите запись")
    assert "Анна Иванова" in body and "Композиты вокруг нас" in body
    j.shot(anna, "mailbox-confirm")
    anna.get_by_test_id("confirm-link").click()
    anna.get_by_test_id("confirm").click()
    ticket = anna.get_by_test_id("ticket")
    ticket.wait_for()
    registration = Registration.objects.get(email="anna@example.com")
    assert registration.state == Registration.State.CONFIRMED
    assert anna.locator("[data-testid=qr] svg").count() == 1
    assert registration.ticket_code_display in ticket.inner_text()
    assert "Запись подтверждена" in anna.locator(".messages").inner_text()
    j.shot(anna, "ticket")

    # Boris finds the session full and joins its waitlist.
    boris = j.person()
    boris.goto("/tours/composites/")
    assert boris.get_by_test_id("seats").first.inner_text() == "Мест нет"
    j.shot(boris, "tour-full")
    boris.fill("#id_name", "Борис Смирнов")
    boris.fill("#id_email", "boris@example.com")
    boris.fill("#id_phone", "+7 495 765-43-21")
    boris.fill("#id_party_size", "1")
    boris.check("#id_consent")
    form = boris.get_by_test_id("registration-form")
    form.locator("button[type=submit]").click()
    summary = boris.get_by_test_id("error-summary").inner_text()
    assert "На этот сеанс свободных мест не осталось" in summary, summary
    offer = boris.get_by_test_id("waitlist-offer")
    assert "когда место освободится, мы напишем вам" in offer.inner_text()  # one person, no «your party»
    j.shot(boris, "waitlist-offer")
    offer.get_by_role("button").click()
    assert boris.get_by_test_id("waitlist-position").inner_text() == "Ваше место в очереди: 1."
    j.shot(boris, "waitlisted")

    # Anna cancels from her ticket: the seats go to Boris at once.
    anna.get_by_test_id("cancel-link").click()
    j.shot(anna, "cancel-confirm")
    anna.get_by_test_id("cancel").click()
    assert "отменена" in anna.get_by_test_id("cancelled").inner_text()
    j.shot(anna, "cancelled")
    registration.refresh_from_db()
    assert registration.state == Registration.State.CANCELLED

    body = open_mail(boris, to="boris@example.com", subject="Для вас освободились места")
    assert "Борис Смирнов" in body and "Мы держим его для вас" in body  # one seat: «его», not «их»
    j.shot(boris, "mailbox-offer")
    boris.get_by_test_id("offer-link").click()
    boris.wait_for_url("**/tours/offer/**")
    assert "Композиты вокруг нас" in boris.locator("main").inner_text()
    assert boris.get_by_test_id("accept").inner_text() == "Занять место"
    j.shot(boris, "offer")
    boris.get_by_test_id("accept").click()
    boris.get_by_test_id("ticket").wait_for()
    assert boris.locator("[data-testid=qr] svg").count() == 1
    assert WaitlistEntry.objects.get(email="boris@example.com").state == WaitlistEntry.State.ACCEPTED
    assert Registration.objects.get(email="boris@example.com").state == Registration.State.CONFIRMED
    j.shot(boris, "offer-ticket")
    boris.goto("/tours/composites/")
    assert boris.get_by_test_id("seats").first.inner_text() == "Свободно 1 место"


# --- host -----------------------------------------------------------------------------------------------------


def test_host(journey: Any, tmp_path: Any) -> None:
    """Cabinet → add a session → its registrants → CSV export → check-in of a ticket at the gate."""
    from mosprom.tours.models import Session

    tour = TourFactory(title="Композиты вокруг нас", slug="composites", host__short_name="НЦК")
    MembershipFactory(user=UserFactory(username="host-nck", password="host-demo-2026"), organisation=tour.host)
    j = journey("host")
    host = j.person()
    login(host, "host-nck", "host-demo-2026")
    host.wait_for_url("**/tours/cabinet/")
    assert host.locator("h1").inner_text() == "Кабинет площадки"
    assert "Композиты вокруг нас" in host.get_by_test_id("tours").inner_text()
    j.shot(host, "cabinet")

    host.get_by_test_id("tours").get_by_role("link", name="Композиты вокруг нас").click()
    host.wait_for_url("**/tours/cabinet/tours/*/")
    assert "0\nзаписей" in host.locator(".figures").inner_text()  # «0 записей», not «0 записи»
    form = host.get_by_test_id("session-form")
    form.locator("#id_capacity").fill("12")
    form.locator("button[type=submit]").click()  # no date yet: the form says so
    assert "Укажите дату и время начала сеанса." in host.get_by_test_id("error-summary").inner_text()
    assert host.input_value("#id_capacity") == "12"
    j.shot(host, "session-form-error")
    starts = timezone.localtime(timezone.now() + timedelta(days=12)).replace(hour=11, minute=0)
    host.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    host.get_by_test_id("session-form").locator("button[type=submit]").click()
    host.wait_for_url("**/tours/cabinet/sessions/*/")
    assert "Сеанс добавлен" in host.locator(".messages").inner_text()
    assert "Записей пока нет." in host.get_by_test_id("empty-state").inner_text()
    session = Session.objects.get(tour=tour, capacity=12)
    j.shot(host, "session-added")

    # A visitor registers and confirms (the visitor's journey drives those pages).
    registration = confirmed_registration(session)
    host.reload()
    registrants = host.get_by_test_id("registrants")
    assert "Пётр Посетитель" in registrants.inner_text()
    assert registration.ticket_code_display in registrants.inner_text()
    j.shot(host, "registrants")

    name, content = download(host, lambda: host.get_by_role("link", name="CSV").click(), tmp_path)
    assert name == f"session-{session.pk}-registrants.csv"
    rows = csv_rows(content)
    assert rows[0][:3] == ["Билет", "Состояние", "Имя"], rows[0]
    assert len(rows) == 2 and rows[1][2] == "Пётр Посетитель" and rows[1][5] == "3"
    assert rows[1][0] == registration.ticket_code_display  # the code as the visitor's ticket prints it

    # The day of the tour: the host finds the ticket by its code at the gate and lets the party in.
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() + timedelta(minutes=30))
    host.goto("/tours/cabinet/")
    host.fill("#id_code", registration.ticket_code_display)
    host.get_by_role("button", name="Найти билет").click()
    host.wait_for_url("**/tours/cabinet/check-in/*/")
    assert "подтверждена" in host.get_by_test_id("checkin-state").inner_text()
    j.shot(host, "checkin-ticket")
    host.get_by_test_id("checkin").click()
    assert "Пётр Посетитель" in host.locator(".messages").inner_text()
    assert "пришёл" in host.get_by_test_id("checkin-state").inner_text()
    assert host.get_by_test_id("checkin").count() == 0
    assert host.get_by_test_id("already-checked-in").count() == 0  # no «do not let them in again» just now
    registration.refresh_from_db()
    assert registration.state == Registration.State.CHECKED_IN
    j.shot(host, "checked-in")


# --- company representative --------------------------------------------------------------------------------


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_company_representative(journey: Any, tmp_path: Any) -> None:
    """Invitation link → set a password → a status application with a PDF → submitted → the annual report of a
    status already held is filed."""
    from mosprom.companies import services as companies
    from mosprom.companies.models import Application
    from mosprom.registry.models import AnnualReport

    operator = OperatorFactory()
    org = OrganisationFactory(short_name="ООО «Альфа-Микро»", slug="alfa-micro", inn="7707083893")
    StatusKindFactory(code="city-technopark", name="Городской технопарк", term_years=10)
    last_year = timezone.localdate().year - 1
    held = StatusFactory(
        holder=org,
        kind=StatusKindFactory(code="industrial-complex", name="Промышленный комплекс"),
        granted_on=date(last_year, 3, 1),
        obliged_jobs=40,
        obliged_productions=1,
        obliged_investment=Decimal("100"),
    )
    companies.invitation_create(actor=operator, organisation=org, email="anna@alfa-micro.ru", as_manager=True)
    pdf = tmp_path / "obosnovanie.pdf"
    pdf.write_bytes(PDF)
    j = journey("company")
    anna = j.person()

    body = open_mail(anna, to="anna@alfa-micro.ru", subject="Приглашение в кабинет компании")
    assert "ООО «Альфа-Микро»" in body
    j.shot(anna, "mailbox-invitation")
    anna.get_by_test_id("invitation-link").click()
    anna.wait_for_url("**/companies/invitation/**")
    assert "ООО «Альфа-Микро»" in anna.locator("h1").inner_text()
    anna.fill("input[name=full_name]", "Анна Петрова")
    anna.fill("input[name=password]", "123")
    anna.fill("input[name=password2]", "123")
    anna.locator("main form button[type=submit]").click()
    assert anna.get_by_test_id("error-summary").is_visible()
    assert anna.input_value("input[name=full_name]") == "Анна Петрова"
    j.shot(anna, "invitation-weak-password")
    anna.fill("input[name=password]", "Zavod-Alfa-2026")
    anna.fill("input[name=password2]", "Zavod-Alfa-2026")
    anna.locator("main form button[type=submit]").click()
    anna.wait_for_url(re.compile(r".*/companies/\d+/$"))
    assert anna.locator("h1").inner_text() == "ООО «Альфа-Микро»"
    assert f"{last_year}: подать до" in anna.get_by_test_id("statuses").inner_text()
    j.shot(anna, "cabinet")

    # A status application: the kind, a PDF, the questionnaire, submit.
    anna.get_by_test_id("apply-status").click()
    anna.select_option("select[name=kind]", label="Городской технопарк")
    anna.locator("main form button[type=submit]").click()
    anna.wait_for_url(re.compile(r".*/companies/applications/\d+/$"))
    assert anna.get_by_test_id("stage").text_content() == "черновик"
    anna.get_by_test_id("submit-application").click()  # too early: nothing answered, nothing attached
    summary = anna.get_by_test_id("error-summary").inner_text()
    assert "Приложите хотя бы один документ" in summary and "Ответьте на вопрос «Площадь, кв. м»." in summary
    assert "необязательно" not in anna.get_by_test_id("questionnaire").inner_text()  # every answer is needed
    j.shot(anna, "application-incomplete")
    anna.set_input_files("input[name=file]", str(pdf))
    anna.get_by_test_id("upload").click()
    assert "obosnovanie.pdf" in anna.get_by_test_id("documents").inner_text()
    for name, value in [("area", "12000"), ("investment", "350"), ("jobs", "240"), ("new_productions", "2")]:
        anna.fill(f"[name=q_{name}]", value)
    anna.fill("[name=q_products]", "Конденсаторы")
    j.shot(anna, "application-filled")
    anna.get_by_test_id("submit-application").click()
    anna.wait_for_selector(".messages")
    assert anna.get_by_test_id("stage").text_content() == "проверка комплектности"
    assert "Заявка подана" in anna.locator(".messages").inner_text()
    application = Application.objects.get(organisation=org)
    assert application.stage == Application.Stage.COMPLETENESS
    j.shot(anna, "application-submitted")

    # The annual report of the status held since last year.
    anna.goto(f"/companies/{org.pk}/")
    statuses = anna.get_by_test_id("statuses")
    statuses.get_by_role("link", name="Подать отчёт").click()
    anna.wait_for_url(f"**/companies/reports/{held.pk}/new/")
    assert "Промышленный комплекс" in anna.locator("h1").inner_text()
    assert "инвестиций — 100 млн руб." in anna.locator("main").inner_text()  # not «100.00»
    assert anna.input_value("input[name=year]") == str(last_year)
    anna.fill("input[name=jobs]", "45")
    anna.fill("input[name=productions_launched]", "1")
    anna.fill("input[name=investment]", "120.5")
    anna.fill("input[name=output]", "800")
    j.shot(anna, "report-form")
    anna.locator("main form button[type=submit]").click()
    anna.wait_for_url(re.compile(r".*/companies/\d+/$"))
    assert "Годовой отчёт подан" in anna.locator(".messages").inner_text()
    assert f"{last_year}: подан" in anna.get_by_test_id("statuses").inner_text()
    assert "Городской технопарк" in anna.get_by_test_id("applications").inner_text()
    report = AnnualReport.objects.get(status=held, year=last_year)
    assert (report.jobs, report.investment) == (45, Decimal("120.5"))
    j.shot(anna, "report-filed")


# --- operator ---------------------------------------------------------------------------------------------------


def _summary_value(page: Any, label: str) -> int:
    """A figure of the dashboard's «Key figures» table, read as the page shows it."""
    row = page.locator('table[data-table="summary"] tbody tr', has=page.locator("th", has_text=label))
    return figure(row.locator("td").inner_text())


def _waiting(page: Any, label: str) -> int:
    """A count of the back-office home's «Что ждёт решения» table."""
    row = page.get_by_test_id("waiting").locator("tr", has=page.locator("th", has_text=label))
    return figure(row.locator("td strong").inner_text())


def _submitted_application(org: Any) -> Any:
    """A company's status application waiting for the department (the representative's journey drives it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mosprom.companies import services as companies
    from mosprom.companies.models import Representative

    rep = UserFactory(username="rep@alfa-micro.ru", email="rep@alfa-micro.ru")
    Representative.objects.create(user=rep, organisation=org, is_manager=True)
    kind = StatusKindFactory(
        code="city-technopark", name="Городской технопарк", term_years=10, benefits="Льготы по налогу на имущество"
    )
    app = companies.application_create(actor=rep, organisation=org, kind=kind)
    companies.application_add_document(
        actor=rep, application=app, upload=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    )
    answers = {"area": "12000", "investment": "350", "jobs": "240", "new_productions": "2", "products": "Конденсаторы"}
    companies.application_save_answers(actor=rep, application=app, answers=answers)
    return companies.application_submit(actor=rep, application=app)


def test_operator(journey: Any) -> None:
    """Registry edit in the back-office → approve a status application → a road-map milestone done → intake: paste
    a press release, accept a proposed production → the dashboard shows the changes."""
    from mosprom.partnerships import services as partnerships
    from mosprom.partnerships.models import Agreement, AgreementParty, Milestone, Project
    from mosprom.registry.models import Production, Site, Status

    OperatorFactory(username="irina", password="operator-pass-2026")
    technopolis = SiteFactory(name="ОЭЗ «Технополис Москва»", slug="technopolis-moscow", kind=Site.Kind.SEZ)
    SiteFactory(name="Руднево", slug="rudnevo", kind=Site.Kind.SEZ_SITE, parent=technopolis)
    kamaz = OrganisationFactory(short_name="ПАО «КамАЗ»", slug="kamaz", kind="joint_stock")
    alfa = OrganisationFactory(short_name="ООО «Альфа-Микро»", slug="alfa-micro", inn="7707083893")
    application = _submitted_application(alfa)
    city = OrganisationFactory(short_name="Правительство Москвы", slug="moscow-government", kind="government")
    agreement = partnerships.agreement_create(
        title="Соглашение о сотрудничестве с КамАЗ",
        slug="kamaz-2025",
        kind=Agreement.Kind.COOPERATION,
        signed_on=date(2025, 3, 1),
        parties=[(city, AgreementParty.Role.CITY), (kamaz, AgreementParty.Role.COMPANY)],
    )
    project = partnerships.project_create(
        agreement=agreement,
        code="KZ-1",
        title="Производство тяговых батарей",
        category=Project.Category.PRODUCTION,
        status=Project.Status.IMPLEMENTATION,
        planned_start=timezone.localdate() - timedelta(days=200),
        planned_end=timezone.localdate() + timedelta(days=400),
        duties=[(kamaz, "КамАЗ оснащает производство")],
        milestones=[{"title": "Линия сборки запущена", "due_on": timezone.localdate() - timedelta(days=10)}],
    )
    j = journey("operator")
    irina = j.person()
    login(irina, "irina", "operator-pass-2026")

    # The back-office home says what waits for a decision; the dashboard has the registry's figures.
    assert _waiting(irina, "Кабинет компаний") == 1 and _waiting(irina, "Просроченные вехи") == 1
    j.shot(irina, "backoffice-home", sideways_ok=True)
    irina.goto("/analytics/")
    productions_before = _summary_value(irina, "Производства в реестре")
    overdue_before = _summary_value(irina, "Просроченные вехи")
    assert (productions_before, overdue_before) == (0, 1)
    j.shot(irina, "dashboard-before")

    # The registry in the back-office: КамАЗ's page gets a production.
    irina.goto(f"/admin/registry/organisation/{kamaz.pk}/change/")
    assert irina.input_value("textarea[name=name_variants]") == ""  # one name per line, not «[]» to type as JSON
    irina.fill("textarea[name=name_variants]", "КАМАЗ\nKamAZ")
    assert "ПОЛЬЗОВАТЕЛЬ" in irina.locator("#memberships-group").inner_text().upper()  # not «USER»
    group = irina.locator("#productions-group")
    group.locator(".add-row a").click()
    group.locator("input[name=productions-0-product]").fill("Электробусы")
    group.locator("input[name=productions-0-jobs]").fill("120")
    # the back-office is Django's layout (it scrolls on a phone), but at 1280 the organisation's page with its
    # productions fits the screen (the productions' table made it 1,767 px wide)
    j.shot(irina, "admin-organisation", sideways_ok=j.width < 1280)
    irina.locator("input[name=_continue]").click()
    irina.wait_for_selector(".messagelist")
    assert "ПАО «КамАЗ»" in irina.locator(".messagelist").inner_text()
    assert Production.objects.filter(organisation=kamaz, product="Электробусы", jobs=120).count() == 1
    kamaz.refresh_from_db()
    assert kamaz.name_variants == ["КАМАЗ", "KamAZ"]
    assert irina.input_value("textarea[name=name_variants]") == "КАМАЗ\nKamAZ"
    j.shot(irina, "admin-saved", sideways_ok=True)

    # The status decision: from the work queue to an approval.
    irina.goto("/companies/operator/")
    item = irina.get_by_test_id(f"queue-item-application-{application.pk}")
    assert "ООО «Альфа-Микро»" in item.inner_text()
    j.shot(irina, "work-queue")
    irina.goto(f"/companies/operator/applications/{application.pk}/")
    assert irina.get_by_test_id("stage").text_content() == "проверка комплектности"
    irina.get_by_test_id("action-start_review").click()
    irina.get_by_test_id("verdict-form").wait_for()
    irina.fill("input[name=expert_name]", "Экспертный совет")
    irina.select_option("select[name=verdict]", "support")
    irina.get_by_test_id("verdict-form").locator("button[type=submit]").click()
    irina.wait_for_selector("text=Экспертный совет")
    j.shot(irina, "application-review")
    irina.get_by_test_id("action-approve").click()
    irina.wait_for_load_state()
    assert irina.get_by_test_id("stage").text_content() == "одобрена"
    assert Status.objects.filter(holder=alfa, kind__code="city-technopark").count() == 1
    j.shot(irina, "application-approved")
    irina.goto("/organisations/alfa-micro/")
    assert "Льготы по налогу на имущество" in irina.get_by_test_id("status-benefits").inner_text()

    # The road map: the overdue milestone is marked done from the back-office list.
    irina.goto(f"/admin/partnerships/milestone/?project__id__exact={project.pk}&overdue=yes")
    irina.locator("input.action-select").first.check()
    irina.select_option("select[name=action]", "mark_done")
    irina.locator("button[name=index]").click()
    irina.wait_for_selector(".messagelist")
    j.shot(irina, "milestone-done", sideways_ok=True)
    assert Milestone.objects.get(project=project).done_on == timezone.localdate()
    irina.goto("/partnerships/partners/kamaz/roadmap/")
    assert irina.get_by_test_id(f"progress-{project.pk}").inner_text().strip() == "100\u00a0%"
    j.shot(irina, "roadmap")

    # Intake: a pasted press release proposes КамАЗ's new production on Руднево; the operator accepts it.
    irina.goto("/intake/")
    irina.get_by_test_id("release-new").click()
    irina.fill(
        "#id_text",
        "В Москве компания ПАО «КамАЗ» открыла производство тяговых батарей на площадке «Руднево». "
        "На предприятии будет создано более 300 рабочих мест.",
    )
    irina.get_by_test_id("release-submit").click()
    waiting = irina.get_by_test_id("facts-waiting")
    row = waiting.locator("[data-testid^=fact-]", has_text="тяговых батарей").first
    assert "ПАО «КамАЗ»" in row.inner_text() and "Руднево" in row.inner_text()
    j.shot(irina, "intake-release")
    row.get_by_role("button", name="Принять").click()
    irina.wait_for_selector(".notice-success")
    assert "Принят 1 факт" in irina.locator(".messages").inner_text()
    j.shot(irina, "intake-accepted")
    assert Production.objects.filter(organisation=kamaz, product="тяговых батарей").count() == 1

    # The back-office home and the dashboard show all of it.
    irina.goto("/analytics/operator/")  # the operator's figures start at the back-office home
    irina.wait_for_url("**/admin/")
    assert _waiting(irina, "Кабинет компаний") == 0 and _waiting(irina, "Просроченные вехи") == 0
    irina.goto("/analytics/")
    assert _summary_value(irina, "Производства в реестре") == productions_before + 2
    assert _summary_value(irina, "Просроченные вехи") == overdue_before - 1
    j.shot(irina, "dashboard-after")


# --- data consumer ------------------------------------------------------------------------------------------


def test_data_consumer(journey: Any, tmp_path: Any) -> None:
    """The API docs page → a call answered in JSON → the same figures as a CSV download from the dashboard."""
    rudnevo = SiteFactory(name="Руднево", slug="rudnevo")
    for year, n in ((2023, 3), (2024, 5)):
        for i in range(n):
            ProductionFactory(site=rudnevo, opened_on=date(year, 3, 1 + i), jobs=10 * (i + 1))
    j = journey("consumer")
    ivan = j.person()

    ivan.goto("/analytics/?year=2024")
    assert _summary_value(ivan, "Новые производства в 2024 году") == 5
    ivan.locator("main").get_by_role("link", name="API открытых данных").click()
    ivan.wait_for_url("**/api/v1/docs")
    ivan.locator(".swagger-ui .info .title").wait_for()
    # the API's title and its operations' summaries are Russian on the Russian page
    assert "API открытых данных Моспрома" in ivan.locator(".swagger-ui .info .title").inner_text()
    operation = ivan.locator(".opblock", has_text="/api/v1/kpi/productions/by-year")
    assert operation.count() == 1
    assert operation.locator(".opblock-summary-description").inner_text() == "Новые производства по годам"
    j.shot(ivan, "api-docs", sideways_ok=True, full_page=False)  # the whole reference is 10 000 px tall

    # The call a script would make; the browser shows the JSON it answers.
    response = ivan.goto("/api/v1/kpi/productions/by-year?from_year=2023&to_year=2024")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    rows = json.loads(ivan.locator("body").inner_text())
    assert [(r["year"], r["count"], r["previous"], r["change_percent"]) for r in rows] == [
        (2023, 3, 0, None),
        (2024, 5, 3, 67),
    ]
    j.shot(ivan, "api-json", sideways_ok=True)
    problem = ivan.goto("/api/v1/kpi/productions/by-year?to_year=1812")
    assert problem is not None and problem.status == 422
    assert json.loads(ivan.locator("body").inner_text())["code"]

    # The same table as CSV from the dashboard.
    ivan.goto("/analytics/?year=2024")
    name, content = download(ivan, lambda: ivan.get_by_test_id("csv-productions-by-year").click(), tmp_path)
    assert name == "mosprom-productions-by-year-2024.csv"
    table = csv_rows(content)
    by_year = {r[0]: r for r in table[1:]}
    assert by_year["2023"][1] == "3" and by_year["2024"][1] == "5", table
    j.shot(ivan, "dashboard-downloads")
