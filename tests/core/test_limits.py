"""Abuse limits: cache counters (core.limits), the 429 page and JSON, and django-axes on both login pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from mosprom.core import limits
from mosprom.core.limits import Rate, RateLimited

RATES = {"registration": {"address": "3/m", "email": "2/m"}, "waitlist": {"address": "3/m"}}


@pytest.fixture
def limits_on(settings: Any, monkeypatch: Any) -> Any:
    monkeypatch.setattr(limits, "_now", lambda: 1_000_020.0)  # 20 s into a minute: no window rolls mid-test
    settings.RATE_LIMITS_ENABLED = True
    settings.AXES_ENABLED = True
    settings.RATE_LIMITS = RATES
    return settings


def _request(address: str = "203.0.113.7") -> Any:
    return RequestFactory().post("/x", REMOTE_ADDR=address)


def test_rate_parse() -> None:
    assert Rate.parse("5/m") == Rate(5, 60)
    assert Rate.parse("20/h") == Rate(20, 3600)
    assert Rate.parse("3/10m") == Rate(3, 600)
    assert Rate.parse(" 100 / d ") == Rate(100, 86400)
    for bad in ("5", "x/m", "5/y", "", "-1/m"):
        with pytest.raises(ValueError, match="bad rate"):
            Rate.parse(bad)


def test_hit_refuses_beyond_the_rate_and_says_when_to_retry(limits_on: Any) -> None:
    for _ in range(3):
        limits.hit("scope", "key", "3/m", now=120.0)
    with pytest.raises(RateLimited) as refused:
        limits.hit("scope", "key", "3/m", now=130.0)
    assert refused.value.status == 429
    assert refused.value.code == "rate_limited"
    assert refused.value.retry_after == 50
    assert refused.value.details == {"retry_after": 50}
    limits.hit("scope", "other key", "3/m", now=130.0)  # another key has its own count
    limits.hit("scope", "key", "3/m", now=180.0)  # the next window starts afresh


def test_everything_is_off_with_one_setting(limits_on: Any) -> None:
    limits_on.RATE_LIMITS_ENABLED = False
    for _ in range(10):
        limits.hit("scope", "key", "1/m")
        limits.throttle(_request(), "registration", email="a@example.com")
        limits.check_held_seats(_request(), session_id=1, email="a@example.com", seats=1000)
        assert limits.once_per("resend:1", seconds=600) is True


def test_throttle_per_address_and_per_email(limits_on: Any) -> None:
    limits.throttle(_request("203.0.113.1"), "registration", email="anna@example.com")
    limits.throttle(_request("203.0.113.2"), "registration", email="ANNA@example.com ")
    with pytest.raises(RateLimited):  # the same e-mail from a third address: per e-mail, case-insensitive
        limits.throttle(_request("203.0.113.3"), "registration", email="anna@example.com")
    limits.throttle(_request("203.0.113.9"), "registration", email="b1@example.com")
    limits.throttle(_request("203.0.113.9"), "registration", email="b2@example.com")
    limits.throttle(_request("203.0.113.9"), "registration", email="b3@example.com")
    with pytest.raises(RateLimited):  # the fourth from one address, whatever the e-mail
        limits.throttle(_request("203.0.113.9"), "registration", email="b4@example.com")
    limits.throttle(_request("203.0.113.9"), "unknown action", email="b4@example.com")  # no rates: no limit


def test_seats_held_per_email_and_per_address(limits_on: Any) -> None:
    limits_on.RATE_LIMITS_SEATS_HELD_PER_EMAIL = 4
    limits_on.RATE_LIMITS_SEATS_HELD_PER_ADDRESS = 6
    request = _request("198.51.100.5")
    limits.check_held_seats(request, session_id=7, email="a@example.com", seats=4)
    limits.add_held_seats(request, session_id=7, email="a@example.com", seats=4)
    with pytest.raises(RateLimited) as refused:
        limits.check_held_seats(request, session_id=7, email="a@example.com", seats=1)
    assert refused.value.code == "rate_limited"
    assert refused.value.retry_after == limits_on.TOURS_HOLD_MINUTES * 60
    limits.check_held_seats(request, session_id=8, email="a@example.com", seats=4)  # another session
    limits.check_held_seats(request, session_id=7, email="b@example.com", seats=2)
    limits.add_held_seats(request, session_id=7, email="b@example.com", seats=2)
    with pytest.raises(RateLimited):  # 6 held from this address already
        limits.check_held_seats(request, session_id=7, email="c@example.com", seats=1)
    limits.check_held_seats(_request("198.51.100.6"), session_id=7, email="c@example.com", seats=1)


def test_once_per_window(limits_on: Any) -> None:
    assert limits.once_per("resend:42", seconds=600) is True
    assert limits.once_per("resend:42", seconds=600) is False
    assert limits.once_per("resend:43", seconds=600) is True


def test_honeypot() -> None:
    assert limits.honeypot_filled({"website": "http://spam.example"}) is True
    assert limits.honeypot_filled({"website": "  "}) is False
    assert limits.honeypot_filled({}) is False


def test_cache_keys_hold_no_personal_data(limits_on: Any) -> None:
    from django.core.cache import cache

    limits.throttle(_request("203.0.113.77"), "registration", email="secret.person@example.com")
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys
    assert not any("secret" in k or "203.0.113.77" in k for k in keys)


@pytest.mark.urls("tests.core.limits_urls")
def test_page_answers_the_translated_429_page(limits_on: Any, client: Client) -> None:
    for _ in range(3):
        assert client.get("/test-limited/").status_code == 200
    response = client.get("/test-limited/")
    assert response.status_code == 429
    assert response["Retry-After"].isdigit()
    assert int(response["Retry-After"]) >= 1
    assert "429.html" in [t.name for t in response.templates]
    text = response.content.decode()
    with translation.override("ru"):  # Russian once the project catalogue has the strings
        assert gettext("Too many requests") in text
        assert gettext("Too many attempts. Please try again in %(minutes)s min.") % {"minutes": 1} in text
    assert "Слишком много запросов" in text  # Russian first


@pytest.mark.urls("tests.core.limits_urls")
def test_api_answers_429_json_with_a_code(limits_on: Any, client: Client) -> None:
    for _ in range(2):
        assert client.post("/api/test/limited?email=x@example.com").status_code == 200
    response = client.post("/api/test/limited?email=x@example.com")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    with translation.override("ru"):
        assert body["message"] == gettext("Too many attempts. Please try again in %(minutes)s min.") % {"minutes": 1}
    assert body["details"]["retry_after"] >= 1
    assert response["Retry-After"] == str(body["details"]["retry_after"])


# --- logins: django-axes ---------------------------------------------------------------------------------------


@pytest.fixture
def anna(db: Any) -> Any:
    return get_user_model().objects.create_user(username="anna", password="correct-horse-2026", is_staff=True)


def _login(client: Client, url: str, username: str, password: str, address: str = "192.0.2.10") -> Any:
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_login_locks_the_account_after_n_failures_even_with_the_right_password(
    limits_on: Any, anna: Any, client: Client, url: str
) -> None:
    limits_on.AXES_FAILURE_LIMIT = 5
    for i in range(4):
        assert _login(client, url, "anna", f"wrong-{i}").status_code == 200  # the form again, with its error
    locked = _login(client, url, "anna", "wrong-5")
    assert locked.status_code == 429
    right = _login(client, url, "anna", "correct-horse-2026", address="192.0.2.99")  # per account: any address
    assert right.status_code == 429
    assert "lockout.html" in [t.name for t in right.templates]
    text = right.content.decode()
    with translation.override("ru"):
        assert gettext("Login temporarily blocked") in text
    assert "Вход временно заблокирован" in text
    assert "15" in text
    assert right["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_login_locks_an_address_trying_many_accounts(limits_on: Any, anna: Any, client: Client) -> None:
    limits_on.AXES_FAILURE_LIMIT = 3
    for name in ("boris", "vera", "gleb"):
        _login(client, "/accounts/login/", name, "guess", address="192.0.2.50")
    response = _login(client, "/accounts/login/", "anna", "correct-horse-2026", address="192.0.2.50")
    assert response.status_code == 429
    ok = _login(Client(), "/accounts/login/", "anna", "correct-horse-2026", address="192.0.2.51")
    assert ok.status_code == 302


def test_successful_login_resets_the_count(limits_on: Any, anna: Any, client: Client) -> None:
    limits_on.AXES_FAILURE_LIMIT = 3
    _login(client, "/accounts/login/", "anna", "wrong")
    _login(client, "/accounts/login/", "anna", "wrong")
    assert _login(client, "/accounts/login/", "anna", "correct-horse-2026").status_code == 302
    client.logout()
    _login(client, "/accounts/login/", "anna", "wrong")
    _login(client, "/accounts/login/", "anna", "wrong")
    assert _login(client, "/accounts/login/", "anna", "correct-horse-2026").status_code == 302


def test_axes_off_with_the_switch(limits_on: Any, anna: Any, client: Client) -> None:
    limits_on.AXES_ENABLED = False
    limits_on.AXES_FAILURE_LIMIT = 2
    for _ in range(5):
        _login(client, "/accounts/login/", "anna", "wrong")
    assert _login(client, "/accounts/login/", "anna", "correct-horse-2026").status_code == 302
