"""The back-office writes only through services, and every change leaves an audit entry with the operator."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from auditlog.models import LogEntry
from django.utils import timezone

from mosprom.tours import rules, services
from mosprom.tours.models import Feedback, Registration, Session, WaitlistEntry

from .conftest import confirm, host_user, make_session, register

pytestmark = pytest.mark.django_db


def _named(session: Session, action: str) -> list[LogEntry]:
    return [
        e
        for e in LogEntry.objects.get_for_object(session)
        if (e.additional_data or {}).get("event") == f"tours.{action}"
    ]


def _no_personal_data(entry: LogEntry, *values: str) -> None:
    dumped = json.dumps([entry.changes, entry.additional_data, entry.object_repr, entry.changes_text])
    for value in values:
        assert value not in dumped


def _session_form(session: Session, capacity: int) -> dict[str, Any]:
    starts = timezone.localtime(session.starts_at)
    return {
        "tour": session.tour.pk,
        "starts_at_0": starts.strftime("%d.%m.%Y"),
        "starts_at_1": starts.strftime("%H:%M:%S"),
        "capacity": str(capacity),
    }


def test_admin_capacity_change_is_audited_with_the_operator(operator_client: Any, operator: Any) -> None:
    session = make_session(capacity=2)
    reg = confirm(register(session, party=2, email="anna@example.com"))
    url = f"/admin/tours/session/{session.pk}/change/"
    refused = operator_client.post(url, _session_form(session, 1))
    assert refused.status_code == 200 and "Уже занято мест: 2" in refused.content.decode()
    assert _named(session, "capacity_change") == []
    session.refresh_from_db()
    assert session.capacity == 2

    assert operator_client.post(url, _session_form(session, 5)).status_code == 302
    session.refresh_from_db()
    assert session.capacity == 5
    [named] = _named(session, "capacity_change")
    assert named.actor == operator
    assert named.additional_data == {"event": "tours.capacity_change", "before": 2, "after": 5}
    _no_personal_data(named, reg.email, reg.name, reg.phone)
    # The automatic entry of the session row carries the operator too.
    automatic = LogEntry.objects.get_for_object(session).filter(
        action=LogEntry.Action.UPDATE, changes__has_key="capacity"
    )
    assert automatic.exists() and {e.actor for e in automatic} == {operator}


def test_admin_adds_a_session_through_the_service(operator_client: Any, operator: Any) -> None:
    session = make_session()
    tour = session.tour
    data = _session_form(session, 7)
    assert operator_client.post("/admin/tours/session/add/", data).status_code == 302
    added = Session.objects.exclude(pk=session.pk).get()
    assert added.tour == tour and added.capacity == 7
    too_far = {**data, "starts_at_0": "01.01.9999"}
    response = operator_client.post("/admin/tours/session/add/", too_far)
    assert response.status_code == 200 and "не позже" in response.content.decode()
    assert Session.objects.count() == 2


def test_registrations_waitlist_and_feedback_are_read_only(operator_client: Any) -> None:
    session = make_session(capacity=1)
    reg = confirm(register(session))
    entry = services.waitlist_join(
        session_id=session.pk, name="W", email="w@example.com", phone="+74951234567", party_size=1, consent=True
    )
    Feedback.objects.create(registration=reg, rating=5)
    for model, pk in (("registration", reg.pk), ("waitlistentry", entry.pk), ("feedback", reg.feedback.pk)):
        change = f"/admin/tours/{model}/{pk}/change/"
        page = operator_client.get(change)
        assert page.status_code == 200, model
        assert 'name="_save"' not in page.content.decode(), model
        assert operator_client.post(change, {"state": "cancelled", "position": "1"}).status_code == 403, model
        assert operator_client.get(f"/admin/tours/{model}/add/").status_code == 403, model
        assert operator_client.post(f"/admin/tours/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403, model
    reg.refresh_from_db()
    entry.refresh_from_db()
    assert reg.state == Registration.State.CONFIRMED and entry.position == 1


def test_admin_actions_call_the_services_and_are_audited(operator_client: Any, operator: Any) -> None:
    session = make_session(capacity=2)
    reg = confirm(register(session, party=2, email="anna@example.com"))
    entry = services.waitlist_join(
        session_id=session.pk, name="W", email="w@example.com", phone="+74951234567", party_size=1, consent=True
    )
    response = operator_client.post(
        "/admin/tours/registration/", {"action": "cancel_registrations", "_selected_action": [reg.pk]}
    )
    assert response.status_code == 302
    reg.refresh_from_db()
    entry.refresh_from_db()
    assert reg.state == Registration.State.CANCELLED
    assert entry.state == WaitlistEntry.State.OFFERED  # the freed seats went to the waitlist under the lock
    [cancellation] = _named(session, "cancellation")
    assert cancellation.actor == operator and cancellation.additional_data["by"] == "operator"
    _no_personal_data(cancellation, "anna@example.com", reg.name, reg.phone)
    [offer] = _named(session, "waitlist_offer")
    assert offer.actor == operator
    _no_personal_data(offer, "w@example.com")

    response = operator_client.post(
        "/admin/tours/waitlistentry/", {"action": "remove_entries", "_selected_action": [entry.pk]}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.CANCELLED
    assert _named(session, "waitlist_leave")[0].actor == operator


def test_admin_check_in_action_on_the_day(operator_client: Any, operator: Any) -> None:
    day = datetime(2027, 3, 10, 12, 0, tzinfo=rules.MOSCOW)
    with time_machine.travel(day - timedelta(days=10), tick=False):
        session = make_session(starts_at=day)
        reg = confirm(register(session))
    with time_machine.travel(day - timedelta(hours=2), tick=False):
        operator_client.force_login(operator)  # a session that has not expired at the travelled time
        response = operator_client.post(
            "/admin/tours/registration/", {"action": "check_in_registrations", "_selected_action": [reg.pk]}
        )
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.state == Registration.State.CHECKED_IN
    [check_in] = _named(session, "check_in")
    assert check_in.actor == operator and check_in.additional_data["party_size"] == 1


def test_host_actions_are_audited_with_the_host(db: Any) -> None:
    session = make_session(capacity=3)
    host = host_user(session.tour.host)
    services.session_update(actor=host, session_id=session.pk, capacity=4)
    services.session_cancel(actor=host, session_id=session.pk, reason="Авария")
    assert _named(session, "capacity_change")[0].actor == host
    assert _named(session, "session_cancellation")[0].actor == host


def test_admin_tour_edit_goes_through_the_service(operator_client: Any, operator: Any) -> None:
    from mosprom.tours.models import Audience, Tour

    session = make_session()
    tour = session.tour
    pupils = Audience.objects.create(name="школьники", slug="pupils")
    page = operator_client.get(f"/admin/tours/tour/{tour.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "audiences"}
    data.update(
        {
            "title": "Новый цех",
            "host": tour.host.pk,
            "format": tour.format.pk,
            "audiences": [pupils.pk],
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "1",
            "sessions-MIN_NUM_FORMS": "0",
            "sessions-MAX_NUM_FORMS": "1000",
            "sessions-0-id": str(session.pk),
            "sessions-0-tour": str(tour.pk),
        }
    )
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = operator_client.post(f"/admin/tours/tour/{tour.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    tour = Tour.objects.get(pk=tour.pk)
    assert tour.title == "Новый цех" and list(tour.audiences.all()) == [pupils]
    entry = LogEntry.objects.get_for_object(tour).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == operator and "title" in entry.changes


def test_reference_data_is_written_through_services_with_the_operator(operator_client: Any, operator: Any) -> None:
    from mosprom.tours.models import Audience

    response = operator_client.post(
        "/admin/tours/audience/add/", {"name": "студенты", "name_en": "students", "slug": "students"}
    )
    assert response.status_code == 302, response.content[:500]
    audience = Audience.objects.get(slug="students")
    entry = LogEntry.objects.get_for_object(audience).get(action=LogEntry.Action.CREATE)
    assert entry.actor == operator
