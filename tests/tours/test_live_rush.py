"""Load without errors: 500 concurrent registration attempts for 20 seats against a live server.

gunicorn (bench/booking_rush.Server, 4 sync workers, limits off) serves the test database on PostgreSQL; 50
client threads (booking_rush._run_clients, http.client) POST to the API. Then `manage.py db_worker` (the
helper of tests/core/test_outbox_faults.py) drains the outbox into a real SMTP server (aiosmtpd on 127.0.0.1).

PostgreSQL only: on SQLite the module is not collected (tests/tours/conftest.py, collect_ignore).
"""

from __future__ import annotations

import http.client
import json
import logging
import sys
import time
import uuid

import pytest
from django.db import connection
from django.db.models import Sum

from bench import booking_rush
from mosprom.core.models import OutboundEmail
from mosprom.tours.models import Registration, WaitlistEntry
from tests.core.test_outbox_faults import (
    Recorder,
    _database_url,
    _drained,
    _free_port,
    _start_smtp,
    _stop,
    _wait_for,
    _worker,
)

pytestmark = pytest.mark.django_db(transaction=True)

SEATS = 20
ATTEMPTS = 500
CLIENTS = 50
WORKERS = 4


def _register(port: int, session_id: int, i: int, run_id: str) -> tuple[float, str]:
    """One attempt through the API; the outcome is the status and, for a refusal, its code."""
    body = json.dumps(
        {
            "name": f"Гость {i}",
            "email": f"live{i}-{run_id}@rush.synthetic.invalid",
            "phone": "+74951234567",
            "party_size": 1,
            "consent": True,
        }
    ).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=booking_rush.REQUEST_TIMEOUT)
    start = time.perf_counter()
    try:
        conn.request(
            "POST",
            f"/api/v1/tour-sessions/{session_id}/registrations",
            body=body,
            headers={"Content-Type": "application/json"},
        )
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    elapsed = time.perf_counter() - start
    if response.status == 201:
        return elapsed, "201 " + json.loads(raw)["state"]
    try:
        code = json.loads(raw).get("code", "")
    except ValueError:
        code = "not json"
    return elapsed, f"{response.status} {code}"


def test_500_attempts_for_20_seats_book_exactly_20_without_errors_and_mail_each_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert connection.vendor == "postgresql"
    caplog.set_level(logging.WARNING, logger="mail.log")  # aiosmtpd's line per SMTP command
    started = time.monotonic()
    run_id = uuid.uuid4().hex[:8]
    slug, (session_id,) = booking_rush.make_sessions(run_id=run_id, phase="live", sessions=1, seats=SEATS)

    smtp_port = _free_port()
    recorder = Recorder()
    controller = _start_smtp(recorder, smtp_port)
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{smtp_port}")  # gunicorn's and the worker's
    monkeypatch.setenv("RATE_LIMITS_ENABLED", "false")
    server = booking_rush.Server(_database_url(), workers=WORKERS)
    worker = None
    try:
        server.start(f"/tours/{slug}/")
        up = time.monotonic() - started
        rush = booking_rush._run_clients(
            CLIENTS, ATTEMPTS, lambda i, _state: _register(server.port, session_id, i, run_id), dict
        )
        server.stop()

        worker = _worker(smtp_port)
        _wait_for(
            lambda: OutboundEmail.objects.filter(state=OutboundEmail.State.SENT).count() >= SEATS and _drained(),
            timeout=60,
            what="the outbox to drain",
        )
        time.sleep(0.5)  # anything sent twice would arrive now
    finally:
        server.stop()
        if worker is not None:
            _stop(worker)
        controller.stop()
    outcomes: dict[str, int] = rush["outcomes"]
    received = recorder.message_ids()
    figures = {
        "outcomes": outcomes,
        "errors": rush["errors"],
        "rush_s": round(rush["wall"], 1),
        "p95_ms": round(booking_rush.common.summary_ms(rush["latencies"])["p95_ms"]),
        "server_up_s": round(up, 1),
        "messages_received": len(received),
        "distinct_message_ids": len(set(received)),
        "total_s": round(time.monotonic() - started, 1),
    }
    sys.stderr.write(f"\nlive rush: {figures}\n")

    # The answers: 20 holds, every other attempt refused with the domain's 409, nothing else (no 5xx, no error).
    assert rush["errors"] == []
    assert not [o for o in outcomes if o.startswith("5")], outcomes
    assert outcomes == {"201 held": SEATS, "409 not_enough_seats": ATTEMPTS - SEATS}, figures

    # The database: exactly 20 seats held, by 20 parties of one; nobody waitlisted behind the API's back.
    booked = Registration.objects.filter(session_id=session_id, state__in=Registration.ACTIVE_STATES)
    assert booked.count() == SEATS
    assert booked.aggregate(seats=Sum("party_size"))["seats"] == SEATS
    assert Registration.objects.filter(session_id=session_id).count() == SEATS
    assert not WaitlistEntry.objects.filter(session_id=session_id).exists()

    # The SMTP server: one confirmation per booked registration, each exactly once.
    emails = sorted(booked.values_list("email", flat=True))
    outbox = OutboundEmail.objects.all()
    assert outbox.count() == SEATS
    assert set(outbox.values_list("state", flat=True)) == {OutboundEmail.State.SENT}
    assert sorted(outbox.values_list("to", flat=True)) == emails
    assert len(received) == SEATS
    assert sorted(received) == sorted(m.message_id for m in outbox)
    assert sorted(str(m["To"]) for m in recorder.messages) == emails
    keys = sorted(outbox.values_list("idempotency_key", flat=True))
    assert keys == sorted(f"tours:confirm:{pk}" for pk in booked.values_list("pk", flat=True))
