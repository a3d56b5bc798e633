"""Writes of the tours part. All seat accounting happens here, under `lock_session`.

Availability is computed (capacity − unexpired holds − confirmed − unexpired waitlist offers),
never kept in a counter. Every function that changes seats locks the session first, and frees
seats through `_serve_waitlist`, so the waitlist always gets freed seats before the public.
"""

from __future__ import annotations

import io
import logging
import time as time_module
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mosprom.core.roles import is_operator
from mosprom.core.services import Attachment, email_enqueue
from mosprom.registry.roles import host_organisation_ids

from . import selectors
from .models import Feedback, Format, Registration, Session, Tour, WaitlistEntry, max_party_size

logger = logging.getLogger(__name__)
MOSCOW = ZoneInfo("Europe/Moscow")

FORMATS: list[tuple[str, str, str, bool]] = [
    ("excursion", "экскурсия", "factory tour", False),
    ("online-excursion", "онлайн-экскурсия", "online tour", True),
    ("lecture", "лекция", "lecture", False),
    ("master-class", "мастер-класс", "master class", False),
    ("quiz", "викторина", "quiz", False),
    ("brain-game", "интеллектуальная игра", "brain game", False),
    ("photo-exhibition", "фотовыставка", "photo exhibition", False),
    ("tasting", "дегустация", "tasting", False),
    ("quest", "квест", "quest", False),
    ("expert-meeting", "встреча с экспертом", "meeting with an expert", False),
]


# --- settings -------------------------------------------------------------------------------------


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def hold_minutes() -> int:
    return int(_setting("TOURS_HOLD_MINUTES", 60))


def offer_minutes() -> int:
    return int(_setting("TOURS_WAITLIST_OFFER_MINUTES", 120))


def consent_version() -> str:
    return str(_setting("TOURS_CONSENT_VERSION", "2026-01"))


def _unsafe() -> bool:
    return bool(_setting("TOURS_UNSAFE_DISABLE_SEAT_LOCK", False))


# --- errors ---------------------------------------------------------------------------------------


class NotEnoughSeats(ValidationError):
    """Raised when the party does not fit; the caller may offer the waitlist."""

    def __init__(self, seats_left: int) -> None:
        self.seats_left = seats_left
        super().__init__(
            _("There are not enough free seats for your party (seats left: %(left)s). You can join the waitlist.")
            % {"left": seats_left},
            code="not_enough_seats",
        )


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


# --- the lock -------------------------------------------------------------------------------------


def lock_session(session_id: int) -> Session:
    """The only way to lock a session's seats. Must run inside transaction.atomic().

    PostgreSQL: SELECT … FOR UPDATE on the session row (lock_timeout keeps it from hanging).
    SQLite: the IMMEDIATE transaction already holds the database's write lock.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("lock_session() must be called inside transaction.atomic()")
    qs = Session.objects.all()
    if not _unsafe():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '15s'")
        qs = qs.select_for_update()
    session = qs.get(pk=session_id)
    session.tour = Tour.objects.select_related("season", "format", "host").get(pk=session.tour_id)
    return session


# --- signed links ---------------------------------------------------------------------------------


def sign(purpose: str, token: str) -> str:
    return signing.dumps(token, salt=f"mosprom.tours.{purpose}")


def unsign(purpose: str, value: str) -> str:
    try:
        return str(signing.loads(value, salt=f"mosprom.tours.{purpose}"))
    except signing.BadSignature as exc:
        raise _refuse(_("This link is not valid. Please use the link from the e-mail exactly."), "bad_link") from exc


def absolute(url_name: str, **kwargs: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(url_name, kwargs=kwargs)


def registration_links(registration: Registration) -> dict[str, str]:
    t = registration.token
    return {
        "confirm": absolute("tours:confirm", signed=sign("confirm", t)),
        "ticket": absolute("tours:ticket", signed=sign("ticket", t)),
        "cancel": absolute("tours:cancel", signed=sign("cancel", t)),
        "feedback": absolute("tours:feedback", signed=sign("feedback", t)),
        "data": absolute("tours:my_data", signed=sign("data", t)),
        "checkin": absolute("tours:checkin_code", code=registration.ticket_code),
    }


# --- the clock: lead time -------------------------------------------------------------------------


def registration_closes_at(session: Session) -> datetime:
    """Local midnight (Europe/Moscow) N days before the session's local date."""
    days = int(_setting("TOURS_REGISTRATION_CLOSES_DAYS_BEFORE", 3))
    local_day = timezone.localtime(session.starts_at, MOSCOW).date()
    return datetime.combine(local_day - timedelta(days=days), time.min, tzinfo=MOSCOW)


