"""Company API: a company token acts for its own organisation only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mosprom.companies import services
from mosprom.companies.models import Application, ProductionReport, Representative

from .conftest import ANSWERS, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_a(rep_a: Any, org_a: Any) -> str:
    return services.company_token_create(actor=rep_a, organisation=org_a, name="ERP")[1]


@pytest.fixture
def token_b(rep_b: Any, org_b: Any) -> str:
    return services.company_token_create(actor=rep_b, organisation=org_b, name="ERP")[1]


def _h(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_no_or_bad_token_is_401(client: Client) -> None:
    assert client.get("/api/v1/company").status_code == 401
    r = client.get("/api/v1/company", **_h("mp_forged"))
    assert r.status_code == 401 and "code" in r.json()


def test_operator_token_is_not_a_company_token(client: Client, operator: Any) -> None:
    from mosprom.core.api_auth import api_token_create

    _t, raw = api_token_create(user=operator, name="ops")
    assert client.get("/api/v1/company", **_h(raw)).status_code == 401


def test_full_application_through_the_api(client: Client, token_a: str, kind: Any, org_a: Any) -> None:
    r = client.get("/api/v1/company", **_h(token_a))
    assert r.status_code == 200 and r.json()["id"] == org_a.pk and r.json()["is_host"] is False
    r = client.post(
        "/api/v1/company/applications",
        {"kind": kind.code, "answers": ANSWERS},
        content_type="application/json",
        **_h(token_a),
    )
    assert r.status_code == 201, r.content
    app_id = r.json()["id"]
    assert r.json()["stage"] == "draft" and r.json()["answers"]["jobs"] == 200
    r = client.post(f"/api/v1/company/applications/{app_id}/submit", **_h(token_a))
    assert r.status_code == 422 and "file" in str(r.json()["details"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("plan.pdf", b"GIF89a not a pdf", content_type="application/pdf")
    r = client.post(f"/api/v1/company/applications/{app_id}/documents", {"file": bad}, **_h(token_a))
    assert r.status_code == 422
    good = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    r = client.post(f"/api/v1/company/applications/{app_id}/documents", {"file": good}, **_h(token_a))
    assert r.status_code == 201 and r.json()["content_type"] == "application/pdf"
    r = client.post(f"/api/v1/company/applications/{app_id}/submit", **_h(token_a))
    assert r.status_code == 200 and r.json()["stage"] == "completeness"
    r = client.post(f"/api/v1/company/applications/{app_id}/submit", **_h(token_a))
    assert r.status_code == 409 and r.json()["code"] == "already_submitted"
    r = client.get("/api/v1/company/applications", **_h(token_a))
    assert r.status_code == 200 and r.json()["count"] == 1


def test_company_b_token_never_reaches_company_a(client: Client, token_b: str, submitted: Application) -> None:
    r = client.get(f"/api/v1/company/applications/{submitted.pk}", **_h(token_b))
    assert r.status_code == 404
    r = client.post(
        f"/api/v1/company/applications/{submitted.pk}/answer",
        {"message": "x"},
        content_type="application/json",
        **_h(token_b),
    )
    assert r.status_code == 404
    assert client.get("/api/v1/company/applications", **_h(token_b)).json()["count"] == 0


def test_unknown_kind_and_proposals(client: Client, token_a: str) -> None:
    r = client.post("/api/v1/company/applications", {"kind": "nope"}, content_type="application/json", **_h(token_a))
    assert r.status_code == 404 and r.json()["code"] == "kind_not_found"
    r = client.post(
        "/api/v1/company/production-reports",
        {"product": "Композитные мосты", "jobs": 40},
        content_type="application/json",
        **_h(token_a),
    )
    assert r.status_code == 201 and r.json()["state"] == "pending"
    assert ProductionReport.objects.get().product == "Композитные мосты"
    r = client.post(
        "/api/v1/company/profile-proposals",
        {"website": "https://alfa.example"},
        content_type="application/json",
        **_h(token_a),
    )
    assert r.status_code == 201 and r.json()["changes"] == {"website": "https://alfa.example"}
    r = client.get("/api/v1/company/profile-proposals", **_h(token_a))
    assert r.status_code == 200 and r.json()["count"] == 1
    r = client.get("/api/v1/company/host-applications", **_h(token_a))
    assert r.status_code == 200 and r.json()["count"] == 0
    r = client.get("/api/v1/company/statuses", **_h(token_a))
    assert r.status_code == 200 and r.json() == []


def test_token_stops_working_when_its_creator_leaves(client: Client, token_a: str, rep_a: Any) -> None:
    Representative.objects.filter(user=rep_a).delete()
    assert client.get("/api/v1/company", **_h(token_a)).status_code == 401


def test_company_operations_are_documented(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = [p for p in schema["paths"] if p.startswith("/api/v1/company")]
    assert "/api/v1/company/applications/{application_id}/submit" in paths
    op = schema["paths"]["/api/v1/company/applications"]["post"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(op["responses"])
    assert op["security"]


def test_what_the_schema_declares_is_what_the_api_answers(client: Client, token_a: str) -> None:
    """Undeclared fields are refused; a proposal that changes nothing and a report of a production more than a
    year ahead are conflicts with today (409), not bad input; an unknown site is 404; money is a JSON number."""

    def post(url: str, body: Any) -> Any:
        return client.post(url, body, content_type="application/json", **_h(token_a))

    r = post("/api/v1/company/profile-proposals", {"website": "https://alfa.example", "colour": "red"})
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    r = post("/api/v1/company/profile-proposals", {"website": None})
    assert r.status_code == 409 and r.json()["code"] == "nothing_changed"
    r = post("/api/v1/company/profile-proposals", {})
    assert r.status_code == 409 and r.json()["code"] == "nothing_changed"
    r = post("/api/v1/company/profile-proposals", {"site": "no-such-site"})
    assert r.status_code == 404 and r.json()["code"] == "site_not_found"
    r = post("/api/v1/company/production-reports", {"product": "Мосты", "opened_on": "2099-01-01"})
    assert r.status_code == 409 and r.json()["code"] == "not_yet_reportable"
    r = post("/api/v1/company/production-reports", {"product": "Мосты", "opened_on": "1812-09-07"})
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    assert ProductionReport.objects.count() == 0
