"""Writes of the tours part. All seat accounting happens here, under `lock_session`.

Availability is capacity − unexpired holds − confirmed − unexpired waitlist offers. `Session.seats_taken` keeps
the seats that holds, bookings and offers take; only `_take_seats` (a transition that takes or gives back seats,
under the session lock) and `_recount_seats` (the sum over the rows) write it, and the database refuses it above
the capacity. A hold or an offer past its deadline is given back by `_release_lapsed` (the expiry task, or the
first locked decision that needs its seats). The decisions are `rules.py`'s; the reads `selectors.py`'s; links,
QR codes and .ics `tickets.py`'s.

The registration transaction does only what must be atomic: lock the session row, check, insert the hold and
the e-mail task row (ids only). E-mails are rendered by the worker (`tasks.registration_email`). Expired holds
are marked by the periodic task; freed seats go to the waitlist on the events that free them (cancellation,
expiry, a capacity raise, a declined or expired offer, erasure), never on every registration.

Every service takes `actor=` (None for an anonymous visitor or the system) and records named audit actions without personal
data (`audit_action`), against the session they concern.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mosprom.core import limits
from mosprom.core.audit import acting_as, audit_event
from mosprom.core.errors import Refused
from mosprom.core.roles import is_operator
from mosprom.core.services import Attachment, email_enqueue
from mosprom.core.text import transliterate
from mosprom.registry.roles import host_organisation_ids

from . import rules, selectors, tickets
from .models import Audience, Feedback, Format, Registration, Season, Session, Tour, WaitlistEntry

logger = logging.getLogger(__name__)


# --- errors ---------------------------------------------------------------------------------------


class NotEnoughSeats(Refused):
    """The party does not fit; the caller may offer the waitlist. `details = {"seats_left": n}`."""

    def __init__(self, seats_left: int) -> None:
        self.seats_left = seats_left
        if seats_left <= 0:
            message = _("There are no free seats left on this session. You can join the waitlist.")
        else:  # fewer than the party asked for
            message = ngettext(
                "Only %(left)s seat is left, fewer than your party. Register fewer people or join the waitlist.",
                "Only %(left)s seats are left, fewer than your party. Register fewer people or join the waitlist.",
                seats_left,
            ) % {"left": seats_left}
        super().__init__("not_enough_seats", message, details={"seats_left": seats_left})


# --- audit ----------------------------------------------------------------------------------------


def audit_action(session: Session, action: str, *, actor: Any, **data: Any) -> None:
    """A named action (check-in, cancellation, waitlist offer…) on a session, with ids and counts only."""
    audit_event(actor=actor, action=f"tours.{action}", obj=session, data=data)


# --- the lock -------------------------------------------------------------------------------------


def lock_session(session_id: int) -> Session:
    """The only way to lock a session's seats. Must run inside transaction.atomic().

    PostgreSQL: SELECT … FOR UPDATE of the session row only (lock_timeout keeps it from hanging).
    SQLite: the IMMEDIATE transaction already holds the database's write lock.
    The tour and its season come in the same query (the rules need them).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("lock_session() must be called inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '15s'")
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("tour__season").filter(pk=session_id).first()
    )
    if session is None:
        raise Refused("not_found", _("No session has this id."), status=404)
    return session


# --- the seat tally (always under the session lock) -------------------------------------------------


def _take_seats(session: Session, seats: int) -> None:
    """A transition takes `seats` (negative: gives them back) on a locked session: the tally follows."""
    if seats:
        Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + seats)
        session.seats_taken += seats


def _recount_seats(session: Session) -> None:
    """Set the tally of a locked session to the sum over its rows (after a transition of many rows at once)."""
    session.seats_taken = selectors.seats_taken_recount(session.pk)
    Session.objects.filter(pk=session.pk).update(seats_taken=session.seats_taken)


def _release_lapsed(session: Session, now: datetime) -> tuple[int, int]:
    """Mark the holds and offers of a locked session whose deadline has passed as expired and give their seats
    back; returns (holds, offers) marked. One statement when none has lapsed."""
    if not selectors.seats_lapsed(session.pk, now=now):
        return 0, 0
    holds = Registration.objects.filter(
        session=session, state=Registration.State.HELD, hold_expires_at__lte=now
    ).update(state=Registration.State.EXPIRED)
    offers = WaitlistEntry.objects.filter(
        session=session, state=WaitlistEntry.State.OFFERED, offer_expires_at__lte=now
    ).update(state=WaitlistEntry.State.EXPIRED)
    _recount_seats(session)
    return holds, offers


