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
from django.db.models import Q
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
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _claim_timeout() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)


def email_deliver(*, message_id: int) -> OutboundEmail | None:
    """Send one outbox message; on failure schedule the next attempt with exponential back-off.

    Three short steps, so no database lock is held while the SMTP server is talking:
    1. claim the message (`claimed_at`, one more attempt) in its own transaction — a second worker
       finding a fresh claim leaves the message alone;
    2. send it, with a Message-ID derived from its idempotency key;
    3. record the outcome and release the claim.
    A worker killed between 2 and 3 leaves a stale claim: after OUTBOX_CLAIM_TIMEOUT_SECONDS the sweep
    takes the message again. Nothing is lost; the rare second copy carries the same Message-ID.
    """
    now = timezone.now()
    with transaction.atomic():
        message = OutboundEmail.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.state != OutboundEmail.State.PENDING:
            return message
        if message.claimed_at is not None and message.claimed_at > now - _claim_timeout():
            return message  # another worker is sending it right now
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["claimed_at", "attempts", "updated_at"])
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id, "X-Mosprom-Message": message.idempotency_key[:100]},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for item in message.attachments:
        email.attach(item["filename"], base64.b64decode(item["content_b64"]), item["mimetype"])
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
    message.claimed_at = None
    message.save(update_fields=["state", "sent_at", "next_attempt_at", "last_error", "claimed_at", "updated_at"])
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
            state=OutboundEmail.State.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None
        )
        deliver_email.enqueue(message.pk)


def outbox_sweep() -> int:
    """The safety net, run periodically: put back task rows whose worker died (`task_reclaim_stuck`) and
    enqueue delivery of every pending message that is due and not being sent (no claim, or a stale one)."""
    from .tasks import deliver_email

    task_reclaim_stuck()
    now = timezone.now()
    due = list(
        OutboundEmail.objects.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - _claim_timeout()),
            state=OutboundEmail.State.PENDING,
            next_attempt_at__lte=now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS),
        ).values_list("pk", flat=True)[:500]
    )
    for pk in due:
        deliver_email.enqueue(pk)
    return len(due)


def task_reclaim_stuck() -> int:
    """Task rows left RUNNING by a worker that died (SIGKILL, OOM, power) for longer than
    TASKS_STUCK_AFTER_SECONDS go back to READY, so a live worker runs them again (tasks are idempotent).
    On the RQ backend, jobs whose worker died are retried the same way (`task_backends.rq_reclaim_abandoned`)."""
    from django_tasks_db.models import DBTaskResult

    from .task_backends import rq_reclaim_abandoned

    rq_reclaim_abandoned()

    cutoff = timezone.now() - timedelta(seconds=settings.TASKS_STUCK_AFTER_SECONDS)
    stuck = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).update(status="READY", started_at=None)
    if stuck:
        logger.warning("reclaimed %s task rows left running by a lost worker", stuck)
    return stuck
