"""Shared building blocks: timestamped base model and the e-mail outbox."""

from __future__ import annotations

import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class OutboundEmail(TimeStampedModel):
    """One e-mail in the outbox.

    Written in the same transaction as the change that causes it; delivered by the
    `deliver_email` task, retried with back-off until sent. The idempotency key makes
    a repeated request produce the same message, never a second one.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed (retries exhausted)")

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    to = models.EmailField(_("recipient"))
    subject = models.CharField(pgettext_lazy("e-mail", "subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ru")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Set while a worker is talking to the SMTP server; a claim older than OUTBOX_CLAIM_TIMEOUT_SECONDS
    # belongs to a worker that died mid-send, and the message may be taken again.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        # Granted person by person, never to the operators group as a whole (core.roles): without it the
        # back-office shows visitors' e-mails and phones masked (core.pii).
        permissions = [("view_personal_data", _("Can see visitors' e-mails and phones in clear"))]

    def __str__(self) -> str:
        return self.subject

    @property
    def message_id(self) -> str:
        """The Message-ID header, derived from the idempotency key: every (re)delivery of this message
        carries the same one, so a duplicate after a crash is recognisable by any mail client or server."""
        digest = hashlib.sha256(self.idempotency_key.encode("utf-8")).hexdigest()[:40]
        return f"<{digest}@{message_id_domain()}>"


def message_id_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "mosprom.local"


class ApiToken(TimeStampedModel):
    """A bearer token for operator writes through the API. Only its SHA-256 digest is stored."""

    name = models.CharField(_("name"), max_length=120)
    user = models.ForeignKey("auth.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.BooleanField(pgettext_lazy("token", "revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