def _seats_free(session: Session, now: datetime, *, wanted: int) -> int:
    """Free seats of a locked session for a decision about `wanted` seats: the tally says at once when they fit;
    otherwise lapsed holds and offers are released first (their seats go to the waitlist before anyone else)."""
    free = session.capacity - session.seats_taken
    if wanted > free and any(_release_lapsed(session, now)):
        _serve_waitlist(session, now)
        free = session.capacity - session.seats_taken
    return max(free, 0)


def session_seats_recount(*, sessions: QuerySet[Session] | None = None) -> int:
    """Recount the tally of sessions whose rows were written around the services (COPY, bulk_create, demo data)
    in one statement; None: every session. Returns the number of sessions."""
    return (Session.objects.all() if sessions is None else sessions).update(
        seats_taken=selectors.seats_taken_recount_expression()
    )


# --- e-mails: ids go into the task row; the worker renders -----------------------------------------


def _mail(kind: str, obj: Registration | WaitlistEntry, key: str) -> None:
    """Enqueue the e-mail `tours/email/<kind>` for a registration or a waitlist entry (written in this transaction)."""
    _mail_ids(kind, "waitlist" if isinstance(obj, WaitlistEntry) else "registration", obj.pk, key)


def _mail_ids(kind: str, model: str, pk: int, key: str) -> None:
    from .tasks import tours_email

    tours_email.enqueue(model, pk, kind, key)


def email_render_and_enqueue(*, model: str, pk: int, kind: str, idempotency_key: str) -> None:
    """Worker side of `_mail`: load the row, build its links (and the ticket's attachments), put it in the outbox."""
    attachments: list[Attachment] = []
    if model == "waitlist":
        entry = WaitlistEntry.objects.select_related("session__tour__format").filter(pk=pk).first()
        if entry is None or not entry.email:
            return
        links = tickets.offer_links(entry) if kind in ("offer", "waitlisted", "rescheduled") else {}
        context: dict[str, Any] = {
            "r": entry,
            "session": entry.session,
            "tour": entry.session.tour,
            "links": links,
            "position": selectors.waitlist_position(entry),
        }
        to, language = entry.email, entry.language
    else:
        registration = (
            Registration.objects.select_related("session__tour__format", "session__tour__host").filter(pk=pk).first()
        )
        if registration is None or registration.purged_at is not None or not registration.email:
            return
        context = {
            "r": registration,
            "session": registration.session,
            "tour": registration.session.tour,
            "links": tickets.registration_links(registration),
        }
        to, language = registration.email, registration.language
        if kind == "ticket":
            attachments.append(
                Attachment(f"ticket-{registration.ticket_code}.png", tickets.ticket_png(registration), "image/png")
            )
        if kind in ("ticket", "rescheduled") and registration.state != Registration.State.HELD:
            attachments.append(Attachment("tour.ics", tickets.ticket_ics(registration), "text/calendar"))
    email_enqueue(
        to=to,
        template=f"tours/email/{kind}",
        context=context,
        language=language,
        idempotency_key=idempotency_key,
        attachments=attachments,
    )


def _send_confirmation(registration: Registration) -> None:
    suffix = f":{registration.resends}" if registration.resends else ""
    _mail("confirm", registration, f"tours:confirm:{registration.pk}{suffix}")


def _send_ticket(registration: Registration) -> None:
    suffix = f":{registration.resends}" if registration.resends else ""
    _mail("ticket", registration, f"tours:ticket:{registration.pk}{suffix}")


# --- waitlist -------------------------------------------------------------------------------------


def _serve_waitlist(session: Session, now: datetime, *, actor: Any = None) -> list[WaitlistEntry]:
    """Offer free seats to waiting entries in order; an entry whose party does not fit is skipped.

    Runs under the session lock, on the events that free seats (not on every registration).
    """
    if not rules.registration_state(session, now=now).is_open:
        return []
    _release_lapsed(session, now)
    free = session.capacity - session.seats_taken
    if free <= 0:
        return []
    offered: list[WaitlistEntry] = []
    waiting = WaitlistEntry.objects.filter(session=session, state=WaitlistEntry.State.WAITING).order_by(
        "position", "id"
    )
    for entry in waiting.iterator():
        if free <= 0:
            break
        if entry.party_size > free:
            continue
        entry.state = WaitlistEntry.State.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = now + timedelta(minutes=settings.TOURS_WAITLIST_OFFER_MINUTES)
        entry.offers += 1
        entry.save(update_fields=["state", "offered_at", "offer_expires_at", "offers", "updated_at"])
        _take_seats(session, entry.party_size)
        entry.session = session
        _mail("offer", entry, f"tours:offer:{entry.pk}:{entry.offers}")
        audit_action(session, "waitlist_offer", actor=actor, entry=entry.pk, party_size=entry.party_size)
        free -= entry.party_size
        offered.append(entry)
    return offered


