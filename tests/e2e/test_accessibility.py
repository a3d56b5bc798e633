"""Accessibility in a real browser: axe-core on every page people use, keyboard-only registration, the phone header.

axe-core comes from axe-playwright-python (its axe.min.js is inside the package: no network). Every public page,
the company cabinet, the host cabinet, the intake review screens and the operator's work queue are checked at
1280 px, the main public pages at 390 px too; any violation on any of them — critical, serious, moderate or minor
(heading order, duplicate landmarks, empty table headers included) — fails the test and the message lists each one
(rule, page, element, what to fix). The desktop header is one line at 1280 px, two tidy lines at 1024 px.

Fast on purpose: one browser (the session's `browser`), one context per role, one live server and one data set for
the whole module (built through factories and services, flushed at the end) instead of one per test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import setup_databases, teardown_databases
from django.urls import reverse
from django.utils import timezone

from mosprom.companies import services as company_services
from mosprom.companies.models import StatusKindTerms
from mosprom.intake.services import release_import
from mosprom.tours import services as tour_services
from mosprom.tours import tickets
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    IndustryFactory,
    MembershipFactory,
    MilestoneFactory,
    OperatorFactory,
    OrganisationFactory,
    ProductionFactory,
    ProjectFactory,
    ResidencyFactory,
    SessionFactory,
    SiteFactory,
    StatusFactory,
    StatusKindFactory,
    TourFactory,
    UserFactory,
)

SEED = Path(__file__).resolve().parents[1] / "intake" / "seeds" / "technopolis-new-productions-2024.txt"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE = Axe()


@dataclass
class World:
    url: str
    paths: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)  # role -> session cookie value


def _build() -> tuple[dict[str, str], dict[str, Any]]:
    """One small data set where every page has something to show; returns its paths and the users by role."""
    today = date.today()
    operator = OperatorFactory(username="a11y-operator")
    industry = IndustryFactory(name="Электроника", name_en="Electronics", slug="electronics")
    site = SiteFactory(name="ОЭЗ «Технополис Москва»", slug="technopolis-moscow")
    host = OrganisationFactory(short_name="НЦК", full_name="Нанотехнологический центр композитов", slug="nck")
    ResidencyFactory(organisation=host, site=site)
    ProductionFactory(organisation=host, product="Композитная арматура", industry=industry)
    kind = StatusKindFactory(
        code="industrial-complex",
        name="Промышленный комплекс",
        term_years=10,
        benefits="Льгота по налогу на имущество организаций",
    )
    StatusFactory(kind=kind, holder=host, granted_on=today - timedelta(days=400))
    StatusKindTerms.objects.create(kind=kind, questions=["area", "investment", "jobs"], review_days=30)

    # tours: an open session, a full one (its waitlist), a visitor's confirmed ticket
    tour = TourFactory(
        host=host,
        title="Композиты вокруг нас",
        slug="composites",
        description="Экскурсия на производство изделий из полимерных композиционных материалов.",
        min_age=14,
    )
    open_session = SessionFactory(tour=tour, starts_at=timezone.now() + timedelta(days=12), capacity=8)
    full_session = SessionFactory(tour=tour, starts_at=timezone.now() + timedelta(days=19), capacity=1)
    visitor = {"name": "Анна Иванова", "email": "anna@example.com", "phone": "+74951234567", "consent": True}
    outcome = tour_services.registration_create(session_id=open_session.pk, party_size=2, **visitor)  # type: ignore[arg-type]
    registration = tour_services.registration_confirm(signed=tickets.sign_for("confirm", outcome.registration))
    tour_services.registration_create(session_id=full_session.pk, party_size=1, **visitor)  # type: ignore[arg-type]
    entry = tour_services.waitlist_join(
        session_id=full_session.pk,
        name="Пётр",
        email="petr@example.com",
        phone="+74957654321",
        party_size=1,
        consent=True,
    )
    host_user = UserFactory(username="a11y-host")
    MembershipFactory(user=host_user, organisation=host)

    # partnerships: an agreement, a road map with a late project and an overdue milestone
    corp = OrganisationFactory(short_name="Госкорпорация «Росатом»", slug="rosatom")
    city = OrganisationFactory(short_name="Правительство Москвы", slug="moscow-government")
    agreement = AgreementFactory(title="Итоги стратегической сессии", slug="session")
    AgreementPartyFactory(agreement=agreement, organisation=corp)
    AgreementPartyFactory(agreement=agreement, organisation=city)
    project = ProjectFactory(
        partner=corp,
        agreement=agreement,
        code="GF-1",
        title="Гигафабрика накопителей энергии",
        site=site,
        planned_start=today - timedelta(days=300),
        planned_end=today + timedelta(days=700),
    )
    ProjectFactory(
        partner=corp,
        agreement=agreement,
        code="RA-7",
        title="Развитие имущественного комплекса с очень длинным названием проекта",
        planned_start=today - timedelta(days=900),
        planned_end=today - timedelta(days=20),
    )
    MilestoneFactory(project=project, title="Проект планировки", due_on=today - timedelta(days=10))
    MilestoneFactory(project=project, title="Запуск линии", due_on=today + timedelta(days=200))

    # the company cabinet: a manager of «Альфа-Микро» with an application sent and a production reported
    company = OrganisationFactory(short_name="ООО «Альфа-Микро»", slug="alfa-micro", inn="7707083893")
    rep = UserFactory(username="a11y-company", first_name="Ольга")
    company_services.representative_add(actor=operator, user=rep, organisation=company, is_manager=True)
    application = company_services.application_create(actor=rep, organisation=company, kind=kind)
    company_services.application_save_answers(
        actor=rep, application=application, answers={"area": "18500", "investment": "420", "jobs": "260"}
    )
    company_services.application_add_document(
        actor=rep,
        application=application,
        upload=SimpleUploadedFile("obosnovanie.pdf", PDF, content_type="application/pdf"),
    )
    company_services.application_submit(actor=rep, application=application)
    company_services.production_report_create(
        actor=rep, organisation=company, product="Силовые модули", opened_on=today - timedelta(days=30), jobs=40
    )
    company_services.access_request_create(
        inn="7728168971",
        organisation_name="АО «Заявитель»",
        contact_name="Иван Заявитель",
        email="ivan@example.com",
        message="Хотим подать заявку на статус.",
    )

    # intake: a press release read into proposed facts waiting for review
    release = release_import(data=SEED.read_bytes()).release
    fact = release.facts.first()  # type: ignore[attr-defined]

    registered_signed = tickets.sign("registered", outcome.registration.token)
    paths = {
        "home": "/",
        "catalogue": reverse("tours:catalogue"),
        "catalogue-filtered": reverse("tours:catalogue") + "?q=композиты&free=1",
        "catalogue-empty": reverse("tours:catalogue") + "?q=несуществующее",
        "tour": tour.get_absolute_url(),
        "registered": reverse("tours:registered", kwargs={"signed": registered_signed}),
        "ticket": reverse("tours:ticket", kwargs={"signed": tickets.sign_for("ticket", registration)}),
        "cancel": reverse("tours:cancel", kwargs={"signed": tickets.sign_for("cancel", registration)}),
        "my-data": reverse("tours:my_data", kwargs={"signed": tickets.sign_for("data", registration)}),
        "waitlist": reverse("tours:waitlisted", kwargs={"signed": tickets.sign("waitlisted", entry.token)}),
        "bad-link": reverse("tours:ticket", kwargs={"signed": "forged"}),
        "sites": reverse("registry:site_list"),
        "site": site.get_absolute_url(),
        "organisations": reverse("registry:organisation_list"),
        "organisation": host.get_absolute_url(),
        "productions": reverse("registry:production_list"),
        "map": reverse("registry:map"),
        "agreements": reverse("partnerships:agreement_list"),
        "agreement": reverse("partnerships:agreement_detail", kwargs={"slug": agreement.slug}),
        "roadmap": reverse("partnerships:roadmap", kwargs={"slug": corp.slug}),
        "project": project.get_absolute_url(),
        "figures": reverse("analytics:dashboard"),
        "figures-industry": reverse("analytics:dashboard") + "?section=industry",
        "figures-partnerships": reverse("analytics:dashboard") + "?section=partnerships",
        "figures-tourism": reverse("analytics:dashboard") + "?section=tourism",
        "figures-report": reverse("analytics:report"),
        "api-docs": reverse("api:openapi-view"),
        "login": reverse("core:login"),
        "consent": reverse("core:consent"),
        "access-request": reverse("companies:access_request"),
        "mailbox": reverse("core:mailbox"),
        "403": "/test-errors/403/",
        "404": "/no-such-page/",
        "429": "/test-errors/429/",
        "500": "/test-errors/500/",
        # the company cabinet
        "company-home": reverse("companies:home"),
        "company-cabinet": reverse("companies:cabinet", kwargs={"org": company.pk}),
        "company-team": reverse("companies:representatives", kwargs={"org": company.pk}),
        "company-profile": reverse("companies:profile", kwargs={"org": company.pk}),
        "company-production": reverse("companies:production_new", kwargs={"org": company.pk}),
        "company-host": reverse("companies:host_apply", kwargs={"org": company.pk}),
        "company-application": reverse("companies:application", kwargs={"pk": application.pk}),
        # the host cabinet
        "host-cabinet": reverse("tours:cabinet"),
        "host-tour": reverse("tours:cabinet_tour", kwargs={"pk": tour.pk}),
        "host-tour-edit": reverse("tours:cabinet_tour_edit", kwargs={"pk": tour.pk}),
        "host-tour-new": reverse("tours:cabinet_tour_new"),
        "host-session": reverse("tours:cabinet_session", kwargs={"pk": open_session.pk}),
        "host-checkin": reverse("tours:checkin"),
        "host-checkin-code": reverse("tours:checkin_code", kwargs={"code": registration.ticket_code}),
        # the operator: work queue, intake review, road-map import, overdue milestones
        "queue": reverse("companies:queue"),
        "queue-application": reverse("companies:operator_application", kwargs={"pk": application.pk}),
        "invite": reverse("companies:operator_invite"),
        "intake": reverse("intake:release_list"),
        "intake-new": reverse("intake:release_new"),
        "intake-release": release.get_absolute_url(),
        "intake-fact": reverse("intake:fact_edit", kwargs={"pk": fact.pk}),
        "figures-operator": reverse("analytics:operator"),
        "overdue": reverse("partnerships:overdue_list"),
        "roadmap-import": reverse("partnerships:roadmap_import", kwargs={"slug": corp.slug}),
    }
    return paths, {"operator": operator, "host": host_user, "company": rep}


def _ensure_test_database() -> Any:
    """pytest-django creates the test database only when a collected test asks for it (a marker, `db`); these tests
    reach it through this module's fixture instead (a per-test transaction would hold SQLite's write lock against
    the live server). Run on their own, they create it here; in the suite it exists already."""
    if connection.settings_dict["NAME"] == connection.creation._get_test_db_name():
        return None
    return setup_databases(verbosity=0, interactive=False, aliases={"default"})


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    from pytest_django.live_server_helper import LiveServer

    urls = override_settings(
        ROOT_URLCONF="tests.core.error_urls",  # the project's URLs plus pages that answer 403/429/500 on purpose
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        DEMO_MAILBOX=True,
        LANGUAGE_CODE="ru",
    )
    with django_db_blocker.unblock(), urls:
        own_database = _ensure_test_database()
        paths, users = _build()
        cookies = {}
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield World(url=server.url, paths=paths, cookies=cookies)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            if own_database is not None:
                teardown_databases(own_database, verbosity=0)


def _context(browser: Any, world: World, role: str | None = None, *, viewport: dict[str, int] = DESKTOP) -> Any:
    context = browser.new_context(base_url=world.url, locale="ru-RU", viewport=viewport)
    context.set_default_timeout(15_000)
    if role:
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": world.cookies[role], "url": world.url}])
    return context


@pytest.fixture(scope="module")
def pages(browser: Any, world: World) -> Iterator[dict[str, Any]]:
    """One page per role and size, reused by every test of the module."""
    contexts = {
        "visitor": _context(browser, world),
        "visitor-phone": _context(browser, world, viewport=PHONE),
        "company": _context(browser, world, "company"),
        "host": _context(browser, world, "host"),
        "operator": _context(browser, world, "operator"),
    }
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


def _violations(page: Any, label: str) -> list[str]:
    """axe's findings of every impact on the page as it is now, one readable line each."""
    results = AXE.run(page)
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            found.append(
                f"{label}: [{violation['impact']}] {violation['id']} — {violation['help']}\n"
                f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}\n"
                f"    {node.get('failureSummary', '').replace(chr(10), ' ')}"
            )
    return found


