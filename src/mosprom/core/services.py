"""Core services: the outbox is the only way an e-mail leaves the platform."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboundEmail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str

    def as_json(self) -> dict[str, str]:
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content_b64": base64.b64encode(self.content).decode("ascii"),
        }


def email_enqueue(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    idempotency_key: str,
    attachments: Iterable[Attachment] = (),
) -> OutboundEmail:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html` in `language`,
    store the message in the outbox and enqueue its delivery, all in the caller's transaction.

    A second call with the same idempotency key returns the existing message unchanged.
    """
    from .tasks import deliver_email

    existing = OutboundEmail.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    ctx = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
        body_text = render_to_string(f"{template}.txt", ctx)
        body_html = render_to_string(f"{template}.html", ctx)
    with transaction.atomic():
        message = OutboundEmail.objects.create(
            idempotency_key=idempotency_key,
            to=to,
            subject=subject[:300],
            body_text=body_text,
            body_html=body_html,
            attachments=[a.as_json() for a in attachments],
            language=language,
            next_attempt_at=timezone.now(),
        )
        deliver_email.enqueue(message.pk)
    return message


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def email_deliver(*, message_id: int) -> OutboundEmail | None:
    """Send one outbox message; on failure schedule the next attempt with exponential back-off."""
    with transaction.atomic():
        message = OutboundEmail.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.state == OutboundEmail.State.SENT:
            return message
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"X-Mosprom-Message": message.idempotency_key[:100]},
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        for item in message.attachments:
            email.attach(item["filename"], base64.b64decode(item["content_b64"]), item["mimetype"])
        message.attempts += 1
        try:
            email.send(fail_silently=False)
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.state = OutboundEmail.State.FAILED
                message.next_attempt_at = None
            else:
                message.next_attempt_at = timezone.now() + _backoff(message.attempts)
            logger.warning("outbox message %s failed (attempt %s)", message.pk, message.attempts)
        else:
            message.state = OutboundEmail.State.SENT
            message.sent_at = timezone.now()
            message.next_attempt_at = None
            message.last_error = ""
        message.save()
    if message.state == OutboundEmail.State.PENDING and message.next_attempt_at:
        _schedule_retry(message)
    return message


def _schedule_retry(message: OutboundEmail) -> None:
    from .tasks import deliver_email

    backend = deliver_email.get_backend()
    if backend.supports_defer:
        deliver_email.using(run_after=message.next_attempt_at).enqueue(message.pk)
    # Otherwise the periodic sweep (outbox_sweep) picks it up when it is due.


def email_retry(*, message: OutboundEmail) -> None:
    """Operator action: give a failed message another round of attempts."""
    from .tasks import deliver_email

    with transaction.atomic():
        OutboundEmail.objects.filter(pk=message.pk).update(
            state=OutboundEmail.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        deliver_email.enqueue(message.pk)


def outbox_sweep() -> int:
    """Enqueue delivery of every pending message that is due (a safety net for lost task rows)."""
    from .tasks import deliver_email

    due = list(
        OutboundEmail.objects.filter(
            state=OutboundEmail.State.PENDING, next_attempt_at__lte=timezone.now() - timedelta(seconds=60)
        ).values_list("pk", flat=True)[:500]
    )
    for pk in due:
        deliver_email.enqueue(pk)
    return len(due)
