"""Personal data: never in logs (a filter on every handler), masked in the back-office without a permission."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory

from mosprom.core.logging import PersonalDataExceptionReporterFilter, PersonalDataFilter
from mosprom.core.pii import mask_email, mask_phone, mask_text
from mosprom.core.roles import operators_group
from tests.tours.conftest import make_session, register

SECRETS = [
    "anna.ivanova@example.com",
    "Пётр+tours@почта.рф",
    "+7 (495) 123-45-67",
    "+74951234567",
    "8 (999) 123-45-67",
    "89991234567",
    "+44 20 7946 0958",
]


@pytest.mark.parametrize("secret", SECRETS)
def test_mask_text_removes_emails_and_phones(secret: str) -> None:
    masked = mask_text(f"registration for {secret} failed")
    assert secret not in masked
    assert masked.startswith("registration for [")
    assert masked.endswith("] failed")


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-24 13:45:20 worker started",
        "session 12345 has 20 seats",
        "outbox message 987654 failed (attempt 3)",
        "GET /api/v1/tours?page=2 200",
        "version 1.2.3.4",
    ],
)
def test_mask_text_keeps_ordinary_text(text: str) -> None:
    assert mask_text(text) == text


def test_mask_for_the_back_office() -> None:
    assert mask_email("anna.ivanova@example.com") == "a•••@example.com"
    assert mask_email("") == ""
    assert mask_phone("+74951234567") == "+7 ••• •••-••-67"
    assert mask_phone(None) == ""


def _record(msg: str, *args: Any, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("duplicate key: (email)=(anna@example.com)")
        except ValueError:
            import sys

            exc_info = sys.exc_info()
    return logging.LogRecord("mosprom.test", logging.WARNING, __file__, 1, msg, args, exc_info)


def test_filter_masks_message_arguments_and_traceback() -> None:
    record = _record("visitor %s (phone %s) registered", "anna@example.com", "+7 495 123-45-67", exc=True)
    assert PersonalDataFilter().filter(record) is True
    text = logging.Formatter().format(record)
    assert "anna@example.com" not in text
    assert "123-45-67" not in text
    assert "visitor [email] (phone [phone]) registered" in text
    assert "ValueError: duplicate key: (email)=([email])" in text


def test_filter_is_installed_on_every_configured_handler(caplog: Any) -> None:
    """The project's LOGGING: whatever logger writes, the console output has no e-mail or phone."""
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, PersonalDataFilter) for f in h.filters)]
    assert handlers, "settings.LOGGING installs PersonalDataFilter on the root handler"
    # Django's own loggers write through the filtered handler too (pytest adds its capture handlers beside it).
    for name in ("django", "django.server"):
        ours = [h for h in logging.getLogger(name).handlers if type(h) is logging.StreamHandler]
        assert ours and all(any(isinstance(f, PersonalDataFilter) for f in h.filters) for h in ours)
    stream = io.StringIO()
    handler = handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    old = handler.setStream(stream)
    try:
        logging.getLogger("mosprom.tours.services").warning("hold for %s, %s", "anna@example.com", "89991234567")
        logging.getLogger("some.library").error("contact: Пётр <petr@example.ru>, +7 999 123 45 67")
        try:
            raise RuntimeError("mail to boris@example.org bounced")
        except RuntimeError:
            logging.getLogger("mosprom.core").exception("delivery failed")
    finally:
        handler.setStream(old)
    output = stream.getvalue()
    assert "hold for [email], [phone]" in output
    assert "contact: Пётр <[email]>, [phone]" in output
    assert "RuntimeError: mail to [email] bounced" in output
    for secret in ("anna@example.com", "petr@example.ru", "boris@example.org", "89991234567", "123 45 67"):
        assert secret not in output


def test_error_reports_mask_post_data() -> None:
    request = RequestFactory().post("/tours/x/", {"email": "anna@example.com", "phone": "+74951234567", "n": "2"})
    params = PersonalDataExceptionReporterFilter().get_post_parameters(request)
    assert params["email"] == "[email]"
    assert params["phone"] == "[phone]"
    assert params["n"] == "2"


# --- the back-office -------------------------------------------------------------------------------------------


@pytest.fixture
def registration(db: Any) -> Any:
    return register(make_session(capacity=10), email="anna.ivanova@example.com", phone="+7 495 123-45-67")


def test_operator_sees_contacts_masked(registration: Any, operator_client: Client) -> None:
    html = operator_client.get(f"/admin/tours/registration/{registration.pk}/change/").content.decode()
    assert "a•••@example.com" in html
    assert "anna.ivanova@example.com" not in html
    assert "+7 ••• •••-••-67" in html
    assert "4951234567" not in html


def test_operators_group_never_gets_the_permission(db: Any) -> None:
    group = operators_group()
    assert not group.permissions.filter(codename="view_personal_data").exists()
    assert group.permissions.filter(codename="view_registration").exists()


def test_operator_with_the_permission_sees_contacts(registration: Any, client: Client, operator: Any) -> None:
    operator.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    operator = get_user_model().objects.get(pk=operator.pk)  # drop the permission cache
    client.force_login(operator)
    html = client.get(f"/admin/tours/registration/{registration.pk}/change/").content.decode()
    assert "anna.ivanova@example.com" in html
    assert "a•••@example.com" not in html


def test_waitlist_entries_masked_too(db: Any, operator_client: Client) -> None:
    from mosprom.tours import services
    from mosprom.tours.models import WaitlistEntry

    session = make_session(capacity=1)
    register(session)
    services.waitlist_join(
        session_id=session.pk,
        name="Вера",
        email="vera@example.com",
        phone="+7 495 765-43-21",
        party_size=1,
        consent=True,
    )
    entry = WaitlistEntry.objects.get()
    html = operator_client.get(f"/admin/tours/waitlistentry/{entry.pk}/change/").content.decode()
    assert "v•••@example.com" in html and "vera@example.com" not in html
    assert "765-43-21" not in html


def test_outbox_recipients_masked(db: Any, operator_client: Client) -> None:
    from mosprom.core import services
    from mosprom.core.models import OutboundEmail

    services.email_enqueue(
        to="secret.visitor@example.com", template="core/email/test", context={}, language="ru", idempotency_key="pii-1"
    )
    message = OutboundEmail.objects.get()
    html = operator_client.get(f"/admin/core/outboundemail/{message.pk}/change/").content.decode()
    assert "s•••@example.com" in html
    assert "secret.visitor@example.com" not in html
    assert operator_client.get("/admin/core/outboundemail/").status_code == 200