def _check(page: Any, world: World, names: list[str]) -> list[str]:
    found: list[str] = []
    for name in names:
        response = page.goto(world.paths[name])
        assert response is not None and response.status == STATUS.get(name, 200), (name, response and response.status)
        if name == "api-docs":
            page.wait_for_selector(".swagger-ui .info")  # Swagger UI draws the page after loading the schema
        found += _violations(page, f"{name} ({world.paths[name]})")
    return found


# Pages that answer with an error on purpose; every other page answers 200.
STATUS = {"403": 403, "404": 404, "429": 429, "500": 500, "bad-link": 404}


def _report(found: list[str]) -> str:
    return f"{len(found)} accessibility violation(s):\n" + "\n".join(found)


PUBLIC = [
    "home",
    "catalogue",
    "catalogue-filtered",
    "catalogue-empty",
    "tour",
    "registered",
    "ticket",
    "cancel",
    "my-data",
    "waitlist",
    "bad-link",
    "sites",
    "site",
    "organisations",
    "organisation",
    "productions",
    "map",
    "agreements",
    "agreement",
    "roadmap",
    "project",
    "figures",
    "figures-industry",
    "figures-partnerships",
    "figures-tourism",
    "figures-report",
    "api-docs",
    "login",
    "consent",
    "access-request",
    "mailbox",
    "403",
    "404",
    "429",
    "500",
]
# The pages a visitor opens on a phone.
PUBLIC_PHONE = [
    "home",
    "catalogue",
    "tour",
    "ticket",
    "my-data",
    "waitlist",
    "organisation",
    "site",
    "map",
    "roadmap",
    "figures",
    "login",
    "mailbox",
    "404",
]
COMPANY = [
    "company-home",
    "company-cabinet",
    "company-team",
    "company-profile",
    "company-production",
    "company-host",
    "company-application",
]
HOST = [
    "host-cabinet",
    "host-tour",
    "host-tour-edit",
    "host-tour-new",
    "host-session",
    "host-checkin",
    "host-checkin-code",
]
OPERATOR = [
    "queue",
    "queue-application",
    "invite",
    "intake",
    "intake-new",
    "intake-release",
    "intake-fact",
    "figures-operator",
    "overdue",
    "roadmap",
    "roadmap-import",
]