def format_moment(moment: datetime) -> tuple[str, str]:
    local = timezone.localtime(moment, MOSCOW)
    return formats.date_format(local, "j E Y"), formats.time_format(local, "H:i")


def _check_open(session: Session, now: datetime) -> None:
    if session.state == Session.State.CANCELLED:
        raise _refuse(_("This session has been cancelled."), "session_cancelled")
    if session.tour.state != Tour.State.PUBLISHED:
        raise _refuse(_("This tour is not open for registration."), "tour_not_published")
    if session.starts_at <= now:
        raise _refuse(_("This session has already started."), "session_started")
    closes = registration_closes_at(session)
    if now >= closes:
        day, at = format_moment(closes)
        raise _refuse(_("Registration closed on %(date)s at %(time)s.") % {"date": day, "time": at}, "closed")
    season = session.tour.season
    if season is not None and timezone.localtime(now, MOSCOW).date() < season.registration_opens_on:
        raise _refuse(
            _("Registration opens on %(date)s.") % {"date": formats.date_format(season.registration_opens_on, "j E Y")},
            "not_yet_open",
        )


# --- validation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visitor:
    name: str
    email: str
    phone: str
    party_size: int
    group_name: str = ""
    group_leader: str = ""


def normalise_phone(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw, "RU")
    except phonenumbers.NumberParseException as exc:
        raise ValueError from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


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
    limit = max_party_size()
    if party_size is None or party_size < 1:
        errors["party_size"] = ValidationError(_("Enter how many people will come (at least 1)."), code="party_size")
    elif party_size > limit:
        errors["party_size"] = ValidationError(
            _("A party can have at most %(max)s people. For a bigger group, register it in several parties.")
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


# --- e-mails --------------------------------------------------------------------------------------


def _ticket_png(registration: Registration) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(registration_links(registration)["checkin"], error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def ticket_svg(registration: Registration) -> str:
    import segno

    return str(segno.make(registration_links(registration)["checkin"], error="m").svg_inline(scale=5, border=2))


def ticket_ics(registration: Registration) -> bytes:
    from icalendar import Calendar, Event

    session = registration.session
    tour = session.tour
    cal = Calendar()
    cal.add("prodid", "-//Mosprom//Open Mosprom//RU")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"registration-{registration.pk}@mosprom")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", tour.title)
    if tour.format.is_online:
        event.add("location", tour.online_url)
    else:
        event.add("location", ", ".join(x for x in [tour.address, tour.meeting_point] if x))
    event.add("description", f"{registration.ticket_code_display}\n{registration_links(registration)['ticket']}")
    cal.add_component(event)
    return bytes(cal.to_ical())


def _context(registration: Registration) -> dict[str, Any]:
    return {
        "r": registration,
        "session": registration.session,
        "tour": registration.session.tour,
        "links": registration_links(registration),
    }


def _send_confirmation(registration: Registration) -> None:
    suffix = f":{registration.resends}" if registration.resends else ""
    email_enqueue(
        to=registration.email,
        template="tours/email/confirm",
        context=_context(registration),
        language=registration.language,
        idempotency_key=f"tours:confirm:{registration.pk}{suffix}",
    )


def _send_ticket(registration: Registration) -> None:
    suffix = f":{registration.resends}" if registration.resends else ""
    email_enqueue(
        to=registration.email,
        template="tours/email/ticket",
        context=_context(registration),
        language=registration.language,
        idempotency_key=f"tours:ticket:{registration.pk}{suffix}",
        attachments=[
            Attachment(f"ticket-{registration.ticket_code}.png", _ticket_png(registration), "image/png"),
            Attachment("tour.ics", ticket_ics(registration), "text/calendar"),
        ],
    )


def _send_offer(entry: WaitlistEntry) -> None:
    email_enqueue(
        to=entry.email,
        template="tours/email/offer",
        context={
            "r": entry,
            "session": entry.session,
            "tour": entry.session.tour,
            "links": {"offer": absolute("tours:offer", signed=sign("offer", entry.token))},
        },
        language=entry.language,
        idempotency_key=f"tours:offer:{entry.pk}:{entry.offers}",
    )


# --- waitlist -------------------------------------------------------------------------------------


def _offers_possible(session: Session, now: datetime) -> bool:
    return (
        session.state == Session.State.SCHEDULED
        and session.tour.state == Tour.State.PUBLISHED
        and now < registration_closes_at(session)
    )


def _expire_stale(session: Session, now: datetime) -> None:
    """Mark expired holds and unanswered offers of a locked session (their seats are already free)."""
    Registration.objects.filter(session=session, state=Registration.State.HELD, hold_expires_at__lte=now).update(
        state=Registration.State.EXPIRED
    )
    WaitlistEntry.objects.filter(session=session, state=WaitlistEntry.State.OFFERED, offer_expires_at__lte=now).update(
        state=WaitlistEntry.State.EXPIRED
    )


def _serve_waitlist(session: Session, now: datetime) -> list[WaitlistEntry]:
    """Offer free seats to waiting entries in order; an entry whose party does not fit is skipped.

    Runs under the session lock.
    """
    _expire_stale(session, now)
    if not _offers_possible(session, now):
        return []
    waiting = list(
        WaitlistEntry.objects.filter(session=session, state=WaitlistEntry.State.WAITING).order_by("position", "id")
    )
    offered: list[WaitlistEntry] = []
    if not waiting:
        return offered
    free = selectors.seats_left(session, now=now)
    for entry in waiting:
        if free <= 0:
            break
        if entry.party_size > free:
            continue
        entry.state = WaitlistEntry.State.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = now + timedelta(minutes=offer_minutes())
        entry.offers += 1
        entry.save(update_fields=["state", "offered_at", "offer_expires_at", "offers", "updated_at"])
        entry.session = session
        _send_offer(entry)
        free -= entry.party_size
        offered.append(entry)
    return offered


def waitlist_serve(*, session_id: int, now: datetime | None = None) -> list[WaitlistEntry]:
    with transaction.atomic():
        session = lock_session(session_id)
        return _serve_waitlist(session, now or timezone.now())


# --- registration ---------------------------------------------------------------------------------


def _resend(registration: Registration) -> None:
    registration.resends += 1
    registration.save(update_fields=["resends", "updated_at"])
    if registration.state == Registration.State.HELD:
        _send_confirmation(registration)
    else:
        _send_ticket(registration)


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    created: bool


def registration_create(
    *,
    session_id: int,
    name: str,
    email: str,
    phone: str,
    party_size: int | None,
    consent: bool,
    group_name: str = "",
    group_leader: str = "",
    language: str = "ru",
    now: datetime | None = None,
) -> RegistrationOutcome:
    """Hold seats and send the confirmation link. A repeated submission for the same session and
    e-mail creates nothing new: it re-sends the pending confirmation or the ticket."""
    visitor = validate_visitor(
        name=name,
        email=email,
        phone=phone,
        party_size=party_size,
        group_name=group_name,
        group_leader=group_leader,
        consent=consent,
    )
    with transaction.atomic():
        session = lock_session(session_id)
        now = now or timezone.now()
        _serve_waitlist(session, now)
        existing = (
            Registration.objects.filter(
                session=session, email_normalised=visitor.email.lower(), state__in=Registration.ACTIVE_STATES
            )
            .select_related("session__tour__format")
            .first()
        )
        if existing is not None:
            _resend(existing)
            return RegistrationOutcome(existing, False)
        _check_open(session, now)
        left = selectors.seats_left(session, now=now)
        if visitor.party_size > left:
            raise NotEnoughSeats(left)
        if _unsafe():
            time_module.sleep(0.05)  # widen the race window: only ever with the lock switched off
        registration = Registration.objects.create(
            session=session,
            name=visitor.name,
            email=visitor.email,
            phone=visitor.phone,
            party_size=visitor.party_size,
            group_name=visitor.group_name,
            group_leader=visitor.group_leader,
            consent_at=now,
            consent_version=consent_version(),
            language=language if language in ("ru", "en") else "ru",
            state=Registration.State.HELD,
            hold_expires_at=now + timedelta(minutes=hold_minutes()),
        )
        registration.session = session
        _send_confirmation(registration)
        logger.info("registration %s held %s seats on session %s", registration.pk, visitor.party_size, session.pk)
        return RegistrationOutcome(registration, True)


def _registration_by_token(token: str, *, lock: bool = True) -> Registration:
    reg = Registration.objects.filter(token=token).only("id", "session_id").first()
    if reg is None:
        raise _refuse(_("This link is not valid. Please use the link from the e-mail exactly."), "bad_link")
    session = lock_session(reg.session_id) if lock else Session.objects.select_related("tour").get(pk=reg.session_id)
    registration = Registration.objects.get(pk=reg.pk)
    registration.session = session
    return registration


def registration_confirm(*, signed: str, now: datetime | None = None) -> Registration:
    token = unsign("confirm", signed)
    refusal: ValidationError | None = None
    with transaction.atomic():
        registration = _registration_by_token(token)
        now = now or timezone.now()
        if registration.state in (Registration.State.CONFIRMED, Registration.State.CHECKED_IN):
            return registration  # a used link just shows the ticket
        if registration.state == Registration.State.CANCELLED:
            raise _refuse(_("This registration has been cancelled."), "cancelled")
        if registration.session.state == Session.State.CANCELLED:
            raise _refuse(_("This session has been cancelled."), "session_cancelled")
        if registration.state == Registration.State.EXPIRED or (
            registration.hold_expires_at is not None and registration.hold_expires_at <= now
        ):
            if registration.state == Registration.State.HELD:
                # Committed before refusing: the seats go back (to the waitlist first).
                registration.state = Registration.State.EXPIRED
                registration.save(update_fields=["state", "updated_at"])
                _serve_waitlist(registration.session, now)
            refusal = _refuse(
                _("This confirmation link has expired and the seats were released. Please register again."),
                "hold_expired",
            )
        else:
            registration.state = Registration.State.CONFIRMED
            registration.confirmed_at = now
            registration.hold_expires_at = None
            registration.save(update_fields=["state", "confirmed_at", "hold_expires_at", "updated_at"])
            _send_ticket(registration)
    if refusal is not None:
        raise refusal
    return registration


def registration_cancel(*, signed: str, now: datetime | None = None) -> Registration:
    token = unsign("cancel", signed)
    with transaction.atomic():
        registration = _registration_by_token(token)
        now = now or timezone.now()
        if registration.state == Registration.State.CANCELLED:
            raise _refuse(_("This registration has already been cancelled."), "already_cancelled")
        if registration.state not in (Registration.State.HELD, Registration.State.CONFIRMED):
            raise _refuse(_("This registration can no longer be cancelled."), "not_cancellable")
        if registration.session.starts_at <= now:
            raise _refuse(_("The session has already started; it can no longer be cancelled."), "session_started")
        registration.state = Registration.State.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["state", "cancelled_at", "updated_at"])
        email_enqueue(
            to=registration.email,
            template="tours/email/cancelled",
            context=_context(registration),
            language=registration.language,
            idempotency_key=f"tours:cancelled:{registration.pk}",
        )
        # The freed seats go to the waitlist first (this also covers a registration that came from it).
        _serve_waitlist(registration.session, now)
        return registration


