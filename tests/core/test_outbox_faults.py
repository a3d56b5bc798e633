"""The outbox under faults, against a real SMTP server (aiosmtpd on 127.0.0.1) and a real worker process.

`manage.py db_worker` runs as a subprocess on the test database (a SQLite file, or PostgreSQL when
DATABASE_URL is set); the test counts what the SMTP server received.
"""

from __future__ import annotations

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mosprom.core import services, tasks
from mosprom.core.models import OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


class Recorder:
    """An aiosmtpd handler that records every message it accepts; it can hang before acknowledging."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()
        self.hang_seconds = 0.0
        self.hung = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.messages.append(message)
        if self.hang_seconds:
            # The message is fully received but not yet acknowledged: the worst moment for a crash.
            self.hung.set()
            await asyncio.sleep(self.hang_seconds)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_smtp(recorder: Recorder, port: int) -> Controller:
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return "sqlite:///" + str(db["NAME"])
    user, password = quote(db["USER"] or ""), quote(db["PASSWORD"] or "")
    return f"postgres://{user}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "mosprom.settings",
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "DEBUG": "false",
        "OUTBOX_MAX_ATTEMPTS": "50",
        "OUTBOX_RETRY_BASE_SECONDS": "0.2",
        "OUTBOX_RETRY_MAX_SECONDS": "1",
        "OUTBOX_CLAIM_TIMEOUT_SECONDS": "1",
        "OUTBOX_SWEEP_GRACE_SECONDS": "0",
        "TASKS_STUCK_AFTER_SECONDS": "1",
        "EMAIL_TIMEOUT": "5",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("SQLITE_TEST_NAME", None)
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--interval",
            "0.05",
            "--no-startup-delay",
            "--no-reload",
            "--verbosity",
            "0",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _enqueue(count: int, prefix: str) -> list[OutboundEmail]:
    return [
        services.email_enqueue(
            to=f"visitor{i}@example.com",
            template="core/email/test",
            context={"name": "Анна"},
            language="ru",
            idempotency_key=f"{prefix}-{i}",
        )
        for i in range(count)
    ]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def db_tasks(settings: Any) -> Iterator[None]:
    """Task rows go to the database, as in production (the suite otherwise runs tasks at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    yield


@pytest.fixture
def cleanup() -> Iterator[list[Any]]:
    things: list[Any] = []
    yield things
    for thing in reversed(things):
        if isinstance(thing, subprocess.Popen):
            _stop(thing)
        else:
            thing.stop()


def _drained() -> bool:
    return not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()


def _sent() -> int:
    return OutboundEmail.objects.filter(state=OutboundEmail.State.SENT).count()


def test_smtp_down_during_a_burst_then_up_delivers_every_message_once(db_tasks: None, cleanup: list[Any]) -> None:
    port = _free_port()
    recorder = Recorder()
    worker = _worker(port)
    cleanup.append(worker)
    burst = _enqueue(20, "burst")  # nobody listens on the port yet
    _wait_for(  # every message has failed at least once (the error is recorded after the attempt), some twice
        lambda: (
            OutboundEmail.objects.exclude(last_error="").filter(state=OutboundEmail.State.PENDING).count() == 20
            and OutboundEmail.objects.filter(attempts__gte=2).exists()
        ),
        timeout=60,
        what="a failed attempt of every message and a retry",
    )
    assert "ConnectionRefusedError" in OutboundEmail.objects.first().last_error  # type: ignore[union-attr]
    cleanup.append(_start_smtp(recorder, port))
    _wait_for(lambda: _sent() == 20, timeout=60, what="every message sent")

    received = recorder.message_ids()
    assert len(received) == 20  # every message, none twice
    assert sorted(received) == sorted(m.message_id for m in burst)
    assert sorted(str(m["To"]) for m in recorder.messages) == sorted(f"visitor{i}@example.com" for i in range(20))
    _wait_for(_drained, timeout=30, what="the queue to drain")
    assert len(recorder.message_ids()) == 20
    assert max(OutboundEmail.objects.values_list("attempts", flat=True)) >= 2
    assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""


def test_worker_killed_mid_send_loses_nothing_and_a_duplicate_keeps_its_message_id(
    db_tasks: None, cleanup: list[Any]
) -> None:
    port = _free_port()
    recorder = Recorder()
    recorder.hang_seconds = 3
    cleanup.append(_start_smtp(recorder, port))
    first = _worker(port)
    cleanup.append(first)
    messages = _enqueue(10, "kill")
    assert recorder.hung.wait(timeout=60), "the worker never reached the SMTP server"
    first.send_signal(signal.SIGKILL)  # received by the server, never acknowledged to the worker
    first.wait(timeout=10)
    recorder.hang_seconds = 0
    assert len(recorder.messages) == 1
    in_flight = OutboundEmail.objects.get(claimed_at__isnull=False)
    assert in_flight.state == OutboundEmail.State.PENDING
    stuck = DBTaskResult.objects.get(status="RUNNING")

    second = _worker(port)
    cleanup.append(second)
    # The nine others go out at once; the claimed one waits for its claim to go stale.
    _wait_for(lambda: _sent() == 9, timeout=60, what="the messages nobody was sending")
    time.sleep(1.1)  # > OUTBOX_CLAIM_TIMEOUT_SECONDS and TASKS_STUCK_AFTER_SECONDS given to the workers
    tasks.outbox_sweep.enqueue()  # what `manage.py run_periodic` does every two minutes
    _wait_for(lambda: _sent() == 10, timeout=60, what="the message in flight at the crash")

    _wait_for(_drained, timeout=30, what="the queue to drain")
    stuck.refresh_from_db()
    assert stuck.status == "SUCCESSFUL"  # the row the dead worker left RUNNING was reclaimed and run
    assert len(stuck.worker_ids) == 2
    received = recorder.message_ids()
    assert sorted(set(received)) == sorted(m.message_id for m in messages)  # nothing lost
    assert len(received) == 11  # one recognisable duplicate: the message in flight when the worker died
    assert received.count(in_flight.message_id) == 2
    in_flight.refresh_from_db()
    assert in_flight.claimed_at is None
    assert in_flight.attempts == 2


def test_stuck_running_task_row_is_reclaimed_after_the_timeout(settings: Any, db_tasks: None) -> None:
    settings.TASKS_STUCK_AFTER_SECONDS = 60
    message = _enqueue(1, "stuck")[0]
    row = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=row.pk).update(status="RUNNING", started_at=timezone.now() - timedelta(seconds=30))
    assert services.task_reclaim_stuck() == 0  # younger than the timeout: maybe still running
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(seconds=61))
    assert services.task_reclaim_stuck() == 1
    row.refresh_from_db()
    assert row.status == "READY"
    assert row.started_at is None
    assert message.state == OutboundEmail.State.PENDING


def test_fresh_claim_is_respected_and_stale_claim_is_taken(settings: Any) -> None:
    from django.core import mail

    settings.EMAIL_BACKEND = "tests.core.failing_backend.FailingBackend"
    message = _enqueue(1, "claim")[0]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboundEmail.objects.filter(pk=message.pk).update(claimed_at=timezone.now(), next_attempt_at=timezone.now())
    services.email_deliver(message_id=message.pk)
    assert len(mail.outbox) == 0  # another worker holds it
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    assert services.outbox_sweep() == 0
    stale = timezone.now() - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS + 1)
    OutboundEmail.objects.filter(pk=message.pk).update(claimed_at=stale, next_attempt_at=stale)
    assert services.outbox_sweep() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.state == OutboundEmail.State.SENT
    assert message.claimed_at is None


def test_message_id_is_stable_and_derived_from_the_idempotency_key() -> None:
    a = OutboundEmail(idempotency_key="tours:confirm:42")
    b = OutboundEmail(idempotency_key="tours:confirm:42")
    c = OutboundEmail(idempotency_key="tours:confirm:43")
    assert a.message_id == b.message_id != c.message_id
    assert a.message_id.startswith("<") and a.message_id.endswith("@mosprom.example>")