@pytest.mark.parametrize(
    ("who", "names"),
    [
        ("visitor", PUBLIC),
        ("visitor-phone", PUBLIC_PHONE),
        ("company", COMPANY),
        ("host", HOST),
        ("operator", OPERATOR),
    ],
)
def test_no_violations(pages: dict[str, Any], world: World, who: str, names: list[str]) -> None:
    found = _check(pages[who], world, names)
    assert not found, _report(found)


def test_forms_with_errors_have_no_violations(pages: dict[str, Any], world: World) -> None:
    """The registration, login and company forms after a failed submission: summary, messages, marked fields."""
    page = pages["visitor"]
    page.goto(world.paths["tour"])
    page.fill("#id_name", "Анна")
    page.fill("#id_email", "anna@")
    page.click("form[data-testid=registration-form] button[type=submit]")
    page.wait_for_selector("[data-testid=error-summary]")
    found = _violations(page, "registration with errors")
    page.goto(world.paths["login"])
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong-password")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=error-summary]")
    found += _violations(page, "login with errors")
    company = pages["company"]
    company.goto(world.paths["company-production"])
    company.click("main form button[type=submit]")
    company.wait_for_selector("[data-testid=error-summary]")
    found += _violations(company, "production report with errors")
    assert not found, _report(found)