def waitlist_serve(*, session_id: int, actor: Any = None, now: datetime | None = None) -> list[WaitlistEntry]:
    with transaction.atomic():
        session = lock_session(session_id)
        return _serve_waitlist(session, now or timezone.now(), actor=actor)


# --- registration ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    created: bool


def _resend(registration: Registration) -> None:
    # At most once per RATE_LIMITS_RESEND_MINUTES: posting one e-mail again and again must not flood its owner.
    key = f"tours:resend:{registration.pk}:{registration.state}"
    if not limits.once_per(key, seconds=settings.RATE_LIMITS_RESEND_MINUTES * 60):
        return
    registration.resends += 1
    registration.save(update_fields=["resends", "updated_at"])
    if registration.state == Registration.State.HELD:
        _send_confirmation(registration)
    else:
        _send_ticket(registration)


def _language(language: str) -> str:
    return language if language in ("ru", "en") else "ru"


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
    actor: Any = None,
    now: datetime | None = None,
) -> RegistrationOutcome:
    """Hold seats and send the confirmation link. A repeated submission for the same session and
    e-mail creates nothing new: it re-sends the pending confirmation or the ticket."""
    visitor = rules.validate_visitor(
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
        existing = Registration.objects.filter(
            session=session, email_normalised=visitor.email_normalised, state__in=Registration.ACTIVE_STATES
        ).first()
        if existing is not None and rules.hold_expired(existing, now=now):
            # Its seats are already free (availability ignores expired holds); mark it so the e-mail can book again.
            if existing.state == Registration.State.HELD:
                Registration.objects.filter(pk=existing.pk).update(state=Registration.State.EXPIRED)
                _take_seats(session, -existing.party_size)
            existing = None
        if existing is not None:
            _resend(existing)
            return RegistrationOutcome(existing, False)
        state = rules.registration_state(session, now=now)
        if isinstance(state, rules.Closed):
            raise state.refusal()
        left = _seats_free(session, now, wanted=visitor.party_size)
        if visitor.party_size > left:
            raise NotEnoughSeats(left)
        registration = Registration.objects.create(
            session=session,
            name=visitor.name,
            email=visitor.email,
            phone=visitor.phone,
            party_size=visitor.party_size,
            group_name=visitor.group_name,
            group_leader=visitor.group_leader,
            consent_at=now,
            consent_version=settings.TOURS_CONSENT_VERSION,
            language=_language(language),
            state=Registration.State.HELD,
            hold_expires_at=now + timedelta(minutes=settings.TOURS_HOLD_MINUTES),
        )
        _take_seats(session, visitor.party_size)
        registration.session = session
        _send_confirmation(registration)
        logger.info("registration %s held %s seats on session %s", registration.pk, visitor.party_size, session.pk)
        return RegistrationOutcome(registration, True)


def _registration_locked(token: str) -> Registration:
    """The registration of a link, with its session locked."""
    reg = selectors.registration_by_token(token)
    if reg is None:
        raise tickets.bad_link()
    session = lock_session(reg.session_id)
    registration = Registration.objects.get(pk=reg.pk)
    registration.session = session
    return registration


def registration_confirm(*, signed: str, actor: Any = None, now: datetime | None = None) -> Registration:
    token = tickets.unsign("confirm", signed)
    refusal: Refused | None = None
    with transaction.atomic():
        registration = _registration_locked(token)
        now = now or timezone.now()
        if registration.state in (Registration.State.CONFIRMED, Registration.State.CHECKED_IN):
            return registration  # a used link just shows the ticket
        if registration.state == Registration.State.CANCELLED:
            raise Refused("cancelled", _("This registration has been cancelled."), status=410)
        if registration.session.state == Session.State.CANCELLED:
            raise Refused("session_cancelled", _("This session has been cancelled."), status=410)
        if rules.hold_expired(registration, now=now):
            if registration.state == Registration.State.HELD:
                # Committed before refusing: the seats go back (to the waitlist first).
                registration.state = Registration.State.EXPIRED
                registration.save(update_fields=["state", "updated_at"])
                _take_seats(registration.session, -registration.party_size)
                _serve_waitlist(registration.session, now, actor=actor)
            refusal = hold_expired_refusal()
        else:
            registration.state = Registration.State.CONFIRMED
            registration.confirmed_at = now
            registration.hold_expires_at = None
            registration.save(update_fields=["state", "confirmed_at", "hold_expires_at", "updated_at"])
            _send_ticket(registration)
    if refusal is not None:
        raise refusal
    return registration


def hold_expired_refusal() -> Refused:
    return Refused(
        "hold_expired",
        _("This confirmation link has expired and the seats were released. Please register again."),
        status=410,
    )


def _cancel(registration: Registration, *, now: datetime, actor: Any, by: str) -> None:
    """Cancel one locked registration, tell the visitor, record it and give the seats to the waitlist."""
    refusal = rules.cancel_refusal(registration, now=now)
    if refusal is not None:
        raise refusal
    registration.state = Registration.State.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["state", "cancelled_at", "updated_at"])
    _take_seats(registration.session, -registration.party_size)
    _mail("cancelled", registration, f"tours:cancelled:{registration.pk}")
    audit_action(
        registration.session,
        "cancellation",
        actor=actor,
        registration=registration.pk,
        party_size=registration.party_size,
        by=by,
    )
    # The freed seats go to the waitlist first (this also covers a registration that came from it).
    _serve_waitlist(registration.session, now, actor=actor)


