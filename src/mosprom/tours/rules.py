"""Pure decisions of the tours part: no database writes, no request, no clock of their own (`now` is passed).

Each rule has exactly one home here; the catalogue, the tour page, the API, the forms, the admin and the
services all ask these functions:

* `registration_state(session, now=...)` — is a session open for registration: `Open(until)` or
  `Closed(code, message)` (tour and session state, started, lead time, season window);
  `registration_open_q(now)` is the same rule as a queryset filter for the catalogue's "free only";
* `registration_closes_at(starts_at)` — the lead time (local midnight Europe/Moscow N days before);
* `validate_visitor(...)` — the visitor's contact data, party size and consent;
* `validate_schedule(starts_at=..., capacity=..., now=...)` — a session's date window and capacity;
* `capacity_refusal(capacity=..., booked=...)` — capacity never below what is booked;
* `hold_expired`, `offer_expired`, `offer_open`, `cancellable`, `cancel_refusal`, `check_in_open`,
  `check_in_refusal`, `no_show`, `took_place` — the states of a booking and a session;
* `link_expires_at` — when state-changing signed links stop working (the end of the session).

Every refusal is a `Refused` (or field `ValidationError`) with a stable code and a translated message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mosprom.core.errors import Refused

if TYPE_CHECKING:
    from .models import Registration, Session, WaitlistEntry

MOSCOW = ZoneInfo("Europe/Moscow")


def today_moscow(now: datetime) -> date:
    return timezone.localtime(now, MOSCOW).date()


def format_moment(moment: datetime) -> tuple[str, str]:
    """«21 октября 2025», «10:00» in Moscow time."""
    local = timezone.localtime(moment, MOSCOW)
    return formats.date_format(local, "j E Y"), formats.time_format(local, "H:i")


def registration_until_text(until: datetime) -> str:
    """The deadline as a visitor reads it. Registration closing at Moscow midnight means the day before is the last
    day: «запись до 30 ноября включительно», not «до 1 декабря, 00:00» (read as «through 1 December»); a deadline
    at another hour keeps its time: «запись до 1 декабря, 12:00»."""
    local = timezone.localtime(until, MOSCOW)
    if local.time() == time.min:
        last_day = formats.date_format(local.date() - timedelta(days=1), "j E")
        return _("registration until %(date)s inclusive") % {"date": last_day}
    return _("registration until %(date)s, %(time)s") % {
        "date": formats.date_format(local, "j E"),
        "time": formats.time_format(local, "H:i"),
    }


# --- is a session open for registration -----------------------------------------------------------


@dataclass(frozen=True)
class Open:
    """Registration is open until `until` (the lead-time deadline)."""

    until: datetime
    is_open: bool = True
    code: str = "open"
    message: str = ""


@dataclass(frozen=True)
class Closed:
    """Registration is not possible; `code` is stable, `message` translated (says since/until when)."""

    code: str
    message: str
    is_open: bool = False

    def refusal(self) -> Refused:
        return Refused(self.code, self.message)


RegistrationState = Open | Closed


def registration_closes_at(starts_at: datetime) -> datetime:
    """Local midnight (Europe/Moscow) `TOURS_REGISTRATION_CLOSES_DAYS_BEFORE` days before the session's date."""
    local_day = timezone.localtime(starts_at, MOSCOW).date()
    return datetime.combine(
        local_day - timedelta(days=settings.TOURS_REGISTRATION_CLOSES_DAYS_BEFORE), time.min, tzinfo=MOSCOW
    )


def registration_state(session: Session, *, now: datetime) -> RegistrationState:
    """The one rule: may a visitor register for `session` at `now`?

    Needs `session.tour` and `session.tour.season` (select them with the session to avoid queries).
    """
    from .models import Session, Tour

    if session.state == Session.State.CANCELLED:
        return Closed("session_cancelled", _("This session has been cancelled."))
    tour = session.tour
    if tour.state != Tour.State.PUBLISHED:
        return Closed("tour_not_published", _("This tour is not open for registration."))
    if session.starts_at <= now:
        return Closed("session_started", _("This session has already started."))
    closes = registration_closes_at(session.starts_at)
    if now >= closes:
        day, at = format_moment(closes)
        return Closed("closed", _("Registration closed on %(date)s at %(time)s.") % {"date": day, "time": at})
    season = tour.season
    if season is not None and today_moscow(now) < season.registration_opens_on:
        return Closed(
            "not_yet_open",
            _("Registration opens on %(date)s.") % {"date": formats.date_format(season.registration_opens_on, "j E Y")},
        )
    return Open(until=closes)


