"""Open data API: public fields only, filters, 422 on unknown values."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest


@pytest.fixture
def data(make_project: Any, city: Any, outsider: Any) -> None:
    from mosprom.partnerships import services

    make_project(
        title="Гигафабрика",
        internal_notes="СЕКРЕТ",
        duties=[(city, "Возводит корпус")],
        milestones=[{"title": "Веха-секрет", "due_on": date(2026, 2, 1)}],
    )
    make_project(title="Наука", category="science", status="completed")
    services.agreement_create(
        title="Старое",
        slug="old",
        kind="cooperation",
        signed_on=date(2015, 2, 9),
        term_years=5,
        parties=[(city, "city"), (outsider, "company")],
    )


def test_agreements(client: Any, data: None) -> None:
    body = client.get("/api/v1/agreements").json()
    assert body["count"] == 2
    assert body["items"][0]["slug"] == "session"
    assert body["items"][0]["parties"][1] == {"organisation": "rosatom", "name": "Росатом", "role": "state_corporation"}
    assert client.get("/api/v1/agreements?active=false").json()["items"][0]["status"] == "expired"
    assert client.get("/api/v1/agreements?partner=kamaz").json()["count"] == 1
    assert client.get("/api/v1/agreements?kind=strategic_session").json()["count"] == 1
    assert client.get("/api/v1/agreements/old").json()["ends_on"] == "2020-02-09"
    missing = client.get("/api/v1/agreements/nope")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_projects_public_fields_only(client: Any, data: None) -> None:
    response = client.get("/api/v1/projects?partner=rosatom&category=production")
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["duties"] == [
        {"organisation": "moscow-government", "name": "Правительство Москвы", "duty": "Возводит корпус"}
    ]
    text = response.content.decode()
    assert "СЕКРЕТ" not in text and "Веха-секрет" not in text and "milestone" not in text
    assert client.get("/api/v1/projects?active=true").json()["count"] == 1
    assert client.get("/api/v1/projects?status=completed").json()["items"][0]["title"] == "Наука"
    assert client.get("/api/v1/projects?page_size=1&page=2").json()["items"][0]["title"] == "Наука"
    assert client.get(f"/api/v1/projects/{item['id']}").json()["code"] == item["code"]
    assert client.get("/api/v1/projects/0").status_code == 404


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/projects?category=space", "unknown_category"),
        ("/api/v1/projects?status=dreaming", "unknown_status"),
        ("/api/v1/projects?status=", "unknown_status"),  # an empty enum value is not a value
        ("/api/v1/agreements?kind=treaty", "unknown_kind"),
        ("/api/v1/agreements?kind=", "unknown_kind"),
        ("/api/v1/projects?page_size=0", "validation_error"),
        ("/api/v1/projects?active=perhaps", "validation_error"),
    ],
)
def test_unknown_filter_values_are_422(client: Any, data: None, url: str, code: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    "url", ["/api/v1/projects?partner=nobody", "/api/v1/projects?agreement=nope", "/api/v1/agreements?partner=nobody"]
)
def test_a_slug_that_names_nothing_matches_nothing(client: Any, data: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}
