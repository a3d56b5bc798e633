"""core.task_backends.OnCommitRQBackend: jobs reach Redis only when the transaction commits; Redis away → in process."""

from __future__ import annotations

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
