"""Each rule of the tours part has one home (tours/rules.py); every surface asks it and they agree."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mosprom.core.errors import Refused
from mosprom.tours import rules, selectors, services
from mosprom.tours.models import Season, Session, Tour

from .conftest import host_user, make_session, make_tour, register

pytestmark = pytest.mark.django_db
MSK = rules.MOSCOW


def _season(opens_in_days: int) -> Season:
    today = timezone.localdate()
    return Season.objects.create(
        name=f"Сезон {opens_in_days}",
        slug=f"season-{opens_in_days}",
        starts_on=today,
        ends_on=today + timedelta(days=120),
        registration_opens_on=today + timedelta(days=opens_in_days),
    )


def test_season_not_yet_open_agrees_on_catalogue_page_api_and_service(client: Any) -> None:
    """The season bug: registration opens in 30 days. Every surface says «not yet», and says when."""
    tour = make_tour(title="Сезонная экскурсия", season=_season(30))
    session = make_session(tour, days=40, capacity=10)
    opens = (timezone.localdate() + timedelta(days=30)).strftime("%d.%m.%Y")

    state = rules.registration_state(session, now=timezone.now())
    assert isinstance(state, rules.Closed) and state.code == "not_yet_open"

    # Catalogue: the card does not offer seats, and «free only» leaves the tour out.
    catalogue = client.get("/tours/")
    assert catalogue.status_code == 200
    card_text = catalogue.content.decode()
    assert "Сезонная экскурсия" in card_text and "Запись откроется" in card_text
    assert client.get("/tours/", {"free": "on"}).context["page"].paginator.count == 0
    tours = list(selectors.tour_list_public())
    selectors.attach_next_sessions(tours)
    assert tours[0].next_session.is_open is False  # type: ignore[attr-defined]

    # Tour page: no session to choose, the refusal's message beside the date.
    page = client.get(tour.get_absolute_url())
    assert page.status_code == 200
    assert page.context["open_sessions"] == []
    assert "Запись откроется" in page.content.decode()

    # API: registration_open is false with the refusal's code; the free filter leaves it out.
    detail = client.get(f"/api/v1/tours/{tour.slug}").json()
    assert detail["sessions"][0]["registration_open"] is False
    assert detail["sessions"][0]["registration_refusal"] == "not_yet_open"
    assert detail["next_session"] is None
    one = client.get(f"/api/v1/tour-sessions/{session.pk}").json()
    assert one["registration_open"] is False and one["registration_refusal"] == "not_yet_open"
    assert client.get("/api/v1/tour-sessions", {"free": "true"}).json()["count"] == 0
    assert client.get("/api/v1/tours", {"free": "true"}).json()["count"] == 0

    # Service (through the API and directly): refused with the same code.
    payload = {"name": "Анна", "email": "a@example.com", "phone": "+74951234567", "party_size": 1, "consent": True}
    api = client.post(f"/api/v1/tour-sessions/{session.pk}/registrations", payload, content_type="application/json")
    assert api.status_code == 409 and api.json()["code"] == "not_yet_open"
    with pytest.raises(Refused) as exc:
        register(session)
    assert exc.value.code == "not_yet_open" and opens[:2].lstrip("0") in exc.value.message

    # The form, posted anyway: the same refusal, the visitor's input kept.
    form = client.post(
        tour.get_absolute_url(),
        {
            "session": session.pk,
            "name": "Анна",
            "email": "a@example.com",
            "phone": "+74951234567",
            "party_size": "1",
            "consent": "on",
        },
    )
    assert form.status_code == 200 and "Запись откроется" in form.content.decode()
    assert 'value="a@example.com"' in form.content.decode()


def test_season_open_is_open_everywhere(client: Any) -> None:
    tour = make_tour(season=_season(0))
    session = make_session(tour, days=10)
    assert rules.registration_state(session, now=timezone.now()).is_open
    assert client.get(f"/api/v1/tour-sessions/{session.pk}").json()["registration_open"] is True
    assert client.get("/api/v1/tour-sessions", {"free": "true"}).json()["count"] == 1
    register(session)


def test_queryset_form_agrees_with_the_pure_rule() -> None:
    """rules.registration_open_q(now) selects exactly the sessions registration_state(...) calls open."""
    now = timezone.now()
    today = rules.today_moscow(now)
    seasons = [None, _season(-5), _season(0), _season(1), _season(30)]
    sessions: list[Session] = []
    for season, tour_state in itertools.product(seasons, [Tour.State.PUBLISHED, Tour.State.DRAFT]):
        tour = make_tour(season=season, state=tour_state)
        for day in range(-1, 6):
            local_day = today + timedelta(days=day)
            for at in (time(0, 0), time(0, 1), time(12, 0), time(23, 59)):
                starts = datetime.combine(local_day, at, tzinfo=MSK)
                for state in (Session.State.SCHEDULED, Session.State.CANCELLED):
                    sessions.append(Session.objects.create(tour=tour, starts_at=starts, capacity=5, state=state))
    by_query = set(
        Session.objects.filter(pk__in=[s.pk for s in sessions])
        .filter(rules.registration_open_q(now))
        .values_list("pk", flat=True)
    )
    loaded = Session.objects.filter(pk__in=[s.pk for s in sessions]).select_related("tour__season")
    by_rule = {s.pk for s in loaded if rules.registration_state(s, now=now).is_open}
    assert by_rule == by_query
    assert 0 < len(by_rule) < len(sessions)


def test_each_refusal_has_its_code() -> None:
    now = timezone.now()
    assert rules.registration_state(make_session(days=10), now=now).is_open
    assert rules.registration_state(make_session(days=1), now=now).code == "closed"
    assert rules.registration_state(make_session(starts_at=now - timedelta(hours=1)), now=now).code == "session_started"
    cancelled = make_session(days=10, state=Session.State.CANCELLED)
    assert rules.registration_state(cancelled, now=now).code == "session_cancelled"
    draft = make_session(make_tour(state=Tour.State.DRAFT), days=10)
    assert rules.registration_state(draft, now=now).code == "tour_not_published"


def test_session_dates_within_a_sane_window(client: Any, settings: Any) -> None:
    """Hosts cannot schedule sessions in the past or in year 9999; capacity at least one."""
    tour = make_tour()
    host = host_user(tour.host)
    now = timezone.now()
    for starts, code in [
        (now - timedelta(days=1), "starts_in_past"),
        (now + timedelta(days=settings.TOURS_MAX_DAYS_AHEAD + 1), "starts_too_far"),
        (datetime(9999, 1, 1, 10, 0, tzinfo=MSK), "starts_too_far"),
        (datetime(1900, 1, 1, 10, 0, tzinfo=MSK), "starts_in_past"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.session_create(actor=host, tour=tour, starts_at=starts, capacity=10)
        assert exc.value.error_dict["starts_at"][0].code == code
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=host, tour=tour, starts_at=now + timedelta(days=10), capacity=0)
    assert exc.value.error_dict["capacity"][0].code == "capacity"
    assert not Session.objects.exists()
    ok = services.session_create(
        actor=host, tour=tour, starts_at=now + timedelta(days=settings.TOURS_MAX_DAYS_AHEAD - 1), capacity=10
    )
    # Moving a session far away is refused too; its date stays.
    with pytest.raises(ValidationError):
        services.session_update(actor=host, session_id=ok.pk, starts_at=datetime(9999, 1, 1, tzinfo=MSK))
    # The cabinet form shows the refusal beside the field and keeps the input.
    client.force_login(host)
    response = client.post(f"/tours/cabinet/tours/{tour.pk}/", {"starts_at": "9999-01-01T10:00", "capacity": "10"})
    assert response.status_code == 200
    assert "не позже" in response.content.decode() and 'value="9999-01-01T10:00"' in response.content.decode()
    assert Session.objects.count() == 1


def test_visitor_validation_lives_once() -> None:
    with pytest.raises(ValidationError) as exc:
        rules.validate_visitor(
            name=" ", email="x", phone="12", party_size=0, group_name="", group_leader="", consent=False
        )
    assert set(exc.value.error_dict) == {"name", "email", "phone", "party_size", "consent"}
    visitor = rules.validate_visitor(
        name=" Анна ",
        email=" Anna@Example.com ",
        phone="8 (495) 123-45-67",
        party_size=2,
        group_name="",
        group_leader="",
        consent=True,
    )
    assert visitor.phone == "+74951234567" and visitor.email_normalised == "anna@example.com"
