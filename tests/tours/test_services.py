"""Every rule of the registration service, including the clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation

from mosprom.core.models import OutboundEmail
from mosprom.tours import rules, selectors, services, tickets
from mosprom.tours.models import Feedback, Registration, Session, WaitlistEntry

from .conftest import confirm, host_user, make_org, make_session, make_tour, register

MSK = ZoneInfo("Europe/Moscow")
pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code or "" for errors in exc.error_dict.values() for e in errors}
    return {e.code or "" for e in exc.error_list}


def join(session: Session, party: int, email: str, now: datetime | None = None) -> WaitlistEntry:
    return services.waitlist_join(
        session_id=session.pk,
        name="Ждущий",
        email=email,
        phone="+74951234567",
        party_size=party,
        consent=True,
        now=now,
    )


# --- registration and confirmation -----------------------------------------------------------------


def test_register_holds_seats_and_sends_confirmation(session: Session, mailoutbox: Any) -> None:
    r = register(session, party=3, email="Anna@Example.com")
    assert r.state == Registration.State.HELD
    assert r.hold_expires_at is not None and r.consent_at is not None and r.consent_version == "2026-01"
    assert selectors.seats_left(session) == 7
    msg = OutboundEmail.objects.get(idempotency_key=f"tours:confirm:{r.pk}")
    assert "/tours/confirm/" in msg.body_text
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["Anna@Example.com"]


def test_confirm_sends_ticket_with_qr_and_ics(session: Session, mailoutbox: Any) -> None:
    r = confirm(register(session, party=2))
    assert r.state == Registration.State.CONFIRMED
    ticket = OutboundEmail.objects.get(idempotency_key=f"tours:ticket:{r.pk}")
    names = [a["filename"] for a in ticket.attachments]
    assert names == [f"ticket-{r.ticket_code}.png", "tour.ics"]
    assert "/tours/cancel/" in ticket.body_text and session.tour.address in ticket.body_text
    mail = mailoutbox[-1]
    assert {a[2] for a in mail.attachments} == {"image/png", "text/calendar"}
    ics = tickets.ticket_ics(r).decode()
    assert "BEGIN:VEVENT" in ics and session.tour.title in ics
    # A used link shows the ticket again; nothing new is sent.
    assert confirm(r).state == Registration.State.CONFIRMED
    assert OutboundEmail.objects.filter(idempotency_key__startswith=f"tours:ticket:{r.pk}").count() == 1


def test_online_tour_ticket_has_link_not_address(db: Any) -> None:
    from mosprom.demo.formats import format_get_or_create

    tour = make_tour(format=format_get_or_create(slug="online-excursion"), online_url="https://example.org/live")
    r = confirm(register(make_session(tour)))
    body = OutboundEmail.objects.get(idempotency_key=f"tours:ticket:{r.pk}").body_text
    assert "https://example.org/live" in body and "Примерная" not in body


def test_email_in_visitors_language(session: Session) -> None:
    r = register(session, language="en")
    assert OutboundEmail.objects.get(idempotency_key=f"tours:confirm:{r.pk}").subject.startswith("Confirm")
    r2 = register(session, language="ru")
    assert OutboundEmail.objects.get(idempotency_key=f"tours:confirm:{r2.pk}").subject.startswith("Подтвердите")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"email": "not-an-email"}, "invalid_email"),
        ({"phone": "12"}, "invalid_phone"),
        ({"phone": ""}, "required"),
        ({"consent": False}, "no_consent"),
        ({"party": 31}, "party_too_big"),
        ({"party": 0}, "party_size"),
        ({"name": "  "}, "required"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(session: Session, kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        register(session, **kwargs)
    assert code in codes(exc.value)
    assert Registration.objects.count() == 0 and OutboundEmail.objects.count() == 0


def test_party_above_seats_left_offers_waitlist(session: Session) -> None:
    register(session, party=8)
    with pytest.raises(services.NotEnoughSeats) as exc:
        register(session, party=3)
    assert exc.value.seats_left == 2
    assert Registration.objects.count() == 1


def test_repeated_submission_creates_nothing_new(session: Session) -> None:
    first = register(session, party=2, email="visitor@example.com")
    again = services.registration_create(
        session_id=session.pk,
        name="Другое имя",
        email="VISITOR@example.com ",
        phone="+74951234567",
        party_size=5,
        consent=True,
    )
    assert not again.created and again.registration.pk == first.pk
    assert Registration.objects.count() == 1 and selectors.seats_left(session) == 8
    assert OutboundEmail.objects.filter(idempotency_key__startswith=f"tours:confirm:{first.pk}").count() == 2
    confirm(first)
    third = register(session, email="visitor@example.com")
    assert third.pk == first.pk
    assert OutboundEmail.objects.filter(idempotency_key__startswith=f"tours:ticket:{first.pk}").count() == 2


# --- the clock ------------------------------------------------------------------------------------


def test_lead_time_boundary_in_moscow(db: Any) -> None:
    starts = datetime(2026, 12, 10, 11, 0, tzinfo=MSK)
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=MSK), tick=False):
        session = make_session(starts_at=starts)
    assert rules.registration_closes_at(session.starts_at) == datetime(2026, 12, 7, 0, 0, tzinfo=MSK)
    with time_machine.travel(datetime(2026, 12, 6, 23, 59, 59, tzinfo=MSK), tick=False):
        assert register(session).state == Registration.State.HELD
    with time_machine.travel(datetime(2026, 12, 7, 0, 0, 0, tzinfo=MSK), tick=False):
        with translation.override("ru"), pytest.raises(ValidationError) as exc:
            register(session)
        assert exc.value.code == "closed"
        assert exc.value.messages == ["Запись закрылась 7 декабря 2026 в 00:00."]
    # Near UTC midnight the Moscow date is what counts (21:00 UTC is already 00:00 in Moscow).
    with (
        time_machine.travel(datetime(2026, 12, 6, 21, 0, 0, tzinfo=ZoneInfo("UTC")), tick=False),
        pytest.raises(ValidationError),
    ):
        register(session)


def test_cancelled_session_and_started_session_are_refused(session: Session) -> None:
    org_user = host_user(session.tour.host)
    services.session_cancel(actor=org_user, session_id=session.pk)
    with pytest.raises(ValidationError) as exc:
        register(session)
    assert exc.value.code == "session_cancelled"
    past = make_session(days=-1)
    with pytest.raises(ValidationError) as exc:
        register(past)
    assert exc.value.code == "session_started"


def test_season_not_yet_open(db: Any) -> None:
    from mosprom.tours.models import Season

    today = timezone.localdate()
    season = Season.objects.create(
        name="Лето",
        slug="summer",
        starts_on=today,
        ends_on=today + timedelta(days=90),
        registration_opens_on=today + timedelta(days=2),
    )
    with pytest.raises(ValidationError) as exc:
        register(make_session(make_tour(season=season)))
    assert exc.value.code == "not_yet_open"


def test_hold_expires_and_frees_seats(session: Session) -> None:
    r = register(session, party=10)
    assert selectors.seats_left(session) == 0
    later = timezone.now() + timedelta(minutes=61)
    assert selectors.seats_left(session, now=later) == 10  # availability ignores expired holds at once
    with pytest.raises(ValidationError) as exc:
        confirm(r, now=later)
    assert exc.value.code == "hold_expired"
    r.refresh_from_db()
    assert r.state == Registration.State.EXPIRED
    # The periodic task marks the others.
    other = register(make_session(), party=1)
    assert services.holds_expire(now=timezone.now() + timedelta(hours=2)) == 1
    other.refresh_from_db()
    assert other.state == Registration.State.EXPIRED


def test_links_forged_or_for_another_purpose_are_refused(session: Session) -> None:
    r = register(session)
    good = tickets.sign_for("confirm", r)
    for bad in [good[:-2] + "xx", tickets.sign_for("ticket", r), "nonsense"]:
        with pytest.raises(ValidationError) as exc:
            services.registration_confirm(signed=bad)
        assert exc.value.code == "bad_link"
    with pytest.raises(ValidationError):
        services.registration_cancel(signed=tickets.sign_for("confirm", r))


# --- cancel and the waitlist ----------------------------------------------------------------------


def test_cancel_returns_seats_until_start(session: Session) -> None:
    r = confirm(register(session, party=4))
    assert selectors.seats_left(session) == 6
    services.registration_cancel(signed=tickets.sign_for("cancel", r))
    assert selectors.seats_left(session) == 10
    with pytest.raises(ValidationError) as exc:
        services.registration_cancel(signed=tickets.sign_for("cancel", r))
    assert exc.value.code == "already_cancelled"
    r2 = confirm(register(session))
    with pytest.raises(ValidationError) as exc:
        services.registration_cancel(signed=tickets.sign_for("cancel", r2), now=session.starts_at)
    assert exc.value.code == "session_started"


def test_waitlist_respects_order_and_party_size(db: Any) -> None:
    session = make_session(capacity=4)
    a = confirm(register(session, party=2))
    b = confirm(register(session, party=2))
    w_big = join(session, 3, "big@example.com")
    w_one = join(session, 1, "one@example.com")
    w_two = join(session, 2, "two@example.com")
    assert [w.position for w in (w_big, w_one, w_two)] == [1, 2, 3]
    assert all(w.state == WaitlistEntry.State.WAITING for w in (w_big, w_one, w_two))
    services.registration_cancel(signed=tickets.sign_for("cancel", a))
    for w in (w_big, w_one, w_two):
        w.refresh_from_db()
    # 2 seats free: the head (3) does not fit; the next whose party fits (1) gets the offer; 1 seat stays.
    assert (w_big.state, w_one.state, w_two.state) == ("waiting", "offered", "waiting")
    assert selectors.seats_left(session) == 1
    services.registration_cancel(signed=tickets.sign_for("cancel", b))
    w_big.refresh_from_db()
    assert w_big.state == "offered"  # 3 seats now: the head fits and comes first
    assert selectors.seats_left(session) == 0
    reg = services.offer_accept(signed=tickets.sign_for("offer", w_big))
    assert reg.state == Registration.State.CONFIRMED and reg.from_waitlist and reg.party_size == 3
    assert OutboundEmail.objects.filter(idempotency_key=f"tours:ticket:{reg.pk}").exists()
    assert selectors.seats_left(session) == 0


def test_offer_expires_and_passes_to_next(db: Any) -> None:
    session = make_session(capacity=2)
    r = confirm(register(session, party=2))
    first = join(session, 2, "first@example.com")
    second = join(session, 2, "second@example.com")
    services.registration_cancel(signed=tickets.sign_for("cancel", r))
    first.refresh_from_db()
    assert first.state == "offered"
    later = timezone.now() + timedelta(minutes=121)
    assert services.offers_expire(now=later) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == "expired" and second.state == "offered"
    with pytest.raises(ValidationError) as exc:
        services.offer_accept(signed=tickets.sign_for("offer", first), now=later)
    assert exc.value.code == "offer_expired"


def test_cancelled_waitlist_registration_returns_seats_to_queue(db: Any) -> None:
    session = make_session(capacity=2)
    r = confirm(register(session, party=2))
    w1 = join(session, 2, "w1@example.com")
    w2 = join(session, 2, "w2@example.com")
    services.registration_cancel(signed=tickets.sign_for("cancel", r))
    w1.refresh_from_db()
    from_queue = services.offer_accept(signed=tickets.sign_for("offer", w1))
    services.registration_cancel(signed=tickets.sign_for("cancel", from_queue))
    w2.refresh_from_db()
    assert w2.state == "offered"
    with pytest.raises(services.NotEnoughSeats):
        register(session, party=1)  # the public does not get them


def test_offer_decline_serves_next(db: Any) -> None:
    session = make_session(capacity=1)
    r = confirm(register(session))
    w1 = join(session, 1, "w1@example.com")
    w2 = join(session, 1, "w2@example.com")
    services.registration_cancel(signed=tickets.sign_for("cancel", r))
    services.offer_decline(signed=tickets.sign_for("offer", w1))
    w2.refresh_from_db()
    assert w2.state == "offered"


def test_joining_twice_keeps_one_entry(session: Session) -> None:
    register(session, party=10)
    e1 = join(session, 2, "same@example.com")
    e2 = join(session, 3, "SAME@example.com")
    assert e1.pk == e2.pk and WaitlistEntry.objects.count() == 1
    registered = Registration.objects.get(session=session)
    with pytest.raises(ValidationError) as exc:
        join(session, 1, registered.email)
    assert exc.value.code == "duplicate"


# --- capacity -------------------------------------------------------------------------------------


def test_capacity_below_booked_is_refused_and_raise_serves_waitlist(db: Any) -> None:
    session = make_session(capacity=4)
    confirm(register(session, party=3))
    with pytest.raises(ValidationError) as exc:
        services.session_update(actor=None, session_id=session.pk, capacity=2)
    assert "capacity_below_booked" in codes(exc.value)
    services.session_update(actor=None, session_id=session.pk, capacity=3)
    w = join(session, 2, "w@example.com")
    assert w.state == "waiting"
    services.session_update(actor=None, session_id=session.pk, capacity=5)
    w.refresh_from_db()
    assert w.state == "offered"


@pytest.mark.django_db(transaction=True)
def test_lock_refuses_outside_transaction() -> None:
    session = make_session()
    with pytest.raises(RuntimeError):
        services.lock_session(session.pk)
    with transaction.atomic():
        assert services.lock_session(session.pk).pk == session.pk


def test_database_constraints_back_the_rules(session: Session) -> None:
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(session=session, name="x", email="x@example.com", party_size=0)
    r = register(session, email="dup@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(session=session, name="x", email="DUP@example.com", state="held")
    assert r.pk


# --- host actions ---------------------------------------------------------------------------------


def test_session_cancel_notifies_everyone(session: Session) -> None:
    r1 = confirm(register(session, party=5))
    r2 = register(session, party=5)
    w = join(session, 1, "w@example.com")
    user = host_user(session.tour.host)
    services.session_cancel(actor=user, session_id=session.pk, reason="Авария")
    for r in (r1, r2):
        r.refresh_from_db()
        assert r.state == Registration.State.CANCELLED
        assert OutboundEmail.objects.filter(idempotency_key=f"tours:session-cancelled:{r.pk}").exists()
    assert OutboundEmail.objects.filter(idempotency_key=f"tours:session-cancelled:w{w.pk}").exists()
    other = host_user(make_org())
    with pytest.raises(PermissionDenied):
        services.session_cancel(actor=other, session_id=make_session().pk)


def test_check_in_own_host_only_and_on_the_day(db: Any) -> None:
    starts = timezone.now() + timedelta(days=5)
    session = make_session(starts_at=starts)
    r = confirm(register(session, party=2))
    me = host_user(session.tour.host)
    stranger = host_user(make_org())
    with pytest.raises(ValidationError) as exc:
        services.registration_check_in(actor=stranger, code=r.ticket_code)
    assert exc.value.code == "other_host"
    with pytest.raises(ValidationError) as exc:
        services.registration_check_in(actor=me, code=r.ticket_code)
    assert exc.value.code == "wrong_day"
    with pytest.raises(ValidationError) as exc:
        services.registration_check_in(actor=me, code="NOPE")
    assert exc.value.code == "unknown_code"
    done = services.registration_check_in(actor=me, code=r.ticket_code_display.lower(), now=starts)
    assert done.state == Registration.State.CHECKED_IN
    assert services.registration_check_in(actor=me, code=r.ticket_code, now=starts).state == "checked_in"


def test_check_in_refuses_unconfirmed(session: Session) -> None:
    r = register(session)
    with pytest.raises(ValidationError) as exc:
        services.registration_check_in(actor=host_user(session.tour.host), code=r.ticket_code)
    assert exc.value.code == "not_confirmed"


# --- e-mails over time, feedback, personal data ---------------------------------------------------


def test_reminder_day_before_and_feedback_after(db: Any) -> None:
    now = timezone.now()
    tomorrow = timezone.localtime(now, MSK).date() + timedelta(days=1)
    with time_machine.travel(now - timedelta(days=10), tick=False):
        session = make_session(starts_at=datetime(tomorrow.year, tomorrow.month, tomorrow.day, 12, tzinfo=MSK))
        r = confirm(register(session))
    assert services.reminders_send(now=now) == 1
    assert services.reminders_send(now=now) == 0
    assert OutboundEmail.objects.filter(idempotency_key=f"tours:reminder:{r.pk}").exists()
    after = session.starts_at + timedelta(hours=4)
    services.registration_check_in(actor=host_user(session.tour.host), code=r.ticket_code, now=session.starts_at)
    assert services.feedback_requests_send(now=after) == 1
    assert services.feedback_requests_send(now=after) == 0
    signed = tickets.sign_for("feedback", r)
    with time_machine.travel(after, tick=False):
        with pytest.raises(ValidationError) as exc:
            services.feedback_submit(signed=signed, rating=6)
        assert "rating" in exc.value.error_dict
        services.feedback_submit(signed=signed, rating=5, comment="Отлично")
        with pytest.raises(ValidationError) as exc:
            services.feedback_submit(signed=signed, rating=4)
        assert exc.value.code == "feedback_exists"
    assert Feedback.objects.get().rating == 5


def test_feedback_before_session_refused(session: Session) -> None:
    r = confirm(register(session))
    with pytest.raises(ValidationError) as exc:
        services.feedback_submit(signed=tickets.sign_for("feedback", r), rating=5)
    assert exc.value.code == "too_early"


def test_visitor_data_export_and_erase(session: Session) -> None:
    r = confirm(register(session, email="me@example.com", party=3))
    other = register(make_session(), email="ME@example.com")
    data = selectors.visitor_data_export(registration=r)
    assert {row["email"] for row in data["registrations"]} == {"me@example.com", "ME@example.com"}
    services.visitor_data_erase(registration=r)
    for x in (r, other):
        x.refresh_from_db()
        assert x.name == "" and x.email == "" and x.phone == "" and x.purged_at is not None
        assert x.state == Registration.State.CANCELLED
    assert selectors.seats_left(session) == 10
    with pytest.raises(ValidationError) as exc:
        selectors.registration_for_link(purpose="data", signed=tickets.sign_for("data", r))
    assert exc.value.code == "erased"


def test_purge_after_retention(db: Any) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=200), tick=False):
        old = make_session(days=10)
        r = confirm(register(old))
    fresh = confirm(register(make_session()))
    assert services.registrations_purge() == 1
    r.refresh_from_db()
    fresh.refresh_from_db()
    assert r.email == "" and r.state == Registration.State.CONFIRMED and fresh.email


def test_tasks_are_registered_as_periodic() -> None:
    from mosprom.core.periodic import registered

    names = {p.name for p in registered()}
    assert {"mosprom.tours.tasks.expire_holds", "mosprom.tours.tasks.purge_registrations"} <= names