def registration_cancel(*, signed: str, actor: Any = None, now: datetime | None = None) -> Registration:
    """The visitor cancels by the signed link from their e-mail (it expires when the session is over)."""
    token = tickets.unsign("cancel", signed, now=now)
    with transaction.atomic():
        registration = _registration_locked(token)
        _cancel(registration, now=now or timezone.now(), actor=actor, by="visitor")
        return registration


def registration_cancel_by_operator(*, registration_id: int, actor: Any, now: datetime | None = None) -> Registration:
    """An operator cancels a booking (back-office action): same rule, same e-mail, audited with the operator."""
    with transaction.atomic(), acting_as(actor):
        found = Registration.objects.filter(pk=registration_id).only("id", "session_id").first()
        if found is None:
            raise Refused("not_found", _("No registration has this id."), status=404)
        session = lock_session(found.session_id)
        _check_host(actor, session.tour.host_id)
        registration = Registration.objects.get(pk=found.pk)
        registration.session = session
        _cancel(registration, now=now or timezone.now(), actor=actor, by="operator")
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
    actor: Any = None,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Join the waitlist: O(1) under the lock (the position is MAX+1 from an index, no scan of the queue)."""
    visitor = rules.validate_visitor(
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
        state = rules.registration_state(session, now=now)
        if isinstance(state, rules.Closed):
            raise state.refusal()
        if Registration.objects.filter(
            session=session, email_normalised=visitor.email_normalised, state__in=Registration.ACTIVE_STATES
        ).exists():
            raise Refused("duplicate", _("You already have a registration for this session."))
        existing = WaitlistEntry.objects.filter(
            session=session,
            email_normalised=visitor.email_normalised,
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
            consent_version=settings.TOURS_CONSENT_VERSION,
            language=_language(language),
        )
        # Seats free now (a party that did not fit while a smaller one would): serve the queue in order.
        if _seats_free(session, now, wanted=entry.party_size) >= entry.party_size:
            _serve_waitlist(session, now, actor=actor)
            entry.refresh_from_db()
        if entry.state == WaitlistEntry.State.WAITING:
            _mail("waitlisted", entry, f"tours:waitlisted:{entry.pk}")  # the position and a link to leave
        return entry


def _entry_locked(token: str) -> WaitlistEntry:
    found = selectors.waitlist_entry_by_token(token)
    if found is None:
        raise tickets.bad_link()
    session = lock_session(found.session_id)
    entry = WaitlistEntry.objects.get(pk=found.pk)
    entry.session = session
    return entry


def offer_used_refusal() -> Refused:
    return Refused("link_used", _("This link has already been used."), status=410)


def offer_accept(*, signed: str, actor: Any = None, now: datetime | None = None) -> Registration:
    """Turn an offer into a confirmed registration (the e-mail address is proven by the link). Single use."""
    token = tickets.unsign("offer", signed, now=now)
    refusal: Refused | None = None
    with transaction.atomic():
        entry = _entry_locked(token)
        now = now or timezone.now()
        session = entry.session
        if entry.state in (WaitlistEntry.State.ACCEPTED, WaitlistEntry.State.CANCELLED):
            raise offer_used_refusal()
        if entry.state != WaitlistEntry.State.OFFERED or rules.offer_expired(entry, now=now):
            if entry.state == WaitlistEntry.State.OFFERED:
                # Committed before refusing: the offer passes to the next entry.
                entry.state = WaitlistEntry.State.EXPIRED
                entry.save(update_fields=["state", "updated_at"])
                _take_seats(session, -entry.party_size)
                _serve_waitlist(session, now, actor=actor)
            refusal = Refused(
                "offer_expired", _("This offer has expired and the seats were offered to the next person."), status=410
            )
        elif session.state == Session.State.CANCELLED:
            refusal = Refused("session_cancelled", _("This session has been cancelled."), status=410)
        elif Registration.objects.filter(
            session=session, email_normalised=entry.email_normalised, state__in=Registration.ACTIVE_STATES
        ).exists():
            entry.state = WaitlistEntry.State.CANCELLED
            entry.save(update_fields=["state", "updated_at"])
            _take_seats(session, -entry.party_size)
            _serve_waitlist(session, now, actor=actor)
            refusal = Refused("duplicate", _("You already have a registration for this session."))
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
            audit_action(session, "waitlist_promotion", actor=actor, entry=entry.pk, registration=registration.pk)
            _send_ticket(registration)
    if refusal is not None:
        raise refusal
    return registration


def offer_decline(*, signed: str, actor: Any = None, now: datetime | None = None) -> WaitlistEntry:
    """Leave the waitlist by the offer link (single use: a second use is refused)."""
    token = tickets.unsign("offer", signed, now=now)
    with transaction.atomic():
        entry = _entry_locked(token)
        if entry.state not in (WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED):
            raise offer_used_refusal()
        _leave_waitlist(entry, now=now or timezone.now(), actor=actor, by="visitor")
        return entry


def _leave_waitlist(entry: WaitlistEntry, *, now: datetime, actor: Any, by: str) -> None:
    offered = entry.state == WaitlistEntry.State.OFFERED
    entry.state = WaitlistEntry.State.CANCELLED
    entry.save(update_fields=["state", "updated_at"])
    if offered:
        _take_seats(entry.session, -entry.party_size)
    audit_action(entry.session, "waitlist_leave", actor=actor, entry=entry.pk, by=by)
    _serve_waitlist(entry.session, now, actor=actor)


def waitlist_entry_cancel(*, entry_id: int, actor: Any, now: datetime | None = None) -> WaitlistEntry:
    """Operator action: take an entry off the waitlist (a pending offer passes to the next entry)."""
    with transaction.atomic(), acting_as(actor):
        found = WaitlistEntry.objects.filter(pk=entry_id).only("id", "session_id").first()
        if found is None:
            raise Refused("not_found", _("No waitlist entry has this id."), status=404)
        session = lock_session(found.session_id)
        _check_host(actor, session.tour.host_id)
        entry = WaitlistEntry.objects.get(pk=found.pk)
        entry.session = session
        if entry.state not in (WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED):
            raise Refused("not_waiting", _("This entry is no longer on the waitlist."))
        _leave_waitlist(entry, now=now or timezone.now(), actor=actor, by="operator")
        return entry


# --- periodic work --------------------------------------------------------------------------------


def _expire_and_serve(model: Any, *, state: str, deadline_field: str, now: datetime, actor: Any) -> int:
    """Mark rows of `model` in `state` whose deadline has passed as expired (with the other lapsed holds and
    offers of their session), session by session under its lock, and offer the freed seats to the waitlist."""
    due = {"state": state, f"{deadline_field}__lte": now}
    count = 0
    for session_id in sorted(set(model.objects.filter(**due).values_list("session_id", flat=True))):
        with transaction.atomic():
            session = lock_session(session_id)
            holds, offers = _release_lapsed(session, now)
            count += holds if model is Registration else offers
            _serve_waitlist(session, now, actor=actor)
    return count


def holds_expire(*, actor: Any = None, now: datetime | None = None) -> int:
    """Mark unconfirmed holds past their time as expired and offer their seats to the waitlist."""
    return _expire_and_serve(
        Registration,
        state=Registration.State.HELD,
        deadline_field="hold_expires_at",
        now=now or timezone.now(),
        actor=actor,
    )


def offers_expire(*, actor: Any = None, now: datetime | None = None) -> int:
    """Unanswered offers pass to the next waiting entry whose party fits."""
    return _expire_and_serve(
        WaitlistEntry,
        state=WaitlistEntry.State.OFFERED,
        deadline_field="offer_expires_at",
        now=now or timezone.now(),
        actor=actor,
    )


def _mail_each(qs: QuerySet[Registration], *, kind: str, stamp_field: str, now: datetime) -> int:
    """E-mail `tours/email/<kind>` to each registration once, stamping `stamp_field` in the same transaction."""
    count = 0
    for registration in qs:
        with transaction.atomic():
            _mail(kind, registration, f"tours:{kind}:{registration.pk}")
            Registration.objects.filter(pk=registration.pk).update(**{stamp_field: now})
        count += 1
    return count


def reminders_send(*, actor: Any = None, now: datetime | None = None) -> int:
    """The day before: a reminder to every confirmed visitor of tomorrow's sessions (local date)."""
    now = now or timezone.now()
    tomorrow = rules.today_moscow(now) + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, tzinfo=rules.MOSCOW)
    qs = Registration.objects.filter(
        state=Registration.State.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__state=Session.State.SCHEDULED,
        session__starts_at__gte=start,
        session__starts_at__lt=start + timedelta(days=1),
    ).only("id")
    return _mail_each(qs, kind="reminder", stamp_field="reminder_sent_at", now=now)


