"""Many visitors press «Register» at the same moment for few seats.

First the test proves that it can catch a race (a test-only hook replaces `services.lock_session` by a read
without the row lock and widens the window between the seat check and the insert: PostgreSQL oversells),
then that the lock prevents it. SQLite's IMMEDIATE transactions serialise
writers, so there even the unsafe run cannot oversell: that is asserted too.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, connections

from mosprom.tours import selectors, services
from mosprom.tours.models import Registration, Session, WaitlistEntry

from .conftest import make_session

ATTEMPTS = 24
SEATS = 5


def _hammer(session_id: int, attempts: int) -> dict[str, int]:
    barrier = threading.Barrier(attempts)

    def attempt(i: int) -> str:
        try:
            barrier.wait(timeout=30)
            args = {
                "session_id": session_id,
                "name": f"Гость {i}",
                "email": f"racer{i}@example.com",
                "phone": "+74951234567",
                "party_size": 1,
                "consent": True,
            }
            try:
                services.registration_create(**args)
                return "booked"
            except services.NotEnoughSeats:
                services.waitlist_join(**args)
                return "waitlisted"
            except (ValidationError, OperationalError):
                return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        outcomes = list(pool.map(attempt, range(attempts)))
    return {k: outcomes.count(k) for k in ("booked", "waitlisted", "refused")}


def _report(record_property: Any, label: str, figures: dict[str, int], booked_seats: int) -> None:
    line = (
        f"[{label} on {connection.vendor}] attempted={ATTEMPTS} seats={SEATS} booked={booked_seats} "
        f"waitlisted={figures['waitlisted']} refused={figures['refused']}"
    )
    print(line)
    record_property(label, line)


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_never_oversell(record_property: Any) -> None:
    session = make_session(capacity=SEATS)
    figures = _hammer(session.pk, ATTEMPTS)
    booked = selectors.seats_booked(session)
    _report(record_property, "locked", figures, booked)
    assert booked == SEATS
    assert Registration.objects.filter(session=session).count() == SEATS == figures["booked"]
    assert figures["booked"] + figures["waitlisted"] + figures["refused"] == ATTEMPTS
    assert WaitlistEntry.objects.filter(session=session).count() == figures["waitlisted"]
    positions = sorted(WaitlistEntry.objects.filter(session=session).values_list("position", flat=True))
    assert positions == list(range(1, figures["waitlisted"] + 1))  # no two entries share a place


@pytest.mark.django_db(transaction=True)
def unlock_seats(monkeypatch: Any) -> None:
    """Test-only hook: no row lock, and a pause after counting the free seats to widen the race window."""
    seats_left = selectors.seats_left

    def read_without_lock(session_id: int) -> Session:
        return Session.objects.select_related("tour__season").get(pk=session_id)

    def slow_seats_left(session: Session, *, now: Any = None) -> int:
        left = seats_left(session, now=now)
        time.sleep(0.05)
        return left

    monkeypatch.setattr(services, "lock_session", read_without_lock)
    monkeypatch.setattr(selectors, "seats_left", slow_seats_left)


@pytest.mark.django_db(transaction=True)
def test_the_race_is_caught_without_the_lock(monkeypatch: Any, record_property: Any) -> None:
    unlock_seats(monkeypatch)
    session = make_session(capacity=SEATS)
    figures = _hammer(session.pk, ATTEMPTS)
    booked = selectors.seats_booked(session)
    _report(record_property, "unsafe", figures, booked)
    if connection.vendor == "postgresql":
        # Without the row lock every thread reads the same free seats: the session is oversold.
        assert booked > SEATS
    else:
        # SQLite: BEGIN IMMEDIATE takes the write lock first, so the writers are serialised anyway.
        assert connection.vendor == "sqlite"
        assert booked == SEATS