# --- waitlist entries -----------------------------------------------------------------------------


def waitlist_join(
    *,
    session_id: int,
    name: str,
    email: str,
    phone: str,
    party_size: int | None,
    consent: bool,
    group_name: str = "",
    group_leader: str = "",
    language: str = "ru",
    now: datetime | None = None,
) -> WaitlistEntry:
    visitor = validate_visitor(
        name=name,
        email=email,
        phone=phone,
        party_size=party_size,
        group_name=group_name,
        group_leader=group_leader,
        consent=consent,
    )
    with transaction.atomic():
        session = lock_session(session_id)
        now = now or timezone.now()
        _check_open(session, now)
        if Registration.objects.filter(
            session=session, email_normalised=visitor.email.lower(), state__in=Registration.ACTIVE_STATES
        ).exists():
            raise _refuse(_("You already have a registration for this session."), "duplicate")
        existing = WaitlistEntry.objects.filter(
            session=session,
            email_normalised=visitor.email.lower(),
            state__in=[WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED],
        ).first()
        if existing is not None:
            return existing
        last = WaitlistEntry.objects.filter(session=session).aggregate(m=Max("position"))["m"] or 0
        entry = WaitlistEntry.objects.create(
            session=session,
            position=last + 1,
            name=visitor.name,
            email=visitor.email,
            phone=visitor.phone,
            party_size=visitor.party_size,
            group_name=visitor.group_name,
            group_leader=visitor.group_leader,
            consent_at=now,
            consent_version=consent_version(),
            language=language if language in ("ru", "en") else "ru",
        )
        _serve_waitlist(session, now)
        entry.refresh_from_db()
        return entry