def feedback_requests_send(*, actor: Any = None, now: datetime | None = None) -> int:
    """After the session: ask checked-in visitors for a 1–5 rating and a comment."""
    now = now or timezone.now()
    qs = Registration.objects.filter(
        state=Registration.State.CHECKED_IN,
        feedback_requested_at__isnull=True,
        purged_at__isnull=True,
        session__starts_at__lte=now - timedelta(hours=settings.TOURS_FEEDBACK_AFTER_HOURS),
        session__starts_at__gte=now - timedelta(days=settings.TOURS_FEEDBACK_WITHIN_DAYS),
    ).only("id")
    return _mail_each(qs, kind="feedback", stamp_field="feedback_requested_at", now=now)


_ERASED = {"name": "", "email": "", "email_normalised": "", "phone": "", "group_name": "", "group_leader": ""}


def registrations_purge(*, actor: Any = None, now: datetime | None = None) -> int:
    """Erase personal data N days after the session; the anonymous rows keep the figures."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.TOURS_PURGE_DAYS_AFTER)
    with transaction.atomic():
        count = Registration.objects.filter(purged_at__isnull=True, session__starts_at__lt=before).update(
            **_ERASED, purged_at=now
        )
        WaitlistEntry.objects.filter(session__starts_at__lt=before).exclude(email="").update(**_ERASED)
    return count


# --- the visitor's data ---------------------------------------------------------------------------


def visitor_data_erase(*, registration: Registration, actor: Any = None, now: datetime | None = None) -> int:
    """Cancel the visitor's future bookings (freeing seats) and erase all their personal data."""
    now = now or timezone.now()
    email = registration.email_normalised
    count = 0
    for reg in list(selectors.visitor_registrations(email=email)):
        with transaction.atomic():
            session = lock_session(reg.session_id)
            reg.refresh_from_db()
            reg.session = session
            if rules.cancellable(reg, now=now):
                reg.state = Registration.State.CANCELLED
                reg.cancelled_at = now
                reg.save(update_fields=["state", "cancelled_at", "updated_at"])
                _take_seats(session, -reg.party_size)
                audit_action(session, "cancellation", actor=actor, registration=reg.pk, by="erasure")
            count += Registration.objects.filter(pk=reg.pk).update(**_ERASED, purged_at=now)
            _serve_waitlist(session, now, actor=actor)
    entries = WaitlistEntry.objects.filter(email_normalised=email) if email else WaitlistEntry.objects.none()
    # An offer gives its seats back (under its session's lock) and they pass to the next in the queue.
    for session_id in sorted(
        set(entries.filter(state=WaitlistEntry.State.OFFERED).values_list("session_id", flat=True))
    ):
        with transaction.atomic():
            session = lock_session(session_id)
            entries.filter(session=session).update(**_ERASED, state=WaitlistEntry.State.CANCELLED)
            _recount_seats(session)
            _serve_waitlist(session, now, actor=actor)
    entries.update(**_ERASED, state=WaitlistEntry.State.CANCELLED)
    return count


