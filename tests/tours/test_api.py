"""The public API of tours and sessions, and registration through the same service."""

from __future__ import annotations

from typing import Any

import pytest

from mosprom.tours.models import Registration

from .conftest import make_session, make_tour, register

pytestmark = pytest.mark.django_db


def test_list_and_detail(client: Any, django_assert_max_num_queries: Any) -> None:
    tour = make_tour(title="Аккумуляторы")
    session = make_session(tour, capacity=5)
    register(session, party=2)
    make_session(make_tour(title="Другая"))
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/tours").json()
    assert body["count"] == 2
    item = next(i for i in body["items"] if i["slug"] == tour.slug)
    assert item["next_session"]["seats_left"] == 3 and item["next_session"]["registration_open"] is True
    assert client.get("/api/v1/tours", {"q": "аккумуляторы"}).json()["count"] == 1
    detail = client.get(f"/api/v1/tours/{tour.slug}").json()
    assert detail["sessions"][0]["id"] == session.pk and detail["sessions"][0]["capacity"] == 5
    missing = client.get("/api/v1/tours/nope")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    sessions = client.get("/api/v1/tour-sessions", {"tour": tour.slug}).json()
    assert sessions["count"] == 1 and sessions["items"][0]["seats_left"] == 3
    assert client.get(f"/api/v1/tour-sessions/{session.pk}").json()["seats_left"] == 3


def test_unknown_and_bad_filters_are_422(client: Any) -> None:
    response = client.get("/api/v1/tours", {"colour": "red"})
    assert response.status_code == 422 and response.json()["code"] == "unknown_filter"
    response = client.get("/api/v1/tour-sessions", {"date_from": "tomorrow"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_register_through_api(client: Any) -> None:
    session = make_session(capacity=3)
    payload = {"name": "Анна", "email": "a@example.com", "phone": "+74951234567", "party_size": 2, "consent": True}
    url = f"/api/v1/tour-sessions/{session.pk}/registrations"
    first = client.post(url, payload, content_type="application/json")
    assert first.status_code == 201 and first.json()["state"] == "held"
    again = client.post(url, payload, content_type="application/json")
    assert again.status_code == 200 and again.json()["created"] is False
    full = client.post(url, {**payload, "email": "b@example.com"}, content_type="application/json")
    assert full.status_code == 409 and full.json()["code"] == "not_enough_seats"
    assert full.json()["details"]["seats_left"] == 1
    bad = client.post(url, {**payload, "email": "x", "consent": False}, content_type="application/json")
    assert bad.status_code == 422 and {d["loc"][0] for d in bad.json()["details"]} == {"email", "consent"}
    extra = client.post(url, {**payload, "email": "c@example.com", "colour": "red"}, content_type="application/json")
    assert extra.status_code == 422 and extra.json()["code"] == "validation_error"  # additionalProperties: false
    blank = client.post(url, {**payload, "email": "c@example.com", "name": "   "}, content_type="application/json")
    assert blank.status_code == 422 and [d["loc"][0] for d in blank.json()["details"]] == ["name"]
    closed = make_session(days=1)
    response = client.post(f"/api/v1/tour-sessions/{closed.pk}/registrations", payload, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "closed"
    assert Registration.objects.count() == 1
