from typing import Any

import pytest
from django.core import mail

from mosprom.core import services
from mosprom.core.models import OutboundEmail

pytestmark = pytest.mark.django_db


def _send(key: str = "k1") -> OutboundEmail:
    return services.email_enqueue(
        to="visitor@example.com",
        template="core/email/test",
        context={"name": "Анна"},
        language="ru",
        idempotency_key=key,
        attachments=[services.Attachment("a.txt", b"hello", "text/plain")],
    )


def test_enqueue_delivers_once_per_idempotency_key() -> None:
    first = _send()
    second = _send()
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["visitor@example.com"]
    assert "Анна" in message.body
    assert message.attachments[0][0] == "a.txt"
    first.refresh_from_db()
    assert first.state == OutboundEmail.State.SENT
    assert first.attempts == 1


def test_failed_delivery_is_kept_and_retried(settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.core.failing_backend.FailingBackend"
    message = _send("k2")
    message.refresh_from_db()
    assert message.state == OutboundEmail.State.PENDING
    assert message.attempts == 1
    assert "SMTP down" in message.last_error
    assert message.next_attempt_at is not None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.email_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboundEmail.State.SENT
    assert len(mail.outbox) == 1


def test_retries_are_bounded(settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.core.failing_backend.FailingBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = _send("k3")
    services.email_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboundEmail.State.FAILED
    services.email_retry(message=message)
    message.refresh_from_db()
    assert message.state == OutboundEmail.State.PENDING