def _entry_by_token(token: str) -> WaitlistEntry:
    found = WaitlistEntry.objects.filter(token=token).only("id", "session_id").first()
    if found is None:
        raise _refuse(_("This link is not valid. Please use the link from the e-mail exactly."), "bad_link")
    session = lock_session(found.session_id)
    entry = WaitlistEntry.objects.get(pk=found.pk)
    entry.session = session
    return entry


def offer_accept(*, signed: str, now: datetime | None = None) -> Registration:
    """Turn an offer into a confirmed registration (the e-mail address is proven by the link)."""
    token = unsign("offer", signed)
    refusal: ValidationError | None = None
    with transaction.atomic():
        entry = _entry_by_token(token)
        now = now or timezone.now()
        session = entry.session
        if entry.state == WaitlistEntry.State.ACCEPTED and entry.registration_id:
            return Registration.objects.select_related("session__tour").get(pk=entry.registration_id)
        if entry.state != WaitlistEntry.State.OFFERED or (entry.offer_expires_at and entry.offer_expires_at <= now):
            if entry.state == WaitlistEntry.State.OFFERED:
                # Committed before refusing: the offer passes to the next entry.
                entry.state = WaitlistEntry.State.EXPIRED
                entry.save(update_fields=["state", "updated_at"])
                _serve_waitlist(session, now)
            refusal = _refuse(
                _("This offer has expired and the seats were offered to the next person."), "offer_expired"
            )
        elif session.state == Session.State.CANCELLED:
            refusal = _refuse(_("This session has been cancelled."), "session_cancelled")
        elif Registration.objects.filter(
            session=session, email_normalised=entry.email_normalised, state__in=Registration.ACTIVE_STATES
        ).exists():
            entry.state = WaitlistEntry.State.CANCELLED
            entry.save(update_fields=["state", "updated_at"])
            _serve_waitlist(session, now)
            refusal = _refuse(_("You already have a registration for this session."), "duplicate")
        else:
            registration = Registration.objects.create(
                session=session,
                name=entry.name,
                email=entry.email,
                phone=entry.phone,
                party_size=entry.party_size,
                group_name=entry.group_name,
                group_leader=entry.group_leader,
                consent_at=entry.consent_at,
                consent_version=entry.consent_version,
                language=entry.language,
                state=Registration.State.CONFIRMED,
                confirmed_at=now,
                from_waitlist=True,
            )
            registration.session = session
            entry.state = WaitlistEntry.State.ACCEPTED
            entry.registration = registration
            entry.save(update_fields=["state", "registration", "updated_at"])
            _send_ticket(registration)
    if refusal is not None:
        raise refusal
    return registration


