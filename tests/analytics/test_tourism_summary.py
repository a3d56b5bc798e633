"""The TourismDay summary gives exactly tours.selectors.programme_kpis()' figures, and stays exact after changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mosprom.analytics import tourism
from mosprom.analytics.models import TourismDay, TourismDirtyDay
from mosprom.demo.formats import format_get_or_create
from mosprom.tours import selectors
from mosprom.tours.models import Feedback, Registration, Session, Tour
from tests.tours.conftest import make_org, make_tour

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=MSK)

pytestmark = pytest.mark.django_db


def _reg(session: Session, state: str, party: int, n: int) -> Registration:
    return Registration.objects.create(
        session=session, name=f"V{n}", email=f"v{n}@example.com", party_size=party, state=state
    )


@pytest.fixture
def programme() -> dict[str, Any]:
    a = make_tour(make_org(), published_at=datetime(2024, 3, 1, tzinfo=MSK))
    b = make_tour(
        make_org(), format=format_get_or_create(slug="lecture"), published_at=datetime(2025, 3, 1, tzinfo=MSK)
    )
    make_tour(make_org(), state=Tour.State.DRAFT)
    sessions = {
        "2024": Session.objects.create(tour=a, starts_at=datetime(2024, 5, 10, 11, tzinfo=MSK), capacity=20),
        "new-year": Session.objects.create(tour=b, starts_at=datetime(2024, 12, 31, 23, 30, tzinfo=MSK), capacity=20),
        "2025": Session.objects.create(tour=b, starts_at=datetime(2025, 7, 1, 11, tzinfo=MSK), capacity=20),
        "this-morning": Session.objects.create(tour=a, starts_at=NOW - timedelta(hours=2), capacity=20),
        "this-evening": Session.objects.create(tour=b, starts_at=NOW + timedelta(hours=6), capacity=20),
        "december": Session.objects.create(tour=b, starts_at=datetime(2026, 12, 15, 11, tzinfo=MSK), capacity=20),
    }
    n = 0
    plan = {
        "2024": [("checked_in", 2), ("checked_in", 3), ("confirmed", 1), ("cancelled", 4)],
        "new-year": [("checked_in", 1), ("confirmed", 2)],
        "2025": [("checked_in", 4), ("expired", 1)],
        "this-morning": [("checked_in", 1), ("confirmed", 1), ("confirmed", 2)],
        "this-evening": [("confirmed", 3), ("held", 1)],
        "december": [("confirmed", 2), ("held", 1)],
    }
    regs: dict[str, list[Registration]] = {}
    for key, rows in plan.items():
        for state, party in rows:
            n += 1
            regs.setdefault(key, []).append(_reg(sessions[key], state, party, n))
    Feedback.objects.create(registration=regs["2024"][0], rating=5)
    Feedback.objects.create(registration=regs["2025"][0], rating=2)
    return {"sessions": sessions, "regs": regs, "tours": (a, b)}


def _same() -> dict[str, Any]:
    expected = selectors.programme_kpis(now=NOW)
    actual = tourism.programme_kpis(now=NOW)
    assert actual == expected
    return actual


def test_summary_equals_the_registrations(programme: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        kpis = _same()
    # Sessions are counted in their Moscow year (the 31 December 23:30 session belongs to 2024).
    assert kpis["registrations_per_year"] == {2024: 5, 2025: 1, 2026: 5}
    assert kpis["attendance_rate_per_year"][2026] == pytest.approx(1 / 3)  # this morning only: 1 of 3
    assert TourismDay.objects.count() == 6  # (day, format) rows, not the registrations
    assert not TourismDirtyDay.objects.exists()


def test_changes_mark_their_day_and_the_next_read_recomputes_it(programme: dict[str, Any]) -> None:
    regs, sessions = programme["regs"], programme["sessions"]
    with time_machine.travel(NOW, tick=False):
        _same()
        held = regs["december"][1]
        held.state = Registration.State.CONFIRMED
        held.save()
        assert TourismDirtyDay.objects.count() == 1
        _same()
        regs["2024"][2].delete()
        _same()
        # a session moved to another day: both days are recomputed
        moved = sessions["2025"]
        moved.starts_at = datetime(2025, 8, 2, 11, tzinfo=MSK)
        moved.save()
        assert TourismDirtyDay.objects.count() == 2
        _same()
        # cancelling a session updates its registrations in bulk (no signal): the session's save marks the day
        evening = sessions["this-evening"]
        Registration.objects.filter(session=evening).update(state=Registration.State.CANCELLED)
        evening.state = Session.State.CANCELLED
        evening.save()
        _same()
        # a tour changing format moves its registrations to another format
        tour_a = programme["tours"][0]
        tour_a.format = format_get_or_create(slug="quest")
        tour_a.save()
        _same()
        # a new hold changes no figure and writes no mark
        _reg(sessions["december"], "held", 1, 99)
        assert not TourismDirtyDay.objects.exists()


def test_bulk_loads_call_mark_all(programme: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        _same()
        Registration.objects.filter(state=Registration.State.CONFIRMED).update(state=Registration.State.CHECKED_IN)
        assert tourism.programme_kpis(now=NOW) != selectors.programme_kpis(now=NOW)  # bypassed the signals
        tourism.mark_all()
        _same()


def test_dashboard_reads_the_summary(programme: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    from mosprom.analytics import selectors as analytics

    with time_machine.travel(NOW, tick=False):
        tourism.refresh()
        with django_assert_max_num_queries(12):
            figures = analytics.tourism_summary()
    assert figures == selectors.programme_kpis(now=NOW)


def test_the_periodic_task_recomputes_ahead_of_readers(programme: dict[str, Any]) -> None:
    from mosprom.analytics import tasks
    from mosprom.core import periodic

    assert tasks.refresh_tourism_days.module_path in {p.name for p in periodic.registered()}
    with time_machine.travel(NOW, tick=False):
        assert tasks.refresh_tourism_days.call() == 5  # the five session days the fixture booked
        reg = programme["regs"]["december"][0]
        reg.state = Registration.State.CANCELLED
        reg.save()
        reg.save()  # marked twice: the marks are append-only (no unique index to wait on)
        assert TourismDirtyDay.objects.count() == 2
        assert tasks.refresh_tourism_days.call() == 1  # one day, once
        assert not TourismDirtyDay.objects.exists()
        _same()
