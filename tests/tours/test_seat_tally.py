"""The stored seat tally (`Session.seats_taken`) equals the count over the rows after every transition, and the
seats shown from it equal the seats computed from the rows (holds and offers past their deadline excluded)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from mosprom.tours import selectors, services, tickets
from mosprom.tours.models import Registration, Session, WaitlistEntry

from .conftest import confirm, host_user, make_session, register

pytestmark = pytest.mark.django_db


def counted(session: Session) -> int:
    """Seats taken, counted from the rows by hand (not by the code under test)."""
    regs = Registration.objects.filter(session=session, state__in=["held", "confirmed", "checked_in"])
    offers = WaitlistEntry.objects.filter(session=session, state="offered")
    return (regs.aggregate(s=Sum("party_size"))["s"] or 0) + (offers.aggregate(s=Sum("party_size"))["s"] or 0)


def booked_now(session: Session, now: Any = None) -> int:
    """Seats booked at `now`, from the rows by hand: unexpired holds, confirmed, checked in, unexpired offers."""
    now = now or timezone.now()
    regs = Registration.objects.filter(session=session, state__in=["confirmed", "checked_in"])
    holds = Registration.objects.filter(session=session, state="held", hold_expires_at__gt=now)
    offers = WaitlistEntry.objects.filter(session=session, state="offered", offer_expires_at__gt=now)
    return sum((qs.aggregate(s=Sum("party_size"))["s"] or 0) for qs in (regs, holds, offers))


def assert_tally(session: Session, expected: int, now: Any = None) -> None:
    stored = Session.objects.get(pk=session.pk).seats_taken
    assert stored == counted(session) == selectors.seats_taken_recount(session.pk) == expected
    annotated = selectors.with_seats(Session.objects.filter(pk=session.pk), now=now).get()
    assert selectors.seats_booked(session, now=now) == annotated.booked == booked_now(session, now)  # type: ignore[attr-defined]


def join(session: Session, party: int, email: str, now: Any = None) -> WaitlistEntry:
    return services.waitlist_join(
        session_id=session.pk, name="Ждущий", email=email, phone="+74951234567", party_size=party, consent=True, now=now
    )


def test_hold_confirm_check_in_cancel(db: Any) -> None:
    session = make_session(capacity=10)
    assert_tally(session, 0)
    held = register(session, party=3)
    assert_tally(session, 3)
    confirmed = confirm(held)
    assert_tally(session, 3)  # a confirmation keeps the seats it held
    other = confirm(register(session, party=2))
    assert_tally(session, 5)
    services.registration_cancel(signed=tickets.sign_for("cancel", other))
    assert_tally(session, 3)
    # check-in at the door, on the session's day
    host = host_user(session.tour.host)
    services.registration_check_in(actor=host, code=confirmed.ticket_code, now=session.starts_at - timedelta(minutes=1))
    assert Registration.objects.get(pk=confirmed.pk).state == Registration.State.CHECKED_IN
    assert_tally(session, 3)


def test_expiry_by_the_task_by_the_link_and_by_registering_again(db: Any) -> None:
    session = make_session(capacity=10)
    a = register(session, party=2, email="a@example.com")
    b = register(session, party=3, email="b@example.com")
    assert_tally(session, 5)
    later = timezone.now() + timedelta(minutes=61)
    # past their deadline the holds still count in the tally but not in the seats booked
    assert_tally(session, 5, now=later)
    assert selectors.seats_booked(session, now=later) == 0
    outcome = services.registration_create(
        session_id=session.pk,
        name="B",
        email="b@example.com",
        phone="+74951234567",
        party_size=1,
        consent=True,
        now=later,
    )
    assert outcome.created  # the lapsed hold of the same e-mail was marked expired, a new one taken
    assert Registration.objects.get(pk=b.pk).state == Registration.State.EXPIRED
    assert_tally(session, 2 + 1, now=later)
    with pytest.raises(ValidationError):  # the link of a lapsed hold is refused and its seats are given back
        confirm(a, now=later)
    assert Registration.objects.get(pk=a.pk).state == Registration.State.EXPIRED
    assert_tally(session, 1, now=later)
    c = register(session, party=4, email="c@example.com")
    assert_tally(session, 5)
    much_later = timezone.now() + timedelta(hours=3)
    assert services.holds_expire(now=much_later) == 2  # the periodic task: c and the new hold of b
    c.refresh_from_db()
    assert c.state == Registration.State.EXPIRED
    assert_tally(session, 0, now=much_later)


def test_waitlist_offer_accept_decline_and_expiry(db: Any) -> None:
    session = make_session(capacity=4)
    first = confirm(register(session, party=4))
    w1 = join(session, 2, "w1@example.com")
    w2 = join(session, 2, "w2@example.com")
    w3 = join(session, 2, "w3@example.com")
    assert_tally(session, 4)  # waiting entries take no seat
    services.registration_cancel(signed=tickets.sign_for("cancel", first))
    w1.refresh_from_db()
    w2.refresh_from_db()
    assert w1.state == w2.state == WaitlistEntry.State.OFFERED
    assert_tally(session, 4)  # the 4 seats given back went to two offers
    services.offer_accept(signed=tickets.sign_for("offer", w1))
    assert_tally(session, 4)  # an accepted offer becomes a booking of the same seats
    services.offer_decline(signed=tickets.sign_for("offer", w2))
    w3.refresh_from_db()
    assert w3.state == WaitlistEntry.State.OFFERED  # the declined seats passed on
    assert_tally(session, 4)
    later = timezone.now() + timedelta(days=2)
    assert_tally(session, 4, now=later)
    assert services.offers_expire(now=later) == 1
    assert_tally(session, 2, now=later)
    w4 = join(session, 1, "w4@example.com", now=later)
    assert w4.state == WaitlistEntry.State.OFFERED  # seats were free: offered at once
    assert_tally(session, 3, now=later)
    services.waitlist_entry_cancel(entry_id=w4.pk, actor=None, now=later)
    assert_tally(session, 2, now=later)


def test_capacity_change_session_cancel_and_erasure(db: Any) -> None:
    session = make_session(capacity=6)
    host = host_user(session.tour.host)
    reg = confirm(register(session, party=3, email="erase@example.com"))
    lapsing = register(session, party=2)
    Registration.objects.filter(pk=lapsing.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert_tally(session, 5)
    # lowering the capacity to what is really booked releases the lapsed hold first
    services.session_update(actor=host, session_id=session.pk, capacity=3)
    assert Session.objects.get(pk=session.pk).capacity == 3
    assert_tally(session, 3)
    services.session_update(actor=host, session_id=session.pk, capacity=8)
    assert_tally(session, 3)
    # the same visitor holds an offer on another session: erasing their data gives both back
    other = make_session(capacity=2, tour=session.tour)
    confirm(register(other, party=2))
    entry = join(other, 2, "erase@example.com")
    waiting = join(other, 2, "next@example.com")
    services.session_update(actor=host, session_id=other.pk, capacity=4)
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.OFFERED
    assert_tally(other, 4)
    services.visitor_data_erase(registration=reg)
    assert_tally(session, 0)
    waiting.refresh_from_db()
    assert waiting.state == WaitlistEntry.State.OFFERED  # the erased offer passed to the next in the queue
    assert_tally(other, 4)
    confirm(register(session, party=5))
    services.session_cancel(actor=host, session_id=session.pk, reason="ремонт")
    assert_tally(session, 0)


def test_a_full_session_with_a_lapsed_hold_gives_its_seats_to_the_waitlist_first(db: Any) -> None:
    session = make_session(capacity=3)
    stale = register(session, party=3)
    waiting = join(session, 2, "w@example.com")
    assert waiting.state == WaitlistEntry.State.WAITING
    Registration.objects.filter(pk=stale.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    outcome = services.registration_create(
        session_id=session.pk, name="N", email="n@example.com", phone="+74951234567", party_size=1, consent=True
    )
    waiting.refresh_from_db()
    stale.refresh_from_db()
    assert stale.state == Registration.State.EXPIRED
    assert waiting.state == WaitlistEntry.State.OFFERED  # the queue first…
    assert outcome.created  # …then the newcomer, in the seat that was left
    assert_tally(session, 3)
    with pytest.raises(services.NotEnoughSeats):
        services.registration_create(
            session_id=session.pk, name="M", email="m@example.com", phone="+74951234567", party_size=1, consent=True
        )


def test_free_seats_filter_agrees_with_the_seats_left(db: Any) -> None:
    free = make_session(capacity=3)
    register(free, party=1)
    full = make_session(capacity=2)
    register(full, party=2)
    lapsed = make_session(capacity=2)
    stale = register(lapsed, party=2)
    Registration.objects.filter(pk=stale.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    now = timezone.now()
    ids = [free.pk, full.pk, lapsed.pk]
    annotated = {s.pk: s.seats_left for s in selectors.with_seats(Session.objects.filter(pk__in=ids), now=now)}  # type: ignore[attr-defined]
    assert annotated == {free.pk: 2, full.pk: 0, lapsed.pk: 2}
    filtered = set(Session.objects.filter(pk__in=ids).filter(selectors.free_seats_q(now)).values_list("pk", flat=True))
    assert filtered == {pk for pk, left in annotated.items() if left > 0} == {free.pk, lapsed.pk}
    listed = {s.pk for s in selectors.session_list_public(free_only=True, now=now)}
    assert listed == {free.pk, lapsed.pk}
    tours = {t.pk for t in selectors.tour_list_public(free_only=True, now=now)}
    assert tours == {free.tour_id, lapsed.tour_id}


def test_the_database_refuses_a_tally_above_the_capacity(db: Any) -> None:
    session = make_session(capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_taken=3)


def test_recount_for_loaders(db: Any) -> None:
    a = make_session(capacity=5)
    b = make_session(capacity=5)
    for session, party in ((a, 2), (b, 4)):
        Registration.objects.create(
            session=session, name="L", email=f"l{party}@example.com", party_size=party, state="confirmed"
        )
    WaitlistEntry.objects.create(
        session=a, position=1, name="O", email="o@example.com", party_size=1, state="offered",
        offer_expires_at=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip
    assert Session.objects.get(pk=a.pk).seats_taken == 0  # written around the services
    assert services.session_seats_recount() >= 2
    assert_tally(a, 3)
    assert_tally(b, 4)


def test_saving_a_stale_copy_of_a_session_keeps_the_tally(db: Any) -> None:
    session = make_session(capacity=5)
    stale = Session.objects.get(pk=session.pk)
    register(session, party=2)
    stale.cancel_reason = "—"
    stale.save()
    assert_tally(session, 2)
    assert Session.objects.get(pk=session.pk).cancel_reason == "—"