def offer_decline(*, signed: str, now: datetime | None = None) -> WaitlistEntry:
    token = unsign("offer", signed)
    with transaction.atomic():
        entry = _entry_by_token(token)
        if entry.state in (WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED):
            entry.state = WaitlistEntry.State.CANCELLED
            entry.save(update_fields=["state", "updated_at"])
            _serve_waitlist(entry.session, now or timezone.now())
        return entry


def entry_for_offer(*, signed: str, purpose: str = "offer") -> WaitlistEntry:
    token = unsign(purpose, signed)
    entry = WaitlistEntry.objects.select_related("session__tour__format").filter(token=token).first()
    if entry is None:
        raise _refuse(_("This link is not valid. Please use the link from the e-mail exactly."), "bad_link")
    return entry


# --- periodic work --------------------------------------------------------------------------------


def _expire_and_serve(model: Any, *, state: str, deadline_field: str, now: datetime) -> int:
    """Mark rows of `model` in `state` whose deadline has passed as expired, session by session under its lock,
    and offer the freed seats to the waitlist."""
    due = {"state": state, f"{deadline_field}__lte": now}
    count = 0
    for session_id in sorted(set(model.objects.filter(**due).values_list("session_id", flat=True))):
        with transaction.atomic():
            session = lock_session(session_id)
            count += model.objects.filter(session=session, **due).update(state=model.State.EXPIRED)
            _serve_waitlist(session, now)
    return count


