"""Agreements, road maps and industrial tourism on the dashboard, in the exports and in the API.

Small hand-built sets with the partnerships and tours models; the expected figures are worked out by hand.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mosprom.analytics import exports, selectors
from mosprom.partnerships.models import Agreement, Milestone, Project
from mosprom.tours.models import Feedback, Format, Registration, Session, Tour

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def partnerships_data(kpi_data: Any) -> Any:
    """Agreements: one expiring in 100 days, one open-ended, one terminated.
    Projects: ТВЭЛ (production, implementation; milestones: 1 done, 1 overdue → 0.5),
    Росатом (energy, idea; 1 milestone due later → 0), Альфа (production, completed; an old undone milestone that is
    not overdue because the project is closed → 0). Average progress (0.5 + 0 + 0) / 3 = 16.7 %; overdue 1."""
    today = timezone.localdate()
    Agreement.objects.create(title="A1", slug="a1", signed_on=date(2020, 1, 1), ends_on=today + timedelta(days=100))
    Agreement.objects.create(title="A2", slug="a2", signed_on=date(2021, 1, 1))
    Agreement.objects.create(
        title="A3", slug="a3", signed_on=date(2019, 1, 1), terminated_on=today - timedelta(days=10)
    )
    p1 = Project.objects.create(
        partner=kpi_data.tvel, code="T-1", title="P1", category="production", status="implementation"
    )
    p2 = Project.objects.create(partner=kpi_data.rosatom, code="R-1", title="P2", category="energy", status="idea")
    p3 = Project.objects.create(
        partner=kpi_data.alpha, code="A-1", title="P3", category="production", status="completed"
    )
    Milestone.objects.create(
        project=p1, title="m1", due_on=today - timedelta(days=50), done_on=today - timedelta(days=49)
    )
    Milestone.objects.create(project=p1, title="m2", due_on=today - timedelta(days=5))
    Milestone.objects.create(project=p2, title="m3", due_on=today + timedelta(days=30))
    Milestone.objects.create(project=p3, title="m4", due_on=today - timedelta(days=100))
    return kpi_data


def _registration(session: Session, state: str, party: int, n: int) -> Registration:
    return Registration.objects.create(
        session=session, name=f"Гость {n}", email=f"guest{n}@example.com", party_size=party, state=state
    )


@pytest.fixture
def tours_data(kpi_data: Any) -> Any:
    """Hosts with a published tour: Альфа (first in 2024), ТВЭЛ (2025); Бета only has a draft.
    2024: 2 booked registrations (one checked in, party 3) → visitors 3, attendance 1/2 = 50 %.
    2025: 4 booked (3 checked in: parties 4, 1, 2) → visitors 7, attendance 3/4 = 75 %.
    Formats: lecture 4, excursion 2. Ratings 5 and 4 → 4.5."""
    excursion = Format.objects.create(name="Экскурсия", slug="excursion-test")
    lecture = Format.objects.create(name="Лекция", slug="lecture-test")
    published = Tour.State.PUBLISHED

    def tour(slug: str, host: Any, fmt: Format, when: datetime, state: str = published) -> Tour:
        return Tour.objects.create(host=host, format=fmt, title=slug, slug=slug, state=state, published_at=when)

    t1 = tour("t1", kpi_data.alpha, excursion, datetime(2024, 3, 1, 12, tzinfo=MSK))
    t2 = tour("t2", kpi_data.tvel, lecture, datetime(2025, 2, 1, 12, tzinfo=MSK))
    t3 = tour("t3", kpi_data.alpha, lecture, datetime(2025, 5, 1, 12, tzinfo=MSK))
    tour("t4", kpi_data.beta, lecture, datetime(2025, 5, 1, 12, tzinfo=MSK), state=Tour.State.DRAFT)
    s1 = Session.objects.create(tour=t1, starts_at=datetime(2024, 6, 1, 10, tzinfo=MSK), capacity=20)
    s2 = Session.objects.create(tour=t2, starts_at=datetime(2025, 6, 1, 10, tzinfo=MSK), capacity=20)
    s3 = Session.objects.create(tour=t3, starts_at=datetime(2025, 9, 1, 10, tzinfo=MSK), capacity=20)
    checked, confirmed = Registration.State.CHECKED_IN, Registration.State.CONFIRMED
    r1 = _registration(s1, checked, 3, 1)
    _registration(s1, confirmed, 2, 2)
    _registration(s1, Registration.State.CANCELLED, 1, 3)
    r4 = _registration(s2, checked, 4, 4)
    _registration(s2, checked, 1, 5)
    _registration(s2, confirmed, 2, 6)
    _registration(s2, Registration.State.HELD, 2, 7)
    _registration(s3, checked, 2, 8)
    Feedback.objects.create(registration=r1, rating=5)
    Feedback.objects.create(registration=r4, rating=4)
    return kpi_data


def test_partnership_figures(partnerships_data: Any) -> None:
    data = selectors.partnerships_summary()
    assert data is not None
    assert data["agreements_active"] == 2
    assert data["agreements_expiring_within_days"]["count"] == 1
    assert data["projects_total"] == 3
    assert sorted(data["projects_by_status"].values()) == [1, 1, 1]
    assert sorted(data["projects_by_category"].values()) == [1, 2]
    assert data["overdue_milestones"] == 1
    assert exports.fraction_percent(data["average_progress"]) == Decimal("16.7")


def test_corporation_projects_count_the_group(partnerships_data: Any) -> None:
    footprint = selectors.corporation_footprint(partnerships_data.rosatom.pk)
    assert footprint is not None
    assert footprint["projects"] == 2  # Росатом's own and ТВЭЛ's


def test_partnership_api(client: Any, partnerships_data: Any) -> None:
    body = client.get("/api/v1/kpi/partnerships").json()
    assert (body["agreements_active"], body["agreements_expiring"], body["agreements_expiring_within_days"]) == (
        2,
        1,
        180,
    )
    assert body["average_progress"] == 16.7
    assert body["overdue_milestones"] == 1
    assert body["projects_by_category"][0]["count"] == 2
    summary = client.get("/api/v1/kpi/summary?year=2023").json()
    assert summary["partnerships"]["projects_total"] == 3


def test_tourism_figures(tours_data: Any) -> None:
    data = selectors.tourism_summary()
    assert data is not None
    assert data["host_companies"] == 2
    assert data["new_hosts_per_year"] == {2024: 1, 2025: 1}
    assert data["registrations_per_year"] == {2024: 2, 2025: 4}
    assert data["visitors_per_year"] == {2024: 3, 2025: 7}
    assert data["popular_formats"][0] == {"format": "Лекция", "registrations": 4}
    assert data["average_rating"] == 4.5
    table = exports.tourism_by_year_table(2025)
    assert table is not None
    assert table.rows == [["2024", 1, 2, 3, Decimal("50.0")], ["2025", 1, 4, 7, Decimal("75.0")]]


def test_tourism_api(client: Any, tours_data: Any) -> None:
    body = client.get("/api/v1/kpi/tourism").json()
    assert body["host_companies"] == 2
    assert body["per_year"] == [
        {"year": 2024, "new_hosts": 1, "registrations": 2, "visitors": 3, "attendance_rate": 50.0},
        {"year": 2025, "new_hosts": 1, "registrations": 4, "visitors": 7, "attendance_rate": 75.0},
    ]
    assert body["popular_formats"] == [
        {"format": "Лекция", "registrations": 4},
        {"format": "Экскурсия", "registrations": 2},
    ]
    assert body["average_rating"] == 4.5


def test_dashboard_and_exports_show_partnerships_and_tours(
    operator_client: Any, partnerships_data: Any, tours_data: Any
) -> None:
    client = Client()
    html = "".join(
        client.get(reverse("analytics:dashboard"), {"year": 2025, "section": section}).content.decode()
        for section in ("partnerships", "tourism")
    )
    for key in ("partnerships", "projects-by-status", "projects-by-category", "tourism-by-year", "tourism-formats"):
        assert f'data-table="{key}"' in html, key
    assert 'data-table="projects-per-partner"' not in html
    assert "16,7" in html and "75,0\u00a0%" in html
    rows = list(
        csv.reader(
            io.StringIO(client.get("/analytics/export/tourism-by-year.csv?year=2025").content.decode("utf-8-sig"))
        )
    )
    assert rows[1:] == [["2024", "1", "2", "3", "50"], ["2025", "1", "4", "7", "75"]]
    assert client.get("/analytics/export/projects-per-partner.csv").status_code == 404
    operator_html = operator_client.get(
        reverse("analytics:dashboard"), {"year": 2025, "section": "partnerships"}
    ).content.decode()
    assert 'data-table="projects-per-partner"' in operator_html
    assert operator_client.get("/analytics/export/projects-per-partner.xlsx").status_code == 200


def test_a_new_project_shows_at_once(client: Any, partnerships_data: Any) -> None:
    assert client.get("/api/v1/kpi/partnerships").json()["projects_total"] == 3
    Project.objects.create(partner=partnerships_data.beta, code="B-1", title="P4", category="science")
    assert client.get("/api/v1/kpi/partnerships").json()["projects_total"] == 4


def test_a_check_in_shows_at_once(tours_data: Any) -> None:
    assert (selectors.tourism_summary() or {})["visitors_per_year"][2025] == 7
    registration = Registration.objects.get(email="guest6@example.com")
    registration.state = Registration.State.CHECKED_IN
    registration.save()
    assert (selectors.tourism_summary() or {})["visitors_per_year"][2025] == 9
