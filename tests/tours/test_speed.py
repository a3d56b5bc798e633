"""The registration transaction does only what must be atomic; a waitlist join is O(1) under the lock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mosprom.core.models import OutboundEmail
from mosprom.tours import services, tickets
from mosprom.tours.models import Registration, WaitlistEntry

from .conftest import make_session, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_tasks(settings: Any) -> None:
    """Tasks go to the database as in production (no worker runs during the test)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


def _args(email: str, party: int = 1) -> dict[str, Any]:
    return {"name": "Гость", "email": email, "phone": "+74951234567", "party_size": party, "consent": True}


def test_registration_writes_the_hold_and_a_task_row_with_ids_only(db_tasks: None) -> None:
    session = make_session(capacity=5)
    with CaptureQueriesContext(connection) as queries:
        outcome = services.registration_create(session_id=session.pk, **_args("a@example.com"))
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    # the hold, the session's seat tally and the e-mail task row; nothing rendered, nothing expired
    assert len(writes) == 3, writes
    assert writes[1].startswith('UPDATE "tours_session" SET "seats_taken"'), writes
    assert len(queries) <= 8, [q["sql"] for q in queries]
    assert OutboundEmail.objects.count() == 0 and mail.outbox == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "mosprom.tours.tasks.tours_email"
    assert task.args_kwargs["args"][:3] == ["registration", outcome.registration.pk, "confirm"]
    assert "a@example.com" not in str(task.args_kwargs)  # ids only: no personal data in the task row

    # The worker renders the letter (links, language) into the outbox later.
    services.email_render_and_enqueue(
        model="registration", pk=outcome.registration.pk, kind="confirm", idempotency_key=task.args_kwargs["args"][3]
    )
    message = OutboundEmail.objects.get()
    assert message.to == "a@example.com" and "/tours/confirm/" in message.body_text


def test_registration_neither_expires_holds_nor_serves_the_waitlist(db: Any) -> None:
    session = make_session(capacity=3)
    stale = register(session, party=2)
    entry = services.waitlist_join(session_id=session.pk, **_args("w@example.com", party=3))
    assert entry.state == WaitlistEntry.State.WAITING  # the party of 3 does not fit
    Registration.objects.filter(pk=stale.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    register(session, party=1)  # sees the 2 expired seats as free (availability is computed)…
    stale.refresh_from_db()
    entry.refresh_from_db()
    assert stale.state == Registration.State.HELD  # …but marks nothing: the periodic task does
    assert entry.state == WaitlistEntry.State.WAITING
    assert services.holds_expire() == 1
    stale.refresh_from_db()
    entry.refresh_from_db()
    assert stale.state == Registration.State.EXPIRED
    assert entry.state == WaitlistEntry.State.WAITING  # 2 free seats: the party of 3 still does not fit


def test_waitlist_join_costs_the_same_whatever_the_queue_length(db_tasks: None) -> None:
    def join_queries(waiting: int) -> int:
        session = make_session(capacity=1)
        register(session, party=1)
        WaitlistEntry.objects.bulk_create(
            WaitlistEntry(
                session=session,
                position=i + 1,
                name="W",
                email=f"w{i}@example.com",
                email_normalised=f"w{i}@example.com",
            )
            for i in range(waiting)
        )
        with CaptureQueriesContext(connection) as queries:
            entry = services.waitlist_join(session_id=session.pk, **_args(f"late{waiting}@example.com"))
        assert entry.position == waiting + 1
        return len(queries)

    assert join_queries(1) == join_queries(300)


def test_seat_count_under_the_lock_agrees_with_the_list_annotation(db: Any) -> None:
    from mosprom.tours import selectors
    from mosprom.tours.models import Session

    session = make_session(capacity=20)
    held = register(session, party=2)
    expired = register(session, party=3)
    Registration.objects.filter(pk=expired.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    confirmed = register(session, party=4)
    services.registration_confirm(signed=tickets.sign_for("confirm", confirmed))
    cancelled = register(session, party=5)
    Registration.objects.filter(pk=cancelled.pk).update(state=Registration.State.CANCELLED)
    WaitlistEntry.objects.create(
        session=session,
        position=1,
        name="O",
        email="o@example.com",
        party_size=1,
        state="offered",
        offer_expires_at=timezone.now() + timedelta(minutes=5),
    )
    WaitlistEntry.objects.create(
        session=session,
        position=2,
        name="E",
        email="e@example.com",
        party_size=6,
        state="offered",
        offer_expires_at=timezone.now() - timedelta(minutes=5),
    )
    # The rows above were written around the services (as a loader does): the loader's recount sets the tally.
    services.session_seats_recount(sessions=Session.objects.filter(pk=session.pk))
    assert Session.objects.get(pk=session.pk).seats_taken == 2 + 3 + 4 + 1 + 6  # deadlines aside
    now = timezone.now()
    annotated = selectors.with_seats(Session.objects.filter(pk=session.pk), now=now).get()
    assert selectors.seats_booked(session, now=now) == annotated.booked == 2 + 4 + 1  # type: ignore[attr-defined]
    assert held.state == Registration.State.HELD