def holds_expire(*, now: datetime | None = None) -> int:
    """Mark unconfirmed holds past their time as expired and offer their seats to the waitlist."""
    return _expire_and_serve(
        Registration, state=Registration.State.HELD, deadline_field="hold_expires_at", now=now or timezone.now()
    )


def offers_expire(*, now: datetime | None = None) -> int:
    """Unanswered offers pass to the next waiting entry whose party fits."""
    return _expire_and_serve(
        WaitlistEntry, state=WaitlistEntry.State.OFFERED, deadline_field="offer_expires_at", now=now or timezone.now()
    )


def _mail_each(qs: QuerySet[Registration], *, kind: str, stamp_field: str, now: datetime) -> int:
    """E-mail `tours/email/<kind>` to each registration once, stamping `stamp_field` in the same transaction."""
    count = 0
    for registration in qs:
        with transaction.atomic():
            email_enqueue(
                to=registration.email,
                template=f"tours/email/{kind}",
                context=_context(registration),
                language=registration.language,
                idempotency_key=f"tours:{kind}:{registration.pk}",
            )
            Registration.objects.filter(pk=registration.pk).update(**{stamp_field: now})
        count += 1
    return count


def reminders_send(*, now: datetime | None = None) -> int:
    """The day before: a reminder to every confirmed visitor of tomorrow's sessions (local date)."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now, MOSCOW).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, tzinfo=MOSCOW)
    qs = Registration.objects.filter(
        state=Registration.State.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__state=Session.State.SCHEDULED,
        session__starts_at__gte=start,
        session__starts_at__lt=start + timedelta(days=1),
    ).select_related("session__tour__format")
    return _mail_each(qs, kind="reminder", stamp_field="reminder_sent_at", now=now)


def feedback_requests_send(*, now: datetime | None = None) -> int:
    """After the session: ask checked-in visitors for a 1–5 rating and a comment."""
    now = now or timezone.now()
    qs = Registration.objects.filter(
        state=Registration.State.CHECKED_IN,
        feedback_requested_at__isnull=True,
        purged_at__isnull=True,
        session__starts_at__lte=now - timedelta(hours=3),
        session__starts_at__gte=now - timedelta(days=14),
    ).select_related("session__tour__format")
    return _mail_each(qs, kind="feedback", stamp_field="feedback_requested_at", now=now)


def _anonymise(qs: QuerySet[Registration], now: datetime) -> int:
    return qs.update(
        name="",
        email="",
        email_normalised="",
        phone="",
        group_name="",
        group_leader="",
        purged_at=now,
    )


def registrations_purge(*, now: datetime | None = None) -> int:
    """Erase personal data N days after the session; the anonymous rows keep the figures."""
    now = now or timezone.now()
    days = int(_setting("TOURS_PURGE_DAYS_AFTER", 180))
    with transaction.atomic():
        count = _anonymise(
            Registration.objects.filter(purged_at__isnull=True, session__starts_at__lt=now - timedelta(days=days)),
            now,
        )
        WaitlistEntry.objects.filter(session__starts_at__lt=now - timedelta(days=days)).exclude(email="").update(
            name="", email="", email_normalised="", phone="", group_name="", group_leader=""
        )
    return count


# --- the visitor's data ---------------------------------------------------------------------------


def registration_for_link(*, purpose: str, signed: str) -> Registration:
    token = unsign(purpose, signed)
    registration = (
        Registration.objects.select_related("session__tour__format", "session__tour__host", "session__tour__site")
        .filter(token=token)
        .first()
    )
    if registration is None:
        raise _refuse(_("This link is not valid. Please use the link from the e-mail exactly."), "bad_link")
    if registration.purged_at is not None:
        raise _refuse(_("The personal data of this registration has been erased."), "erased")
    return registration


def visitor_data_export(*, registration: Registration) -> dict[str, Any]:
    rows = selectors.visitor_registrations(email=registration.email_normalised)
    return {
        "email": registration.email,
        "registrations": [
            {
                "tour": r.session.tour.title,
                "starts_at": r.session.starts_at.isoformat(),
                "name": r.name,
                "email": r.email,
                "phone": r.phone,
                "party_size": r.party_size,
                "group_name": r.group_name,
                "group_leader": r.group_leader,
                "state": r.state,
                "ticket_code": r.ticket_code,
                "consent_at": r.consent_at.isoformat() if r.consent_at else None,
                "consent_version": r.consent_version,
                "language": r.language,
                "created_at": r.created_at.isoformat(),
            }
            for r in rows
        ],
    }


def visitor_data_erase(*, registration: Registration, now: datetime | None = None) -> int:
    """Cancel the visitor's future bookings (freeing seats) and erase all their personal data."""
    now = now or timezone.now()
    email = registration.email_normalised
    count = 0
    for reg in list(selectors.visitor_registrations(email=email)):
        with transaction.atomic():
            session = lock_session(reg.session_id)
            reg.refresh_from_db()
            if reg.state in (Registration.State.HELD, Registration.State.CONFIRMED) and session.starts_at > now:
                reg.state = Registration.State.CANCELLED
                reg.cancelled_at = now
                reg.save(update_fields=["state", "cancelled_at", "updated_at"])
            count += _anonymise(Registration.objects.filter(pk=reg.pk), now)
            _serve_waitlist(session, now)
    WaitlistEntry.objects.filter(email_normalised=email).update(
        name="", email="", email_normalised="", phone="", group_name="", group_leader="", state="cancelled"
    )
    return count


