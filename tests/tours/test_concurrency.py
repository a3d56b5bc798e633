"""Many visitors press «Register» at the same moment for few seats.

First the test proves that it can catch a race (a test-only hook replaces `services.lock_session` by a read
without the row lock and widens the window between the seat check and the insert: on PostgreSQL more visitors
pass the seat check than there are seats), then that the lock prevents it. Without the lock the database's
check on the seat tally (`session_never_oversold`) is the last line: it refuses the excess bookings, so even the
unsafe run does not oversell. SQLite's IMMEDIATE transactions serialise writers, so there even the unsafe run
has no race at all: that is asserted too.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, connections

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
            except IntegrityError:
                return "refused_by_database"  # the tally's check: the seats were gone after all
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        outcomes = list(pool.map(attempt, range(attempts)))
    return {k: outcomes.count(k) for k in ("booked", "waitlisted", "refused", "refused_by_database")}


def _report(record_property: Any, label: str, figures: dict[str, int], booked_seats: int) -> None:
    line = (
        f"[{label} on {connection.vendor}] attempted={ATTEMPTS} seats={SEATS} booked={booked_seats} "
        f"waitlisted={figures['waitlisted']} refused={figures['refused']} "
        f"refused_by_database={figures['refused_by_database']}"
    )
    print(line)
    record_property(label, line)


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_never_oversell(record_property: Any) -> None:
    session = make_session(capacity=SEATS)
    figures = _hammer(session.pk, ATTEMPTS)
    booked = selectors.seats_booked(session)
    _report(record_property, "locked", figures, booked)
    assert booked == SEATS == Session.objects.get(pk=session.pk).seats_taken
    assert Registration.objects.filter(session=session).count() == SEATS == figures["booked"]
    assert figures["refused_by_database"] == 0  # the lock decides; the database check never has to
    assert figures["booked"] + figures["waitlisted"] + figures["refused"] == ATTEMPTS
    assert WaitlistEntry.objects.filter(session=session).count() == figures["waitlisted"]
    positions = sorted(WaitlistEntry.objects.filter(session=session).values_list("position", flat=True))
    assert positions == list(range(1, figures["waitlisted"] + 1))  # no two entries share a place


@pytest.mark.django_db(transaction=True)
def unlock_seats(monkeypatch: Any) -> list[int]:
    """Test-only hook: no row lock, and a pause after counting the free seats to widen the race window.
    Returns a list that receives one item per attempt that found its seat free."""
    seats_free = services._seats_free
    passed: list[int] = []

    def read_without_lock(session_id: int) -> Session:
        return Session.objects.select_related("tour__season").get(pk=session_id)

    def slow_seats_free(session: Session, now: Any, *, wanted: int) -> int:
        free = seats_free(session, now, wanted=wanted)
        if free >= wanted:
            passed.append(session.pk)
        time.sleep(0.05)
        return free

    monkeypatch.setattr(services, "lock_session", read_without_lock)
    monkeypatch.setattr(services, "_seats_free", slow_seats_free)
    return passed


@pytest.mark.django_db(transaction=True)
def test_the_race_is_caught_without_the_lock(monkeypatch: Any, record_property: Any) -> None:
    passed = unlock_seats(monkeypatch)
    session = make_session(capacity=SEATS)
    figures = _hammer(session.pk, ATTEMPTS)
    booked = selectors.seats_booked(session)
    _report(record_property, "unsafe", figures, booked)
    counted = sum(Registration.objects.filter(session=session).values_list("party_size", flat=True))
    if connection.vendor == "postgresql":
        # Without the row lock every thread reads the same free seats: more pass the check than there are seats…
        assert len(passed) > SEATS
        # …and the database's check on the tally refuses the excess: still not oversold.
        assert figures["refused_by_database"] == len(passed) - SEATS > 0
        assert booked == counted == SEATS == figures["booked"]
    else:
        # SQLite: BEGIN IMMEDIATE takes the write lock first, so the writers are serialised anyway.
        assert connection.vendor == "sqlite"
        assert booked == counted == SEATS
        assert len(passed) == SEATS and figures["refused_by_database"] == 0
