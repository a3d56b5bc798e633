"""core.task_backends.OnCommitRQBackend: jobs reach Redis only when the transaction commits; Redis away → in process."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError

from mosprom.core import task_backends
from mosprom.core.models import OutboundEmail
from mosprom.core.services import email_enqueue
from mosprom.core.tasks import deliver_email

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def backend() -> task_backends.OnCommitRQBackend:
    return task_backends.OnCommitRQBackend("default", {"QUEUES": ["default"], "OPTIONS": {"RETRY_INTERVALS": [1]}})


@pytest.fixture
def pushed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...], str]]:
    calls: list[tuple[str, tuple[Any, ...], str]] = []

    def fake_push(self: Any, task: Any, args: Any, kwargs: Any, result: Any) -> None:
        calls.append((task.name, tuple(args), result.id))

    monkeypatch.setattr(task_backends.OnCommitRQBackend, "_push_to_redis", fake_push)
    return calls


def test_inside_a_transaction_the_job_is_pushed_only_on_commit(backend: Any, pushed: list[Any]) -> None:
    with transaction.atomic():
        result = backend.enqueue(deliver_email, [41], {})
        assert pushed == []
    assert pushed == [("deliver_email", (41,), result.id)]


def test_a_rolled_back_transaction_pushes_nothing(backend: Any, pushed: list[Any]) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        backend.enqueue(deliver_email, [42], {})
        raise RuntimeError("rolled back")
    assert pushed == []


def test_outside_a_transaction_the_job_is_pushed_at_once(backend: Any, pushed: list[Any]) -> None:
    backend.enqueue(deliver_email, [43], {})
    assert pushed == [("deliver_email", (43,), pushed[0][2])]


def test_redis_away_runs_the_task_in_the_process(
    backend: Any, monkeypatch: pytest.MonkeyPatch, mailoutbox: list[Any]
) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise RedisConnectionError("Connection refused")

    # The message is written with the test settings' immediate backend (sent at once), then put back to pending
    # and its delivery enqueued through the RQ backend while Redis does not answer.
    message = email_enqueue(
        to="v@example.com", template="core/email/test", context={}, language="ru", idempotency_key="k"
    )
    OutboundEmail.objects.filter(pk=message.pk).update(state=OutboundEmail.State.PENDING, sent_at=None)
    mailoutbox.clear()
    monkeypatch.setattr(task_backends.OnCommitRQBackend, "_push_to_redis", unreachable)
    with transaction.atomic():
        backend.enqueue(deliver_email, [message.pk], {})
    message.refresh_from_db()
    assert message.state == OutboundEmail.State.SENT
    assert len(mailoutbox) == 1


def test_without_the_fallback_a_push_failure_is_logged_not_raised_to_the_caller(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    backend = task_backends.OnCommitRQBackend("default", {"QUEUES": ["default"], "OPTIONS": {"FALLBACK_INLINE": False}})

    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(task_backends.OnCommitRQBackend, "_push_to_redis", unreachable)
    with transaction.atomic():
        backend.enqueue(deliver_email, [44], {})
    assert "Connection refused" in caplog.text


def test_reclaim_is_a_no_op_on_the_database_backend() -> None:
    assert task_backends.rq_reclaim_abandoned() == 0


# What the signals' own receivers log (django_tasks.signals): the task result's id, path and status.
_RESULT = SimpleNamespace(id="job", task=SimpleNamespace(module_path="mosprom.core.tasks.deliver_email"), status="OK")


def test_a_worker_drops_an_obsolete_database_connection_around_each_job() -> None:
    from django.db import connection
    from django_tasks.signals import task_finished, task_started

    for signal in (task_started, task_finished):
        connection.ensure_connection()
        connection.close_at = time.monotonic() - 1  # older than CONN_MAX_AGE
        signal.send(task_backends.OnCommitRQBackend, task_result=_RESULT)
        assert connection.connection is None, signal
    # A fresh one is kept (the job reuses it), and so is any connection under a transaction in progress.
    connection.ensure_connection()
    connection.close_at = time.monotonic() + 600
    task_started.send(task_backends.OnCommitRQBackend, task_result=_RESULT)
    assert connection.connection is not None
    with transaction.atomic():
        connection.close_at = time.monotonic() - 1
        task_started.send(task_backends.OnCommitRQBackend, task_result=_RESULT)
        assert connection.connection is not None


def test_other_backends_running_a_task_leave_the_connection_alone() -> None:
    from django.db import connection
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks.signals import task_started

    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    task_started.send(ImmediateBackend, task_result=_RESULT)
    assert connection.connection is not None