def registration_open_q(now: datetime, prefix: str = "") -> Q:
    """`registration_state(...).is_open` as a filter on Session rows (`prefix` for related lookups).

    Lead time: now < midnight(local date − N days) ⟺ starts_at ≥ midnight(today + N + 1) in Moscow
    (which also excludes sessions that have started). tests/tours/test_rules.py proves both forms agree.
    """
    from .models import Session, Tour

    today = today_moscow(now)
    opens_from = datetime.combine(
        today + timedelta(days=settings.TOURS_REGISTRATION_CLOSES_DAYS_BEFORE + 1), time.min, tzinfo=MOSCOW
    )
    p = prefix
    return (
        Q(**{f"{p}state": Session.State.SCHEDULED})
        & Q(**{f"{p}tour__state": Tour.State.PUBLISHED})
        & Q(**{f"{p}starts_at__gte": opens_from})
        & (Q(**{f"{p}tour__season__isnull": True}) | Q(**{f"{p}tour__season__registration_opens_on__lte": today}))
    )


# --- the visitor ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visitor:
    name: str
    email: str
    phone: str
    party_size: int
    group_name: str = ""
    group_leader: str = ""

    @property
    def email_normalised(self) -> str:
        return normalise_email(self.email)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def normalise_phone(raw: str) -> str:
    """E.164 (`+74951234567`); ValueError when it is not a valid number (Russian by default)."""
    try:
        number = phonenumbers.parse(raw, "RU")
    except phonenumbers.NumberParseException as exc:
        raise ValueError from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_code(raw: str) -> str:
    """A ticket code as typed at the door («ab3cd-ef4gh») to its stored form («AB3CDEF4GH»)."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def validate_visitor(
    *,
    name: str,
    email: str,
    phone: str,
    party_size: int | None,
    group_name: str,
    group_leader: str,
    consent: bool,
) -> Visitor:
    """Every problem of the visitor's input at once, as a field-keyed ValidationError."""
    errors: dict[str, Any] = {}
    name = (name or "").strip()
    email = (email or "").strip()
    if not name:
        errors["name"] = ValidationError(_("Enter your name."), code="required")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ValidationError(
            _("Enter an e-mail address in the correct format, like name@example.com."), code="invalid_email"
        )
    clean_phone = ""
    if (phone or "").strip():
        try:
            clean_phone = normalise_phone(phone)
        except ValueError:
            errors["phone"] = ValidationError(
                _("Enter a phone number in the correct format, like +7 495 123-45-67."), code="invalid_phone"
            )
    else:
        errors["phone"] = ValidationError(_("Enter your phone number."), code="required")
    limit = settings.TOURS_MAX_PARTY_SIZE
    if party_size is None or party_size < 1:
        errors["party_size"] = ValidationError(_("Enter how many people will come (at least 1)."), code="party_size")
    elif party_size > limit:
        errors["party_size"] = ValidationError(
            ngettext(
                "A party can have at most %(max)s person. For a bigger group, register it in several parties.",
                "A party can have at most %(max)s people. For a bigger group, register it in several parties.",
                limit,
            )
            % {"max": limit},
            code="party_too_big",
        )
    if not consent:
        errors["consent"] = ValidationError(
            _("You must agree to the processing of personal data to register."), code="no_consent"
        )
    if errors:
        raise ValidationError(errors)
    assert party_size is not None
    return Visitor(
        name=name[:200],
        email=email,
        phone=clean_phone,
        party_size=party_size,
        group_name=(group_name or "").strip()[:200],
        group_leader=(group_leader or "").strip()[:200],
    )


# --- a session's schedule and capacity ------------------------------------------------------------


def validate_schedule(*, starts_at: datetime | None, capacity: int | None, now: datetime) -> None:
    """A session starts in the future and at most `TOURS_MAX_DAYS_AHEAD` days ahead; capacity ≥ 1.

    `None` skips a check (an update that does not change it).
    """
    errors: dict[str, Any] = {}
    if starts_at is not None:
        if starts_at <= now:
            errors["starts_at"] = ValidationError(_("A session cannot start in the past."), code="starts_in_past")
        elif starts_at > now + timedelta(days=settings.TOURS_MAX_DAYS_AHEAD):
            latest = formats.date_format(today_moscow(now) + timedelta(days=settings.TOURS_MAX_DAYS_AHEAD), "j E Y")
            errors["starts_at"] = ValidationError(
                _("A session can be scheduled at most until %(date)s.") % {"date": latest}, code="starts_too_far"
            )
    if capacity is not None and capacity < 1:
        errors["capacity"] = ValidationError(_("A session needs at least one seat."), code="capacity")
    if errors:
        raise ValidationError(errors)