def _focus(page: Any) -> dict[str, Any]:
    """What has the keyboard focus, and whether a sighted user can see where it is."""
    return page.evaluate(
        """() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
            || s.boxShadow !== 'none' || s.backgroundColor === 'rgb(255, 221, 0)';
        return {tag: el.tagName, id: el.id, name: el.getAttribute('name') || '', type: el.type || '',
                text: (el.textContent || '').trim().slice(0, 60), ring: ring, visible: r.width > 0 && r.height > 0,
                testid: el.dataset.testid || ''};
    }"""
    )


def test_keyboard_only_registration(browser: Any, world: World) -> None:
    """From the skip link to «Записаться» with the keyboard alone: each stop is visible and in reading order."""
    context = _context(browser, world)
    page = context.new_page()
    try:
        page.goto(world.paths["tour"])
        page.keyboard.press("Tab")
        skip = _focus(page)
        assert skip["text"] == "Перейти к основному содержанию" and skip["ring"] and skip["visible"], skip
        page.keyboard.press("Enter")
        assert page.url.endswith("#main")
        # Tab on from the start of <main> until the form's first field: the header's links are skipped.
        seen = []
        for _ in range(40):
            page.keyboard.press("Tab")
            now = _focus(page)
            assert now["ring"] and now["visible"], f"focus is not visible on {now}"
            seen.append(now)
            if now["name"] == "session":
                break
        assert seen[-1]["name"] == "session", seen
        assert not any(s["text"] in ("Площадки", "Войти") for s in seen), "the skip link did not skip the header"
        page.keyboard.press("Space")  # choose the first session
        order = []
        for value in ("Анна Иванова", "anna.keyboard@example.com", "+7 495 123-45-67", "2"):
            page.keyboard.press("Tab")
            now = _focus(page)
            assert now["ring"], f"focus is not visible on {now}"
            order.append(now["name"])
            page.keyboard.type(value)
        page.keyboard.press("Tab")
        group = _focus(page)
        assert group["tag"] == "SUMMARY", group  # «Записываете организованную группу?» is folded away
        page.keyboard.press("Tab")
        consent = _focus(page)
        assert consent["name"] == "consent" and consent["ring"], consent
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        consent_text = _focus(page)  # the hint under the box links to the consent's full text
        assert consent_text["testid"] == "consent-link" and consent_text["ring"], consent_text
        page.keyboard.press("Tab")
        submit = _focus(page)
        assert submit["tag"] == "BUTTON" and submit["type"] == "submit" and submit["ring"], submit
        assert order == ["name", "email", "phone", "party_size"]
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-testid=registered]")
    finally:
        context.close()


