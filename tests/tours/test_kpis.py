"""programme_kpis() against figures computed by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mosprom.demo.formats import format_get_or_create
from mosprom.tours import selectors
from mosprom.tours.models import Feedback, Registration, Session, Tour

from .conftest import make_org, make_tour

MSK = ZoneInfo("Europe/Moscow")


def _reg(session: Session, state: str, party: int, n: int) -> Registration:
    return Registration.objects.create(
        session=session, name=f"V{n}", email=f"v{n}@example.com", party_size=party, state=state
    )


@pytest.mark.django_db
def test_programme_kpis_hand_computed(db: Any) -> None:
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=MSK), tick=False):
        a = make_tour(make_org(), published_at=datetime(2024, 3, 1, tzinfo=MSK))
        b = make_tour(
            make_org(),
            format=format_get_or_create(slug="lecture"),
            published_at=datetime(2025, 3, 1, tzinfo=MSK),
        )
        make_tour(make_org(), state=Tour.State.DRAFT)  # a host with only a draft does not count
        s1 = Session.objects.create(tour=a, starts_at=datetime(2024, 5, 10, 11, tzinfo=MSK), capacity=20)
        s2 = Session.objects.create(tour=a, starts_at=datetime(2025, 6, 1, 11, tzinfo=MSK), capacity=20)
        s3 = Session.objects.create(tour=b, starts_at=datetime(2025, 7, 1, 11, tzinfo=MSK), capacity=20)
        s4 = Session.objects.create(tour=b, starts_at=datetime(2026, 12, 15, 11, tzinfo=MSK), capacity=20)
        r1 = _reg(s1, "checked_in", 2, 1)
        _reg(s1, "checked_in", 3, 2)
        _reg(s1, "confirmed", 1, 3)  # a no-show
        _reg(s1, "cancelled", 4, 4)
        r5 = _reg(s2, "checked_in", 1, 5)
        _reg(s2, "confirmed", 2, 6)
        r7 = _reg(s3, "checked_in", 4, 7)
        _reg(s4, "confirmed", 2, 8)
        _reg(s4, "held", 1, 9)
        for reg, rating in ((r1, 5), (r5, 4), (r7, 3)):
            Feedback.objects.create(registration=reg, rating=rating)
        kpis = selectors.programme_kpis()
    assert kpis == {
        "host_companies": 2,
        "new_hosts_per_year": {2024: 1, 2025: 1},
        "registrations_per_year": {2024: 3, 2025: 3, 2026: 1},
        "visitors_per_year": {2024: 5, 2025: 5, 2026: 0},
        "attendance_rate_per_year": {2024: pytest.approx(2 / 3), 2025: pytest.approx(2 / 3)},
        "popular_formats": [
            {"format": "экскурсия", "registrations": 5},
            {"format": "лекция", "registrations": 2},
        ],
        "average_rating": 4.0,
    }


@pytest.mark.django_db
def test_programme_kpis_empty() -> None:
    kpis = selectors.programme_kpis()
    assert kpis["host_companies"] == 0 and kpis["average_rating"] is None and kpis["popular_formats"] == []