def reschedule_refusal(*, starts_at: datetime, now: datetime, forced: bool) -> Refused | None:
    """A session is moved before its registration closes; later only an operator may force it (visitors have
    already planned their day)."""
    closes = registration_closes_at(starts_at)
    if now >= closes and not forced:
        day, at = format_moment(closes)
        return Refused(
            "reschedule_too_late",
            _("A session can be moved only until its registration closes (%(date)s, %(time)s); ask an operator.")
            % {"date": day, "time": at},
        )
    return None


def capacity_refusal(*, capacity: int, booked: int) -> ValidationError | None:
    """The capacity can never go below the seats already held, confirmed or offered."""
    if capacity < booked:
        return ValidationError(
            {
                "capacity": ValidationError(
                    _("%(booked)s seats are already booked; the capacity cannot be lower than that.")
                    % {"booked": booked},
                    code="capacity_below_booked",
                )
            }
        )
    return None


# --- bookings -------------------------------------------------------------------------------------


def hold_expired(registration: Registration, *, now: datetime) -> bool:
    """An unconfirmed hold past its time (whether or not the expiry task has marked it yet)."""
    from .models import Registration

    if registration.state == Registration.State.EXPIRED:
        return True
    return (
        registration.state == Registration.State.HELD
        and registration.hold_expires_at is not None
        and registration.hold_expires_at <= now
    )


def offer_expired(entry: WaitlistEntry, *, now: datetime) -> bool:
    from .models import WaitlistEntry

    if entry.state == WaitlistEntry.State.EXPIRED:
        return True
    return (
        entry.state == WaitlistEntry.State.OFFERED
        and entry.offer_expires_at is not None
        and entry.offer_expires_at <= now
    )


def offer_open(entry: WaitlistEntry, *, now: datetime) -> bool:
    """The offer's seats are still held for this entry: it can accept or decline."""
    from .models import WaitlistEntry

    return entry.state == WaitlistEntry.State.OFFERED and not offer_expired(entry, now=now)


def took_place(session: Session, *, now: datetime) -> bool:
    from .models import Session

    return session.state == Session.State.SCHEDULED and session.starts_at < now


def no_show(registration: Registration, *, now: datetime) -> bool:
    """Confirmed but not checked in, and the session has started: computed, never stored."""
    from .models import Registration

    return registration.state == Registration.State.CONFIRMED and registration.session.starts_at < now


def check_in_open(session: Session, *, now: datetime) -> bool:
    """Tickets are checked in on the session's day (Moscow), for a scheduled session."""
    from .models import Session

    return session.state == Session.State.SCHEDULED and today_moscow(session.starts_at) == today_moscow(now)


def cancellable(registration: Registration, *, now: datetime) -> bool:
    from .models import Registration

    return (
        registration.state in (Registration.State.HELD, Registration.State.CONFIRMED)
        and registration.session.starts_at > now
    )


def cancel_refusal(registration: Registration, *, now: datetime) -> Refused | None:
    from .models import Registration

    if registration.state == Registration.State.CANCELLED:
        return Refused("already_cancelled", _("This registration has already been cancelled."))
    if registration.state not in (Registration.State.HELD, Registration.State.CONFIRMED):
        return Refused("not_cancellable", _("This registration can no longer be cancelled."))
    if registration.session.starts_at <= now:
        return Refused("session_started", _("The session has already started; it can no longer be cancelled."))
    return None


def check_in_refusal(registration: Registration, *, now: datetime) -> Refused | None:
    """May this ticket be checked in now (already checked in is not a refusal: it is idempotent)."""
    from .models import Registration, Session

    if registration.state == Registration.State.CHECKED_IN:
        return None
    if registration.session.state == Session.State.CANCELLED:
        return Refused("session_cancelled", _("This session has been cancelled."))
    if registration.state == Registration.State.HELD:
        return Refused("not_confirmed", _("This registration was not confirmed by e-mail."))
    if registration.state != Registration.State.CONFIRMED:
        return Refused(
            "invalid", _("This ticket is not valid (%(state)s).") % {"state": registration.get_state_display()}
        )
    if not check_in_open(registration.session, now=now):
        day, _at = format_moment(registration.session.starts_at)
        return Refused("wrong_day", _("This ticket is for %(date)s.") % {"date": day})
    return None


def link_expires_at(registration_or_entry: Registration | WaitlistEntry) -> datetime:
    """Signed links that change state (cancel, offer, erase) stop working when the session is over."""
    session = registration_or_entry.session
    return session.starts_at + timedelta(minutes=session.tour.duration_minutes)