def test_phone_header_is_one_line_with_a_menu_button(browser: Any, world: World) -> None:
    context = _context(browser, world, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/")
        button = page.get_by_test_id("menu-toggle")
        header = page.locator(".site-header").bounding_box()
        assert header is not None and header["height"] <= 80, header  # one line: the brand and the button
        assert button.is_visible() and button.get_attribute("aria-expanded") == "false"
        nav = page.get_by_role("navigation", name="Главное меню")
        assert not nav.is_visible()
        button.click()
        assert button.get_attribute("aria-expanded") == "true"
        assert nav.is_visible()
        links = nav.get_by_role("link")
        assert links.count() >= 7
        for i in range(links.count()):
            box = links.nth(i).bounding_box()
            assert box is not None and box["height"] >= 40 and box["x"] + box["width"] <= 390, box  # large targets
        # The keyboard reaches the menu's links right after the button; Escape folds it back.
        button.focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('#site-menu') !== null")
        page.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false" and not nav.is_visible()
        assert page.evaluate("document.activeElement.dataset.testid") == "menu-toggle"
        nav_link = re.compile("Экскурсии")
        button.click()
        nav.get_by_role("link", name=nav_link).click()
        page.wait_for_url("**/tours/")
        # The desktop header has no button: every link is in sight.
        page.set_viewport_size(DESKTOP)
        assert not button.is_visible() and nav.is_visible()
    finally:
        context.close()


def test_phone_header_without_javascript_shows_every_link(browser: Any, world: World) -> None:
    context = browser.new_context(base_url=world.url, locale="ru-RU", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        assert not page.get_by_test_id("menu-toggle").is_visible()
        assert page.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Карта").is_visible()
    finally:
        context.close()


# Pages with tables, timelines and charts that must fit a phone: only their own boxes may scroll sideways.
NO_SIDEWAYS_SCROLL = {
    "visitor-phone": [
        "home",
        "catalogue",
        "tour",
        "ticket",
        "my-data",
        "waitlist",
        "organisations",
        "organisation",
        "sites",
        "site",
        "productions",
        "map",
        "agreements",
        "agreement",
        "roadmap",
        "project",
        "figures",
        "figures-industry",
        "figures-partnerships",
        "figures-tourism",
        "mailbox",
    ],
}


def test_phone_pages_do_not_scroll_sideways(browser: Any, pages: dict[str, Any], world: World) -> None:
    too_wide = []
    cabinets = {"company": COMPANY, "host": HOST, "operator": OPERATOR}
    contexts = [_context(browser, world, role, viewport=PHONE) for role in cabinets]
    try:
        checks = [(pages["visitor-phone"], NO_SIDEWAYS_SCROLL["visitor-phone"])]
        checks += [(context.new_page(), names) for context, names in zip(contexts, cabinets.values(), strict=True)]
        for page, names in checks:
            for name in names:
                page.goto(world.paths[name])
                width = page.evaluate("document.scrollingElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide.append(f"{name} ({world.paths[name]}): {width} px")
    finally:
        for context in contexts:
            context.close()
    assert not too_wide, "pages wider than a 390 px phone:\n" + "\n".join(too_wide)


def test_roadmap_timeline_keeps_project_names_in_view_on_a_phone(pages: dict[str, Any], world: World) -> None:
    page = pages["visitor-phone"]
    page.goto(world.paths["roadmap"])
    name = page.get_by_test_id("timeline-labels").get_by_role("link", name="GF-1 · Гигафабрика накопителей энергии")
    before = name.bounding_box()
    page.locator(".timeline-wrap").evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    assert page.locator(".timeline-wrap").evaluate("box => box.scrollLeft") > 100  # the chart did scroll
    after = name.bounding_box()
    assert before is not None and after is not None and after["x"] == before["x"]  # the names stay put
    assert before["x"] + before["width"] <= PHONE["width"]


HEADER_BOXES = """() => {
    const box = s => { const r = document.querySelector(s).getBoundingClientRect();
                       return {x: r.x, y: r.y, width: r.width, height: r.height}; };
    return {header: box('.site-header'), brand: box('.brand'), nav: box('.main-nav'), tools: box('.header-tools'),
            width: document.scrollingElement.scrollWidth};
}"""


def _same_line(a: dict[str, float], b: dict[str, float]) -> bool:
    return abs((a["y"] + a["height"] / 2) - (b["y"] + b["height"] / 2)) < 12


def test_desktop_header_is_one_line_at_1280_and_two_at_1024(browser: Any, world: World) -> None:
    """At 1280 px the brand, the main menu, the language and «Войти» share one line (the language and the login
    used to drop onto a line of their own); at 1024 px, and for a signed-in operator with more links, the language
    and account links sit on the brand's line and the menu under them — never a third line."""
    context = _context(browser, world)
    page = context.new_page()
    try:
        page.goto("/")
        wide = page.evaluate(HEADER_BOXES)
        assert wide["header"]["height"] <= 70, wide  # one line of 44 px targets, its padding and the blue rule
        assert _same_line(wide["brand"], wide["nav"]) and _same_line(wide["brand"], wide["tools"]), wide
        assert wide["nav"]["x"] + wide["nav"]["width"] <= wide["tools"]["x"], wide  # the menu, then the tools
        assert page.get_by_role("link", name="Войти").is_visible()
        assert page.get_by_test_id("lang-en").is_visible()
        page.set_viewport_size({"width": 1024, "height": 800})
        narrow = page.evaluate(HEADER_BOXES)
        assert narrow["header"]["height"] <= 110 and narrow["width"] <= 1024, narrow
        assert _same_line(narrow["brand"], narrow["tools"]), narrow
        assert narrow["nav"]["y"] >= narrow["brand"]["y"] + narrow["brand"]["height"], narrow
        links = page.get_by_role("navigation", name="Главное меню").get_by_role("link")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, tops  # the whole menu on one line under the brand
    finally:
        context.close()
    operator = _context(browser, world, "operator")
    page = operator.new_page()
    try:
        page.goto("/")
        boxes = page.evaluate(HEADER_BOXES)
        assert boxes["header"]["height"] <= 110 and boxes["width"] <= DESKTOP["width"], boxes
        assert _same_line(boxes["brand"], boxes["tools"]), boxes
        assert page.get_by_test_id("work-queue-link").is_visible()
    finally:
        operator.close()


def test_api_docs_name_the_api_once(pages: dict[str, Any], world: World) -> None:
    """Swagger UI's own title is the page's one <h1> (the page had a second, «API открытых данных», above it);
    a hidden <h2> opens the operations, whose groups are Swagger's <h3>s."""
    page = pages["visitor"]
    page.goto(world.paths["api-docs"])
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag")
    headings = page.evaluate(
        "() => [...document.querySelectorAll('h1, h2, h3')].map(h => [h.tagName, h.textContent.trim()])"
    )
    h1 = [text for tag, text in headings if tag == "H1"]
    assert len(h1) == 1 and h1[0].startswith("API открытых данных Моспрома"), headings
    first_h3 = next(i for i, (tag, _text) in enumerate(headings) if tag == "H3")
    assert headings[first_h3 - 1] == ["H2", "Операции"], headings
    assert page.get_by_test_id("operations-heading").bounding_box()["width"] <= 1  # for screen readers only
    assert page.locator("#swagger-ui").get_attribute("lang") == "en"  # Swagger UI's words are English
    # the title and the summaries are ours, in the page's language, and say so
    assert page.locator(".swagger-ui .info .title").get_attribute("lang") == "ru"
    summary = page.locator(".opblock-summary-description").first
    assert summary.get_attribute("lang") == "ru" and re.search("[а-яё]", summary.inner_text(), re.I)


def test_work_queue_rows_stack_with_labels_on_a_phone(browser: Any, world: World) -> None:
    """At 390 px the queue's rows are stacked, each value after its label, instead of a table scrolled in its box."""
    context = _context(browser, world, "operator", viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(world.paths["queue"])
        table = page.get_by_test_id("queue")
        wrap = table.locator("xpath=..")
        assert wrap.evaluate("box => box.scrollWidth <= box.clientWidth"), "the queue still scrolls sideways"
        row = table.locator("tbody tr").first
        organisation = row.locator("td[data-label='Организация']")
        label = organisation.evaluate("td => getComputedStyle(td, '::before').content")
        assert label == '"Организация: "', label
        box = organisation.bounding_box()
        assert box is not None and box["width"] > 300  # the whole width of the phone, not a cramped column
        comment = row.locator("input[name=comment]").bounding_box()
        assert comment is not None and comment["height"] >= 44
    finally:
        context.close()


def test_link_buttons_read_as_links_outside_the_header(pages: dict[str, Any], world: World) -> None:
    """The team's «сделать руководителем»/«удалить» are buttons styled as links: they were white on a white page."""
    page = pages["company"]
    page.goto(world.paths["company-team"])
    button = page.get_by_test_id("representatives").get_by_role("button", name="удалить")
    assert button.evaluate("b => getComputedStyle(b).color") == "rgb(29, 78, 216)"
    logout = page.locator(".site-header .link-button")
    assert logout.evaluate("b => getComputedStyle(b).color") == "rgb(255, 255, 255)"


def test_company_team_fits_a_phone(browser: Any, world: World) -> None:
    """At 390 px the team's rows stack: the «удалить» button was in a column scrolled out of sight."""
    context = _context(browser, world, "company", viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(world.paths["company-team"])
        table = page.get_by_test_id("representatives")
        assert table.locator("xpath=..").evaluate("box => box.scrollWidth <= box.clientWidth")
        button = table.get_by_role("button", name="удалить")
        box = button.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    finally:
        context.close()
