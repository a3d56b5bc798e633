"""Abuse limits where they matter: tour registrations and waitlist joins (pages and API)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from mosprom.core import limits
from mosprom.tours.models import Registration, Session, WaitlistEntry
from tests.tours.conftest import make_session, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits_on(settings: Any, monkeypatch: Any) -> Any:
    monkeypatch.setattr(limits, "_now", lambda: 1_000_020.0)  # no window rolls mid-test
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        "registration": {"address": "5/h", "email": "3/h"},
        "waitlist": {"address": "2/h", "email": "2/h"},
    }
    settings.RATE_LIMITS_SEATS_HELD_PER_EMAIL = 30
    settings.RATE_LIMITS_SEATS_HELD_PER_ADDRESS = 60
    settings.RATE_LIMITS_RESEND_MINUTES = 10
    return settings


def _api(client: Client, session: Session, email: str, party: int = 1, address: str = "203.0.113.5") -> Any:
    payload = {"name": "Анна", "email": email, "phone": "+7 495 123-45-67", "party_size": party, "consent": True}
    return client.post(
        f"/api/v1/tour-sessions/{session.pk}/registrations",
        json.dumps(payload),
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def _form(session: Session, **kw: Any) -> dict[str, Any]:
    data = {
        "session": session.pk,
        "name": "Анна Иванова",
        "email": "anna@example.com",
        "phone": "+7 495 123-45-67",
        "party_size": "1",
        "consent": "on",
    }
    data.update(kw)
    return data


def test_api_registrations_from_one_address_are_throttled(limits_on: Any, client: Client) -> None:
    session = make_session(capacity=100)
    codes = [_api(client, session, f"v{i}@example.com").status_code for i in range(8)]
    assert codes == [201] * 5 + [429] * 3
    refused = _api(client, session, "v9@example.com")
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) == refused.json()["details"]["retry_after"]
    assert Registration.objects.count() == 5
    # Another address is not affected.
    assert _api(client, session, "other@example.com", address="198.51.100.1").status_code == 201


def test_same_email_posted_30_times_gets_at_most_two_mails(limits_on: Any, client: Client) -> None:
    limits_on.RATE_LIMITS = {"registration": {}}
    session = make_session(capacity=100)
    statuses = [_api(client, session, "owner@example.com").status_code for _ in range(30)]
    assert statuses == [201] + [200] * 29
    to_owner = [m for m in mail.outbox if m.to == ["owner@example.com"]]
    assert len(to_owner) == 2  # the confirmation, and one re-send in RATE_LIMITS_RESEND_MINUTES
    assert Registration.objects.get().resends == 1


def test_seats_held_per_address_per_session(limits_on: Any, client: Client) -> None:
    limits_on.RATE_LIMITS = {"registration": {}}
    limits_on.RATE_LIMITS_SEATS_HELD_PER_ADDRESS = 5
    session = make_session(capacity=50)
    assert _api(client, session, "a@example.com", party=2).status_code == 201
    assert _api(client, session, "b@example.com", party=3).status_code == 201
    refused = _api(client, session, "c@example.com", party=1)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert _api(client, session, "c@example.com", party=1, address="198.51.100.2").status_code == 201
    other_session = make_session(capacity=50)
    assert _api(client, other_session, "d@example.com", party=2).status_code == 201


def test_seats_held_per_email_per_session(limits_on: Any, client: Client) -> None:
    limits_on.RATE_LIMITS = {"registration": {}}
    limits_on.RATE_LIMITS_SEATS_HELD_PER_EMAIL = 3
    session = make_session(capacity=50)
    assert _api(client, session, "a@example.com", party=4, address="198.51.100.3").status_code == 429
    assert _api(client, session, "a@example.com", party=3, address="198.51.100.3").status_code == 201


def test_page_registrations_are_throttled_with_the_429_page(limits_on: Any, client: Client) -> None:
    session = make_session(capacity=100)
    url = session.tour.get_absolute_url()
    for i in range(5):
        assert client.post(url, _form(session, email=f"p{i}@example.com")).status_code == 302
    response = client.post(url, _form(session, email="p9@example.com"))
    assert response.status_code == 429
    assert "429.html" in [t.name for t in response.templates]
    assert response["Retry-After"].isdigit()
    assert Registration.objects.count() == 5


def test_honeypot_filled_refuses_and_keeps_the_input(limits_on: Any, client: Client) -> None:
    session = make_session(capacity=10)
    url = session.tour.get_absolute_url()
    page = client.get(url).content.decode()
    assert 'name="website"' in page and 'class="hp-field"' in page
    response = client.post(url, _form(session, website="http://spam.example"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'value="Анна Иванова"' in response.content.decode()
    assert Registration.objects.count() == 0
    assert client.post(url, _form(session, website="")).status_code == 302


def test_waitlist_joins_are_throttled(limits_on: Any, client: Client) -> None:
    session = make_session(capacity=1)
    register(session, party=1)
    url = session.tour.get_absolute_url()
    statuses = [
        client.post(url, _form(session, email=f"w{i}@example.com", join_waitlist="1")).status_code for i in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert WaitlistEntry.objects.count() == 2


def test_limits_off_for_benchmarks(limits_on: Any, client: Client) -> None:
    limits_on.RATE_LIMITS_ENABLED = False
    session = make_session(capacity=100)
    assert {_api(client, session, f"b{i}@example.com").status_code for i in range(12)} == {201}
