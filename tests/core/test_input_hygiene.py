"""NUL bytes and lone surrogates are refused at the edge (they 500 on PostgreSQL otherwise)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from mosprom.core.api_auth import api_token_create
from mosprom.core.middleware import bad_characters
from mosprom.registry.models import Organisation
from mosprom.tours.models import Registration
from tests.tours.conftest import make_session

pytestmark = pytest.mark.django_db

# Escaped in the JSON text, so json.loads produces the very characters PostgreSQL cannot store.
JSON_PAYLOADS = [
    r'"\u0000"',
    r'"Анна\u0000Иванова"',
    r'"\ud800"',
    r'"x\udfffy"',
    r'"\udc80\ud800"',  # reversed pair: both lone
    r'"ok \ud83d"',  # a high surrogate cut from its pair
]
QUERY_PAYLOADS = ["%00", "abc%00def", "%00%00"]


@pytest.mark.parametrize("text", ["\x00", "a\x00", "\ud800", "x\udfffy", "\udc80"])
def test_bad_characters(text: str) -> None:
    assert bad_characters(text)


@pytest.mark.parametrize("text", ["", "Анна", "😀 emoji (a proper pair)", "tab\tand\nnewline", "ё"])
def test_good_characters(text: str) -> None:
    assert not bad_characters(text)


def _register(client: Client, session_id: int, name_json: str, **extra: Any) -> Any:
    body = (
        '{"name": ' + name_json + ', "email": "anna@example.com", "phone": "+7 495 123-45-67", '
        '"party_size": 1, "consent": true}'
    )
    return client.post(
        f"/api/v1/tour-sessions/{session_id}/registrations", body, content_type="application/json", **extra
    )


@pytest.mark.parametrize("payload", JSON_PAYLOADS)
def test_api_json_body_with_bad_characters_is_422(client: Client, payload: str) -> None:
    session = make_session(capacity=10)
    response = _register(client, session.pk, payload)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_characters"
    assert body["message"]
    assert body["details"][0]["loc"] == ["body", "name"]
    assert Registration.objects.count() == 0
    assert _register(client, session.pk, '"Анна 😀"').status_code == 201  # a proper pair is fine


def test_bad_characters_nested_and_in_keys(client: Client, operator: Any) -> None:
    _, raw = api_token_create(user=operator, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    nested = json.dumps({"short_name": "ООО «Тест»", "name_variants": ["ok", "bad\x00"]})
    response = client.post("/api/v1/organisations", nested, content_type="application/json", **auth)
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"] == ["body", "name_variants", "1"]
    key = '{"short_name": "ООО", "\\u0000": 1}'
    response = client.post("/api/v1/organisations", key, content_type="application/json", **auth)
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"] == ["body", "(key)"]
    lone = '{"short_name": "\\ud800 ООО"}'
    response = client.patch("/api/v1/organisations/nothing", lone, content_type="application/json", **auth)
    assert response.status_code == 422
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("payload", QUERY_PAYLOADS)
@pytest.mark.parametrize("path", ["/api/v1/tours", "/api/v1/tour-sessions", "/api/v1/organisations"])
def test_api_query_string_with_nul_is_422(client: Client, path: str, payload: str) -> None:
    response = client.get(f"{path}?q={payload}")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_characters"
    assert response.json()["details"][0]["loc"] == ["query", "q"]


def test_query_string_key_with_nul(client: Client) -> None:
    response = client.get("/api/v1/tours?a%00b=1")
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"] == ["query", "(key)"]


@pytest.mark.parametrize("path", ["/tours/", "/"])
def test_page_query_string_with_nul_is_a_400_page(client: Client, path: str) -> None:
    response = client.get(f"{path}?q=%00")
    assert response.status_code == 400
    assert "refused.html" in [t.name for t in response.templates]


def test_page_form_with_nul_gives_a_form_error_and_keeps_the_input(client: Client) -> None:
    session = make_session(capacity=10)
    data = {
        "session": session.pk,
        "name": "Анна\x00Иванова",
        "email": "anna@example.com",
        "phone": "+7 495 123-45-67",
        "party_size": "1",
        "consent": "on",
    }
    response = client.post(session.tour.get_absolute_url(), data)
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert 'value="anna@example.com"' in response.content.decode()
    assert Registration.objects.count() == 0


def test_form_body_with_a_lone_surrogate_arrives_replaced(client: Client) -> None:
    """Form bodies are decoded with replacement: CESU-8 bytes of a surrogate never reach a field."""
    session = make_session(capacity=10)
    body = (
        f"session={session.pk}&name=%ED%A0%80Anna&email=anna%40example.com&phone=%2B74951234567&party_size=1&consent=on"
    )
    response = client.post(session.tour.get_absolute_url(), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert not bad_characters(Registration.objects.get().name)


def test_invalid_json_is_left_to_the_api(client: Client) -> None:
    session = make_session(capacity=10)
    response = client.post(
        f"/api/v1/tour-sessions/{session.pk}/registrations", b"{not json\x00", content_type="application/json"
    )
    assert response.status_code == 400  # ninja's own answer for a body that is not JSON
    assert response.json()["code"] != "invalid_characters"