def feedback_submit(
    *, signed: str, rating: int, comment: str = "", actor: Any = None, now: datetime | None = None
) -> Feedback:
    registration = selectors.registration_for_link(purpose="feedback", signed=signed)
    now = now or timezone.now()
    if registration.state not in (Registration.State.CHECKED_IN, Registration.State.CONFIRMED):
        raise Refused("not_visitor", _("Feedback can only be left by visitors of the session."))
    if registration.session.starts_at > now:
        raise Refused("too_early", _("Feedback opens after the session."))
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": ValidationError(_("Choose a rating from 1 to 5."), code="rating")})
    with transaction.atomic():
        if Feedback.objects.filter(registration=registration).exists():
            raise Refused("feedback_exists", _("Thank you, your feedback has already been received."))
        return Feedback.objects.create(registration=registration, rating=int(rating), comment=(comment or "")[:4000])


# --- host cabinet and back-office -----------------------------------------------------------------


def _check_host(user: Any, organisation_id: int) -> None:
    """Hosts act on their own companies' tours; operators on all; `None` is the system itself (tasks, shell)."""
    if user is None or is_operator(user):
        return
    if organisation_id not in host_organisation_ids(user):
        raise PermissionDenied


def _needs_moderation(host_id: int) -> bool:
    """Whether this host's tour must be checked by an operator before it is published.

    The rule belongs to whoever grants the host capability (the company cabinet, `companies.rules`); tours asks
    it through the `TOURS_PUBLICATION_CHECK` setting so that this part does not import that one.
    """
    if not settings.TOURS_PUBLICATION_CHECK:
        return False
    return bool(import_string(settings.TOURS_PUBLICATION_CHECK)(host_id))


