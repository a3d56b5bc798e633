"""At 390 px the cabinets' tables stack into one block per row: what a person must act on (file a report, see that
it is overdue, a registrant's state and check-in) is on screen, not in a column scrolled out of sight."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from mosprom.tours.rules import MOSCOW, today_moscow
from tests.companies.factories import RepresentativeFactory
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    SessionFactory,
    StatusFactory,
    StatusKindFactory,
    TourFactory,
    UserFactory,
)

from .journey_kit import confirmed_registration, login

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 390


def assert_on_screen(page: Any, locator: Any, what: str) -> None:
    """The element is visible and lies wholly within the phone's width (not in a box scrolled sideways)."""
    assert locator.is_visible(), f"{what} is not shown"
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, f"{what} is off-screen: {box}"


def assert_no_sideways_scroll(page: Any, selector: str) -> None:
    widths = page.eval_on_selector(selector, "el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"{selector} scrolls sideways at {WIDTH}px: {widths}"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_company_cabinet_report_action_and_overdue_badge_on_a_phone(phone_page: Any) -> None:
    org = OrganisationFactory(short_name="ООО «Альфа-Микро»", slug="alfa-micro")
    StatusFactory(
        holder=org,
        kind=StatusKindFactory(code="industrial-complex", name="Промышленный комплекс"),
        granted_on=date(timezone.localdate().year - 2, 3, 1),
        obliged_jobs=40,
        obliged_productions=1,
        obliged_investment=Decimal("100"),
    )
    RepresentativeFactory(user=UserFactory(username="anna", password="Zavod-Alfa-2026"), organisation=org)
    login(phone_page, "anna", "Zavod-Alfa-2026")
    phone_page.goto(f"/companies/{org.pk}/")
    statuses = phone_page.get_by_test_id("statuses")
    assert_on_screen(phone_page, statuses.get_by_test_id("file-report").first, "«Подать отчёт»")
    assert_on_screen(phone_page, statuses.get_by_test_id("report-overdue").first, "the overdue badge")
    assert_no_sideways_scroll(phone_page, "[data-testid=statuses] .table-wrap")
    # stacked: the report sits under the status, the full width of the screen, not in a narrow second column
    status_cell, report_cell = (statuses.locator("tbody tr td").nth(i).bounding_box() for i in (0, 1))
    assert status_cell and report_cell and report_cell["y"] >= status_cell["y"] + status_cell["height"] - 1
    assert report_cell["width"] > WIDTH * 0.8, report_cell


def test_host_registrants_state_and_check_in_on_a_phone(phone_page: Any) -> None:

    tour = TourFactory(title="Композиты вокруг нас", slug="composites")
    MembershipFactory(user=UserFactory(username="host-nck", password="host-demo-2026"), organisation=tour.host)
    # registration closes days before a session and check-in opens on its day: register first, then move it to now
    session = SessionFactory(tour=tour, capacity=12, starts_at=timezone.now() + timedelta(days=10))
    confirmed_registration(session)
    now = timezone.now()
    last_minute_today = datetime.combine(today_moscow(now), time(23, 59), MOSCOW)
    type(session).objects.filter(pk=session.pk).update(starts_at=min(now + timedelta(hours=2), last_minute_today))
    login(phone_page, "host-nck", "host-demo-2026")
    phone_page.goto(f"/tours/cabinet/sessions/{session.pk}/")
    registrants = phone_page.get_by_test_id("registrants")
    row = registrants.locator("tbody tr").first
    assert_on_screen(phone_page, row.locator("td").nth(5), "the registrant's state")
    assert "подтверждена" in row.locator("td").nth(5).inner_text().lower()
    assert_on_screen(phone_page, row.get_by_role("link", name="Отметить приход"), "the check-in link")
    assert_no_sideways_scroll(phone_page, "[data-testid=registrants]")