def feedback_submit(*, signed: str, rating: int, comment: str = "", now: datetime | None = None) -> Feedback:
    registration = registration_for_link(purpose="feedback", signed=signed)
    now = now or timezone.now()
    if registration.state not in (Registration.State.CHECKED_IN, Registration.State.CONFIRMED):
        raise _refuse(_("Feedback can only be left by visitors of the session."), "not_visitor")
    if registration.session.starts_at > now:
        raise _refuse(_("Feedback opens after the session."), "too_early")
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": ValidationError(_("Choose a rating from 1 to 5."), code="rating")})
    with transaction.atomic():
        if Feedback.objects.filter(registration=registration).exists():
            raise _refuse(_("Thank you, your feedback has already been received."), "feedback_exists")
        return Feedback.objects.create(registration=registration, rating=int(rating), comment=(comment or "")[:4000])


# --- host cabinet ---------------------------------------------------------------------------------


def _check_host(user: Any, organisation_id: int) -> None:
    if is_operator(user):
        return
    if organisation_id not in host_organisation_ids(user):
        raise PermissionDenied


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def transliterate(text: str) -> str:
    """Russian to Latin letters for readable URLs («Новый цех» → «novyy tsekh»)."""
    return "".join(_TRANSLIT.get(ch, ch) if ch.lower() == ch else _TRANSLIT.get(ch.lower(), ch) for ch in text).replace(
        "_", ""
    )


def tour_save(*, user: Any, tour: Tour, audiences: Any = None) -> Tour:
    _check_host(user, tour.host_id)
    if not tour.slug:
        base = slugify(transliterate(tour.title), allow_unicode=False)[:80] or "tour"
        slug, n = base, 1
        while Tour.objects.filter(slug=slug).exclude(pk=tour.pk).exists():
            n += 1
            slug = f"{base}-{n}"
        tour.slug = slug
    if tour.state == Tour.State.PUBLISHED and tour.published_at is None:
        tour.published_at = timezone.now()
    with transaction.atomic():
        tour.save()
        if audiences is not None:
            tour.audiences.set(audiences)
    return tour


def session_create(*, user: Any, tour: Tour, starts_at: datetime, capacity: int) -> Session:
    _check_host(user, tour.host_id)
    if capacity < 0:
        raise ValidationError({"capacity": ValidationError(_("Capacity cannot be negative."), code="capacity")})
    return Session.objects.create(tour=tour, starts_at=starts_at, capacity=capacity)


def session_update(
    *, user: Any, session_id: int, capacity: int, starts_at: datetime | None = None, now: datetime | None = None
) -> Session:
    with transaction.atomic():
        session = lock_session(session_id)
        if user is not None:
            _check_host(user, session.tour.host_id)
        now = now or timezone.now()
        _expire_stale(session, now)
        booked = selectors.seats_booked(session, now=now)
        if capacity < booked:
            raise ValidationError(
                {
                    "capacity": ValidationError(
                        _("%(booked)s seats are already booked; the capacity cannot be lower than that.")
                        % {"booked": booked},
                        code="capacity_below_booked",
                    )
                }
            )
        session.capacity = capacity
        fields = ["capacity", "updated_at"]
        if starts_at is not None:
            session.starts_at = starts_at
            fields.append("starts_at")
        session.save(update_fields=fields)
        _serve_waitlist(session, now)
        return session