def reference_save(*, actor: Any, obj: Season | Format | Audience) -> Season | Format | Audience:
    """A season, format or audience (the catalogue's reference data), by an operator."""
    if not is_operator(actor):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor):
        obj.full_clean()
        obj.save()
    return obj


def reference_delete(*, actor: Any, obj: Season | Format | Audience) -> None:
    if not is_operator(actor):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor):
        obj.delete()


def tour_save(*, actor: Any, tour: Tour, audiences: Any = None) -> Tour:
    """Create or change a tour. A host publishing one of its first tours sends it to moderation instead."""
    _check_host(actor, tour.host_id)
    moderated = (
        tour.state == Tour.State.PUBLISHED
        and tour.published_at is None
        and actor is not None
        and not is_operator(actor)
        and _needs_moderation(tour.host_id)
    )
    if moderated:
        tour.state = Tour.State.MODERATION
    if not tour.slug:
        base = slugify(transliterate(tour.title), allow_unicode=False)[:80] or "tour"
        slug, n = base, 1
        while Tour.objects.filter(slug=slug).exclude(pk=tour.pk).exists():
            n += 1
            slug = f"{base}-{n}"
        tour.slug = slug
    if tour.state == Tour.State.PUBLISHED and tour.published_at is None:
        tour.published_at = timezone.now()
    with transaction.atomic(), acting_as(actor):
        tour.save()
        if audiences is not None:
            tour.audiences.set(audiences)
        if moderated:
            audit_event(actor=actor, action="tours.tour_sent_to_moderation", obj=tour)
    return tour


def tour_moderate(*, actor: Any, tour_id: int, approve: bool, comment: str = "") -> Tour:
    """An operator publishes a tour that waits for moderation, or sends it back to the host as a draft."""
    if not is_operator(actor):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor):
        tour = Tour.objects.select_for_update().get(pk=tour_id)
        if tour.state != Tour.State.MODERATION:
            raise Refused("not_in_moderation", _("This tour is not waiting for moderation."))
        tour.state = Tour.State.PUBLISHED if approve else Tour.State.DRAFT
        if approve:
            tour.published_at = timezone.now()
        tour.save()
        audit_event(
            actor=actor,
            action="tours.tour_published" if approve else "tours.tour_returned",
            obj=tour,
            data={"comment": comment[:500]} if comment else None,
        )
    return tour


def session_create(
    *, actor: Any, tour: Tour, starts_at: datetime, capacity: int, now: datetime | None = None
) -> Session:
    _check_host(actor, tour.host_id)
    rules.validate_schedule(starts_at=starts_at, capacity=capacity, now=now or timezone.now())
    with transaction.atomic(), acting_as(actor):
        return Session.objects.create(tour=tour, starts_at=starts_at, capacity=capacity)


