"""Property-based: any sequence of register / confirm / expire / cancel / waitlist / accept / capacity
change keeps held + confirmed + offered ≤ capacity and the stored seat tally equal to the rows, and every
waitlist promotion is the first-fit in queue order."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from mosprom.tours import selectors, services, tickets
from mosprom.tours.models import Registration, Session, WaitlistEntry

from .conftest import make_session


class SeatMachine(RuleBasedStateMachine):
    session: Session
    now: datetime

    @initialize(capacity=st.integers(min_value=0, max_value=8))
    def setup(self, capacity: int) -> None:
        self.session = make_session(capacity=capacity, days=20)
        self.now = timezone.now()
        self.emails = 0

    # --- helpers ------------------------------------------------------------------------------

    def _waiting(self) -> list[WaitlistEntry]:
        return list(WaitlistEntry.objects.filter(session=self.session, state="waiting").order_by("position", "id"))

    def _offered_ids(self) -> set[int]:
        return set(WaitlistEntry.objects.filter(session=self.session, state="offered").values_list("pk", flat=True))

    def _step(self, action: Any) -> None:
        """Run one action and check that the new offers are exactly the first-fit over the queue."""
        waiting_before = self._waiting()
        offered_before = self._offered_ids()
        entries_before = set(WaitlistEntry.objects.filter(session=self.session).values_list("pk", flat=True))
        max_reg = Registration.objects.filter(session=self.session).order_by("-pk").values_list("pk", flat=True)
        last_reg = max_reg[0] if max_reg else 0
        action()
        new_offers = WaitlistEntry.objects.filter(session=self.session, state="offered").exclude(pk__in=offered_before)
        new_reg_party = sum(
            Registration.objects.filter(session=self.session, pk__gt=last_reg, from_waitlist=False).values_list(
                "party_size", flat=True
            )
        )
        self.session.refresh_from_db()
        free_at_serve = (
            selectors.seats_left(self.session, now=self.now) + sum(e.party_size for e in new_offers) + new_reg_party
        )
        joined = list(WaitlistEntry.objects.filter(session=self.session).exclude(pk__in=entries_before))
        queue = waiting_before + joined  # an entry that joined in this step is served after the others
        expected: set[int] = set()
        free = free_at_serve
        for entry in queue:
            if entry.party_size <= free:
                expected.add(entry.pk)
                free -= entry.party_size
        assert {e.pk for e in new_offers} == expected

    # --- rules --------------------------------------------------------------------------------

    @rule(party=st.integers(min_value=1, max_value=4), same=st.booleans())
    def register(self, party: int, same: bool) -> None:
        if not same:
            self.emails += 1
        email = f"v{self.emails}@example.com"

        def act() -> None:
            with contextlib.suppress(services.NotEnoughSeats):
                services.registration_create(
                    session_id=self.session.pk,
                    name="V",
                    email=email,
                    phone="+74951234567",
                    party_size=party,
                    consent=True,
                    now=self.now,
                )

        self._step(act)

    @rule(party=st.integers(min_value=1, max_value=4))
    def join_waitlist(self, party: int) -> None:
        self.emails += 1
        email = f"w{self.emails}@example.com"

        def act() -> None:
            services.waitlist_join(
                session_id=self.session.pk,
                name="W",
                email=email,
                phone="+74951234567",
                party_size=party,
                consent=True,
                now=self.now,
            )

        self._step(act)

    @rule(index=st.integers(min_value=0, max_value=20))
    def confirm(self, index: int) -> None:
        held = list(Registration.objects.filter(session=self.session, state="held").order_by("pk"))
        if not held:
            return
        reg = held[index % len(held)]

        def act() -> None:
            with contextlib.suppress(ValidationError):
                services.registration_confirm(signed=tickets.sign_for("confirm", reg), now=self.now)

        self._step(act)

    @rule(index=st.integers(min_value=0, max_value=20))
    def cancel(self, index: int) -> None:
        active = list(Registration.objects.filter(session=self.session, state__in=["held", "confirmed"]).order_by("pk"))
        if not active:
            return
        reg = active[index % len(active)]

        def act() -> None:
            services.registration_cancel(signed=tickets.sign_for("cancel", reg), now=self.now)

        self._step(act)

    @rule(index=st.integers(min_value=0, max_value=20))
    def accept_offer(self, index: int) -> None:
        offered = list(WaitlistEntry.objects.filter(session=self.session, state="offered").order_by("pk"))
        if not offered:
            return
        entry = offered[index % len(offered)]

        def act() -> None:
            with contextlib.suppress(ValidationError):
                services.offer_accept(signed=tickets.sign_for("offer", entry), now=self.now)

        self._step(act)

    @rule(minutes=st.sampled_from([10, 61, 121]))
    def time_passes(self, minutes: int) -> None:
        def act() -> None:
            self.now = self.now + timedelta(minutes=minutes)
            services.holds_expire(now=self.now)
            services.offers_expire(now=self.now)
            services.waitlist_serve(session_id=self.session.pk, now=self.now)

        self._step(act)

    @rule(capacity=st.integers(min_value=0, max_value=12))
    def change_capacity(self, capacity: int) -> None:
        def act() -> None:
            try:
                services.session_update(actor=None, session_id=self.session.pk, capacity=capacity, now=self.now)
            except ValidationError as exc:
                # Refused only below what is booked, or below one seat (rules.validate_schedule).
                assert capacity < max(1, selectors.seats_booked(self.session, now=self.now)), exc

        self._step(act)

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def never_oversold(self) -> None:
        if not hasattr(self, "session"):
            return
        self.session.refresh_from_db()
        assert selectors.seats_booked(self.session, now=self.now) <= self.session.capacity

    @invariant()
    def tally_equals_the_rows(self) -> None:
        """The stored seat tally is the seats the rows take, after every step (lapsed holds and offers included
        until they are marked expired)."""
        if not hasattr(self, "session"):
            return
        regs = Registration.objects.filter(session=self.session, state__in=["held", "confirmed", "checked_in"])
        offers = WaitlistEntry.objects.filter(session=self.session, state="offered")
        rows = sum(regs.values_list("party_size", flat=True)) + sum(offers.values_list("party_size", flat=True))
        assert Session.objects.get(pk=self.session.pk).seats_taken == rows

    @invariant()
    def no_fitting_entry_left_waiting(self) -> None:
        if not hasattr(self, "session"):
            return
        free = selectors.seats_left(self.session, now=self.now)
        assert all(e.party_size > free for e in self._waiting())


@pytest.mark.django_db
def test_seat_accounting_state_machine() -> None:
    run_state_machine_as_test(
        SeatMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