def session_set_capacity(*, session_id: int, capacity: int, user: Any = None, now: datetime | None = None) -> Session:
    """Capacity change; refused below what is booked; freed seats go to the waitlist."""
    return session_update(user=user, session_id=session_id, capacity=capacity, now=now)


def session_cancel(*, user: Any, session_id: int, reason: str = "", now: datetime | None = None) -> Session:
    """Cancel a session and write to every registrant and everyone on its waitlist."""
    with transaction.atomic():
        session = lock_session(session_id)
        _check_host(user, session.tour.host_id)
        now = now or timezone.now()
        if session.state == Session.State.CANCELLED:
            return session
        session.state = Session.State.CANCELLED
        session.cancel_reason = (reason or "")[:300]
        session.save(update_fields=["state", "cancel_reason", "updated_at"])
        for registration in Registration.objects.filter(
            session=session, state__in=[Registration.State.HELD, Registration.State.CONFIRMED]
        ):
            registration.state = Registration.State.CANCELLED
            registration.cancelled_at = now
            registration.save(update_fields=["state", "cancelled_at", "updated_at"])
            registration.session = session
            email_enqueue(
                to=registration.email,
                template="tours/email/session_cancelled",
                context=_context(registration),
                language=registration.language,
                idempotency_key=f"tours:session-cancelled:{registration.pk}",
            )
        for entry in WaitlistEntry.objects.filter(
            session=session, state__in=[WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED]
        ):
            entry.state = WaitlistEntry.State.CANCELLED
            entry.save(update_fields=["state", "updated_at"])
            entry.session = session
            email_enqueue(
                to=entry.email,
                template="tours/email/session_cancelled",
                context={"r": entry, "session": session, "tour": session.tour, "links": {}},
                language=entry.language,
                idempotency_key=f"tours:session-cancelled:w{entry.pk}",
            )
        return session


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def registration_for_checkin(*, user: Any, code: str) -> Registration:
    registration = (
        Registration.objects.select_related("session__tour__host", "session__tour__format")
        .filter(ticket_code=normalise_code(code))
        .first()
    )
    if registration is None:
        raise _refuse(_("No ticket has this code. Check the code and try again."), "unknown_code")
    if not is_operator(user) and registration.session.tour.host_id not in host_organisation_ids(user):
        raise _refuse(_("This ticket is for another host's session."), "other_host")
    return registration


def registration_check_in(*, user: Any, code: str, now: datetime | None = None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        registration = registration_for_checkin(user=user, code=code)
        registration = Registration.objects.select_for_update().select_related("session__tour").get(pk=registration.pk)
        if registration.state == Registration.State.CHECKED_IN:
            return registration
        if registration.session.state == Session.State.CANCELLED:
            raise _refuse(_("This session has been cancelled."), "session_cancelled")
        if registration.state == Registration.State.HELD:
            raise _refuse(_("This registration was not confirmed by e-mail."), "not_confirmed")
        if registration.state != Registration.State.CONFIRMED:
            raise _refuse(
                _("This ticket is not valid (%(state)s).") % {"state": registration.get_state_display()}, "invalid"
            )
        if timezone.localtime(registration.session.starts_at, MOSCOW).date() != timezone.localtime(now, MOSCOW).date():
            day, _at = format_moment(registration.session.starts_at)
            raise _refuse(_("This ticket is for %(date)s.") % {"date": day}, "wrong_day")
        registration.state = Registration.State.CHECKED_IN
        registration.checked_in_at = now
        registration.save(update_fields=["state", "checked_in_at", "updated_at"])
        return registration


def format_get_or_create(*, slug: str) -> Format:
    for s, name, name_en, online in FORMATS:
        if s == slug:
            obj, _created = Format.objects.get_or_create(
                slug=s, defaults={"name": name, "name_en": name_en, "is_online": online}
            )
            return obj
    raise KeyError(slug)


def formats_ensure() -> list[Format]:
    return [format_get_or_create(slug=s) for s, *_rest in FORMATS]


def today_moscow(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), MOSCOW).date()