def session_update(
    *,
    actor: Any,
    session_id: int,
    capacity: int | None = None,
    starts_at: datetime | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> Session:
    """Change a session's capacity and/or start under the lock; never below what is booked; freed seats go to
    the waitlist. A capacity change is recorded as a named audit action."""
    now = now or timezone.now()
    with transaction.atomic(), acting_as(actor):
        session = lock_session(session_id)
        _check_host(actor, session.tour.host_id)
        moved = starts_at is not None and starts_at != session.starts_at
        rules.validate_schedule(starts_at=starts_at if moved else None, capacity=capacity, now=now)
        fields = ["updated_at"]
        if capacity is not None and capacity != session.capacity:
            _release_lapsed(session, now)  # the tally is then exactly what is booked
            refusal = rules.capacity_refusal(capacity=capacity, booked=session.seats_taken)
            if refusal is not None:
                raise refusal
            audit_action(session, "capacity_change", actor=actor, before=session.capacity, after=capacity)
            session.capacity = capacity
            fields.append("capacity")
        if moved:
            assert starts_at is not None
            _move(session, starts_at, actor=actor, force=force, now=now)
            fields += ["starts_at", "rescheduled_from", "sequence"]
        if len(fields) > 1:
            session.save(update_fields=fields)
            if moved:
                _notify_moved(session)
            _serve_waitlist(session, now, actor=actor)
        return session


def _move(session: Session, starts_at: datetime, *, actor: Any, force: bool, now: datetime) -> None:
    """Move a locked session (the caller saves it, then `_notify_moved` writes to everyone concerned)."""
    refusal = rules.reschedule_refusal(starts_at=session.starts_at, now=now, forced=force and is_operator(actor))
    if refusal is not None:
        raise refusal
    previous = session.starts_at
    session.rescheduled_from, session.starts_at = previous, starts_at
    session.sequence += 1
    audit_action(
        session,
        "session_rescheduled",
        actor=actor,
        before=previous.isoformat(),
        after=starts_at.isoformat(),
        forced=bool(force),
    )


def _notify_moved(session: Session) -> None:
    """Everyone who holds a seat or waits for one gets the new time (tasks written in this transaction)."""
    holders = Registration.objects.filter(
        session=session, state__in=[Registration.State.HELD, Registration.State.CONFIRMED]
    ).values_list("pk", flat=True)
    waiting = WaitlistEntry.objects.filter(
        session=session, state__in=[WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED]
    ).values_list("pk", flat=True)
    for pk in holders:
        _mail_ids("rescheduled", "registration", pk, f"tours:rescheduled:{pk}:{session.sequence}")
    for pk in waiting:
        _mail_ids("rescheduled", "waitlist", pk, f"tours:rescheduled:w{pk}:{session.sequence}")


def session_reschedule(
    *, actor: Any, session_id: int, starts_at: datetime, force: bool = False, now: datetime | None = None
) -> Session:
    """Move a session: refused once its registration has closed unless an operator forces it; every holder and
    everyone waiting gets the new time with a new .ics (same UID, higher SEQUENCE) and a one-click cancel link."""
    return session_update(actor=actor, session_id=session_id, starts_at=starts_at, force=force, now=now)


def session_cancel(*, actor: Any, session_id: int, reason: str = "", now: datetime | None = None) -> Session:
    """Cancel a session and write to every registrant and everyone on its waitlist."""
    with transaction.atomic(), acting_as(actor):
        session = lock_session(session_id)
        _check_host(actor, session.tour.host_id)
        now = now or timezone.now()
        if session.state == Session.State.CANCELLED:
            return session
        session.state = Session.State.CANCELLED
        session.cancel_reason = (reason or "")[:300]
        session.save(update_fields=["state", "cancel_reason", "updated_at"])
        active = Registration.objects.filter(
            session=session, state__in=[Registration.State.HELD, Registration.State.CONFIRMED]
        )
        registration_ids = list(active.values_list("pk", flat=True))
        active.update(state=Registration.State.CANCELLED, cancelled_at=now, updated_at=now)
        waiting = WaitlistEntry.objects.filter(
            session=session, state__in=[WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED]
        )
        entry_ids = list(waiting.values_list("pk", flat=True))
        waiting.update(state=WaitlistEntry.State.CANCELLED, updated_at=now)
        _recount_seats(session)
        for pk in registration_ids:
            _mail_ids("session_cancelled", "registration", pk, f"tours:session-cancelled:{pk}")
        for pk in entry_ids:
            _mail_ids("session_cancelled", "waitlist", pk, f"tours:session-cancelled:w{pk}")
        cancelled = len(registration_ids)
        audit_action(session, "session_cancellation", actor=actor, registrations=cancelled)
        return session


def registration_check_in(*, actor: Any, code: str, now: datetime | None = None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic(), acting_as(actor):
        found = selectors.registration_for_checkin(user=actor, code=code)
        registration = Registration.objects.select_for_update().select_related("session__tour").get(pk=found.pk)
        refusal = rules.check_in_refusal(registration, now=now)
        if refusal is not None:
            raise refusal
        if registration.state == Registration.State.CHECKED_IN:
            return registration
        registration.state = Registration.State.CHECKED_IN
        registration.checked_in_at = now
        registration.save(update_fields=["state", "checked_in_at", "updated_at"])
        audit_action(
            registration.session,
            "check_in",
            actor=actor,
            registration=registration.pk,
            party_size=registration.party_size,
        )
        return registration
