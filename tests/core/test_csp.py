"""Hardening: a Content-Security-Policy without 'unsafe-inline', pages with nothing inline it would block,
and the login's `next` staying on this site."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.tours.conftest import make_session

pytestmark = pytest.mark.django_db


class InlineFinder(HTMLParser):
    """Collects what a strict CSP blocks: inline scripts, <style> blocks, style="…" and on…="…" attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") not in ("application/json", "text/template"):
            self.problems.append(f"inline <script> ({self.getpos()})")
        if tag == "style":
            self.problems.append(f"<style> block ({self.getpos()})")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f'<{tag} style="{value}">')
            if name.startswith("on"):
                self.problems.append(f'<{tag} {name}="{value}">')
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")


def _inline(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.problems


def _policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_carry_a_strict_policy(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]  # no tile server configured: nothing from outside
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    # The headers already there stay.
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_api_answers_carry_it_and_the_swagger_page_is_left_out(client: Client) -> None:
    assert "Content-Security-Policy" in client.get("/api/v1/tours")
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "Content-Security-Policy" not in docs


@pytest.mark.parametrize("path", ["/", "/tours/", "/accounts/login/", "/analytics/", "/partnerships/"])
def test_public_pages_have_nothing_inline(client: Client, path: str) -> None:
    make_session(capacity=3)
    response = client.get(path)
    assert response.status_code == 200
    assert _inline(response.content.decode()) == []


def test_error_page_has_nothing_inline(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert _inline(response.content.decode()) == []


def test_tour_page_has_nothing_inline(client: Client) -> None:
    session = make_session(capacity=3)
    response = client.get(session.tour.get_absolute_url())
    assert response.status_code == 200
    assert _inline(response.content.decode()) == []


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/tours/tour/",
        "/admin/tours/registration/",
        "/admin/core/outboundemail/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
    ],
)
def test_admin_pages_have_nothing_inline(client: Client, path: str) -> None:
    admin = get_user_model().objects.create_superuser(username="root", password="root-pass-2026")
    client.force_login(admin)
    response = client.get(path)
    assert response.status_code == 200
    assert _inline(response.content.decode()) == []


@pytest.mark.parametrize("target", ["http://evil.example/", "//evil.example/", "https:evil.example"])
def test_login_next_stays_local(client: Client, target: str) -> None:
    get_user_model().objects.create_user(username="anna", password="correct-horse-2026")
    response = client.post(
        f"/accounts/login/?next={target}", {"username": "anna", "password": "correct-horse-2026", "next": target}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"].startswith("/")


def _routes(patterns: Any, prefix: str = "") -> Any:
    from django.urls import URLPattern, URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_every_page_without_parameters_has_nothing_inline(client: Client) -> None:
    """Every route of the resolver that takes no parameter, as a superuser: nothing the policy would block."""
    from django.urls import get_resolver

    make_session(capacity=3)
    client.force_login(get_user_model().objects.create_superuser(username="root", password="root-pass-2026"))
    checked, problems = 0, {}
    for route in _routes(get_resolver().url_patterns):
        if "<" in route or "(?P" in route or route.startswith("^") or route.startswith("api/"):
            continue
        response = client.get("/" + route)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            checked += 1
            found = _inline(response.content.decode())
            if found:
                problems[route] = found[:3]
    assert checked >= 20
    assert problems == {}
