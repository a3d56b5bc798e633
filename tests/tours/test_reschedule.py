"""Moving a session is a service: refused once registration has closed unless an operator forces it; every holder
and everyone waiting is told the new time with a new .ics (same UID, higher SEQUENCE) and a one-click cancel."""

import base64
from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from icalendar import Calendar

from mosprom.core.errors import Refused
from mosprom.core.models import OutboundEmail
from mosprom.tours import services, tickets
from mosprom.tours.models import Session, WaitlistEntry
from tests.tours.conftest import confirm, host_user, make_session, register

pytestmark = pytest.mark.django_db


def _ics(message: OutboundEmail) -> Calendar:
    attachment = next(a for a in message.attachments if a["filename"] == "tour.ics")
    return Calendar.from_ical(base64.b64decode(attachment["content_b64"]))


def test_a_host_moves_a_session_and_everyone_is_told(operator: Any) -> None:
    session = make_session(days=20, capacity=1)
    holder = confirm(register(session, email="anna@example.com"))
    services.waitlist_join(
        session_id=session.pk, name="Пётр", email="petr@example.com", phone="+74951234567", party_size=1, consent=True
    )
    host = host_user(session.tour.host)
    first_ics = Calendar.from_ical(tickets.ticket_ics(holder)).walk("VEVENT")[0]
    new_time = session.starts_at + timedelta(days=7)

    services.session_reschedule(actor=host, session_id=session.pk, starts_at=new_time)

    session.refresh_from_db()
    assert session.starts_at == new_time and session.rescheduled_from is not None and session.sequence == 1
    to_holder = OutboundEmail.objects.get(idempotency_key=f"tours:rescheduled:{holder.pk}:1")
    to_waiting = OutboundEmail.objects.get(idempotency_key__startswith="tours:rescheduled:w")
    assert to_holder.to == "anna@example.com" and to_waiting.to == "petr@example.com"
    assert "перенёс" in to_holder.body_text or "перенес" in to_holder.body_text
    assert tickets.absolute("tours:cancel", signed="x").split("/x/")[0] in to_holder.body_text  # the cancel link
    event = _ics(to_holder).walk("VEVENT")[0]
    assert str(event["uid"]) == str(first_ics["uid"]) and int(event["sequence"]) == int(first_ics["sequence"]) + 1
    assert event.decoded("dtstart") == new_time.replace(microsecond=0)
    assert LogEntry.objects.filter(additional_data__event="tours.session_rescheduled", actor=host).exists()
    assert WaitlistEntry.objects.get(email="petr@example.com").state == WaitlistEntry.State.WAITING


def test_moving_is_refused_after_registration_closed_unless_an_operator_forces_it(operator: Any) -> None:
    session = make_session(days=2)
    host = host_user(session.tour.host)
    later = session.starts_at + timedelta(days=10)
    with pytest.raises(Refused) as refused:
        services.session_reschedule(actor=host, session_id=session.pk, starts_at=later)
    assert refused.value.code == "reschedule_too_late"
    with pytest.raises(Refused):
        services.session_reschedule(actor=host, session_id=session.pk, starts_at=later, force=True)  # hosts can't force
    services.session_reschedule(actor=operator, session_id=session.pk, starts_at=later, force=True)
    assert Session.objects.get(pk=session.pk).starts_at == later


def test_the_ticket_says_moved_and_the_cabinet_moves(client: Any) -> None:
    session = make_session(days=20)
    holder = confirm(register(session))
    host = host_user(session.tour.host)
    client.force_login(host)
    new_time = timezone.localtime(session.starts_at + timedelta(days=3))
    response = client.post(
        f"/tours/cabinet/sessions/{session.pk}/",
        {"action": "reschedule", "starts_at": new_time.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    ticket = client.get(f"/tours/ticket/{tickets.sign_for('ticket', holder)}/").content.decode()
    assert 'data-testid="rescheduled"' in ticket and "перенесено" in ticket
    too_late = client.post(
        f"/tours/cabinet/sessions/{make_session(days=1, tour=session.tour).pk}/",
        {"action": "reschedule", "starts_at": new_time.strftime("%Y-%m-%dT%H:%M")},
    )
    assert too_late.status_code == 200 and "можно перенести только" in too_late.content.decode()


def test_joining_the_waitlist_writes_the_position_and_a_leave_link(client: Any) -> None:
    session = make_session(days=20, capacity=1)
    confirm(register(session))
    for n, email in enumerate(["first@example.com", "second@example.com"], start=1):
        entry = services.waitlist_join(
            session_id=session.pk, name="Гость", email=email, phone="+74951234567", party_size=1, consent=True
        )
        message = OutboundEmail.objects.get(idempotency_key=f"tours:waitlisted:{entry.pk}")
        assert f"Ваше место в очереди: {n}." in message.body_text
        assert "/tours/offer/" in message.body_text  # the link to leave
        assert "группы" not in message.body_text  # one person is not told about «your party»
    page = client.get(f"/tours/waitlist/{tickets.sign_for('waitlisted', entry)}/").content.decode()
    assert 'data-testid="waitlist-position"' in page and "Ваше место в очереди: 2." in page
