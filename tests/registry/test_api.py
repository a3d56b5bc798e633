from typing import Any

import pytest

from mosprom.core.api_auth import api_token_create
from mosprom.registry.models import Organisation, Production

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(operator: Any) -> str:
    return api_token_create(user=operator, name="tests")[1]


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_site_list_and_detail(client: Any, populated: dict[str, Any]) -> None:
    data = client.get("/api/v1/sites", {"kind": "sez"}).json()
    assert data["count"] == 1 and data["items"][0]["slug"] == "technopolis-moscow"
    detail = client.get("/api/v1/sites/technopolis-moscow").json()
    assert sorted(detail["children"]) == ["pechatniki", "rudnevo"]
    assert detail["latitude"] == pytest.approx(55.707)
    rudnevo = client.get("/api/v1/sites", {"parent": "technopolis-moscow", "q": "руднево"}).json()["items"]
    assert [s["slug"] for s in rudnevo] == ["rudnevo"] and rudnevo[0]["resident_count"] == 20


def test_organisation_list_search_filters_and_pagination(
    client: Any, populated: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    data = client.get("/api/v1/organisations", {"q": "РОСАТОМ"}).json()
    # Its subsidiary carries the parent's names in its search column; the name match ranks first.
    assert [o["slug"] for o in data["items"]] == ["rosatom", "renera"]
    assert data["items"][0]["inn"] == "7706413348"
    with django_assert_max_num_queries(6):
        page = client.get("/api/v1/organisations", {"site": "technopolis-moscow", "page_size": 10, "page": 2}).json()
    assert page["count"] == 42 and len(page["items"]) == 10
    sub = client.get("/api/v1/organisations", {"industry": "microelectronics", "page_size": 500}).json()
    assert any(o["slug"] == "renera" and o["parent"] == "rosatom" for o in sub["items"])


def test_organisation_detail_and_404(client: Any, populated: dict[str, Any]) -> None:
    assert client.get("/api/v1/organisations/renera").json()["parent"] == "rosatom"
    response = client.get("/api/v1/organisations/nope")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/organisations?kind=planet", "validation_error"),
        ("/api/v1/organisations?kind=", "validation_error"),
        ("/api/v1/productions?year=abc", "validation_error"),
        ("/api/v1/productions?page=99999999999999999999", "validation_error"),
        ("/api/v1/statuses?state=lost", "validation_error"),
        ("/api/v1/sites?parent=%D0%B0%00", "invalid_characters"),
    ],
)
def test_bad_filters_are_422_with_stable_code(client: Any, populated: dict[str, Any], url: str, code: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations?site=nope",
        "/api/v1/organisations?industry=nope",
        "/api/v1/productions?site=nope",
        "/api/v1/statuses?kind=nope",
        "/api/v1/sites?parent=nope",
    ],
)
def test_a_filter_slug_that_names_nothing_is_an_empty_list(client: Any, populated: dict[str, Any], url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_production_list_and_detail(client: Any, populated: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(6):
        data = client.get("/api/v1/productions", {"year": 2023, "site": "rudnevo", "page_size": 5}).json()
    assert data["count"] == 21 and len(data["items"]) == 5
    flagged = client.get("/api/v1/productions", {"import_substitution": "true"}).json()
    assert [p["organisation"] for p in flagged["items"]] == ["renera"]
    pk = flagged["items"][0]["id"]
    assert client.get(f"/api/v1/productions/{pk}").json()["site"] == "rudnevo"
    assert client.get("/api/v1/productions/999999").status_code == 404


def test_status_list(client: Any, make_org: Any, technopark_kind: Any) -> None:
    from datetime import date

    from mosprom.registry import services

    app = services.status_application_submit(applicant=make_org(), kind=technopark_kind, obliged_jobs=5)
    services.status_application_start_review(application=app)
    services.status_application_add_verdict(application=app, expert_name="Иванов", verdict="support")
    status = services.status_application_approve(application=app, granted_on=date(2025, 1, 1))
    data = client.get("/api/v1/statuses", {"kind": "city-technopark", "state": "active"}).json()
    assert data["count"] == 1 and data["items"][0]["valid_until"] == "2035-01-01"
    assert client.get(f"/api/v1/statuses/{status.pk}").json()["obliged_jobs"] == 5


def test_writes_need_an_operator_token(client: Any, db: Any) -> None:
    from django.contrib.auth import get_user_model

    body = {"short_name": "ООО «Новая»"}
    response = client.post("/api/v1/organisations", body, content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    visitor = get_user_model().objects.create_user(username="visitor", password="x")
    raw = api_token_create(user=visitor, name="not an operator")[1]
    response = client.post(
        "/api/v1/organisations", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 401
    assert not Organisation.objects.exists()


def test_create_and_patch_organisation(client: Any, auth: dict[str, str], populated: dict[str, Any]) -> None:
    body = {"short_name": "ООО «Новая»", "kind": "company", "parent": "rosatom", "industry": "microelectronics"}
    response = client.post("/api/v1/organisations", body, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["slug"] == "ooo-novaya" and created["parent"] == "rosatom"
    response = client.patch(
        "/api/v1/organisations/ooo-novaya", {"employees": 120}, content_type="application/json", **auth
    )
    assert response.status_code == 200 and response.json()["employees"] == 120


def test_bad_and_duplicate_inn(client: Any, auth: dict[str, str], populated: dict[str, Any]) -> None:
    response = client.post(
        "/api/v1/organisations", {"short_name": "X", "inn": "1234567890"}, content_type="application/json", **auth
    )
    assert response.status_code == 409  # the digits are declared, the check digits cannot be: no such taxpayer
    data = response.json()
    assert data["code"] == "invalid_inn" and data["details"][0]["loc"] == ["body", "inn"]
    response = client.post(
        "/api/v1/organisations", {"short_name": "X", "inn": "12345"}, content_type="application/json", **auth
    )
    assert response.status_code == 422 and response.json()["code"] == "validation_error"  # not 10 or 12 digits
    response = client.post(
        "/api/v1/organisations", {"short_name": "X", "colour": "red"}, content_type="application/json", **auth
    )
    assert response.status_code == 422 and response.json()["code"] == "validation_error"  # undeclared field
    response = client.post(
        "/api/v1/organisations", {"short_name": "X", "inn": "7706413348"}, content_type="application/json", **auth
    )
    assert response.status_code == 409 and response.json()["code"] == "duplicate_inn"
    response = client.post(
        "/api/v1/organisations", {"short_name": "X", "parent": "nope"}, content_type="application/json", **auth
    )
    assert response.status_code == 404 and response.json()["code"] == "unknown_reference"
    assert Organisation.objects.filter(short_name="X").count() == 0


def test_create_and_patch_production(client: Any, auth: dict[str, str], populated: dict[str, Any]) -> None:
    body = {"organisation": "renera", "product": "Ячейки", "site": "rudnevo", "opened_on": "2025-04-01",
            "investment": 12.5, "import_substitution": True}  # fmt: skip
    response = client.post("/api/v1/productions", body, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["investment"] == 12.5
    response = client.patch(f"/api/v1/productions/{pk}", {"jobs": 40}, content_type="application/json", **auth)
    assert response.status_code == 200 and response.json()["jobs"] == 40
    response = client.post("/api/v1/productions", {**body, "investment": -1}, content_type="application/json", **auth)
    assert response.status_code == 422
    response = client.post(
        "/api/v1/productions", {**body, "investment": "12.50"}, content_type="application/json", **auth
    )
    assert response.status_code == 422  # a number, not a string (the schema says `number`)
    response = client.post(
        "/api/v1/productions", {**body, "opened_on": "1812-09-07"}, content_type="application/json", **auth
    )
    assert response.status_code == 422  # before the declared 1900-01-01
    assert Production.objects.filter(product="Ячейки").count() == 1


def test_openapi_and_docs(client: Any, db: Any) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/sites", "/api/v1/organisations/{slug}", "/api/v1/productions", "/api/v1/statuses"):
        assert path in paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"https://cdn" not in docs.content


@pytest.mark.parametrize("body", ["[]", '"x"', "[1, 2]", "null"])
def test_patch_refuses_a_body_that_is_not_an_object(
    client: Any, auth: dict[str, str], populated: dict[str, Any], body: str
) -> None:
    response = client.patch("/api/v1/organisations/renera", body, content_type="application/json", **auth)
    assert response.status_code == 422
    assert "code" in response.json()


def test_invalid_json_is_400_json(client: Any, auth: dict[str, str], db: Any) -> None:
    response = client.post("/api/v1/organisations", "{oops", content_type="application/json", **auth)
    assert response.status_code == 400 and response.json()["code"] == "http_400"


def test_site_and_organisation_kinds_have_distinct_schemas(client: Any, db: Any) -> None:
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "sez" in components["SiteKind"]["enum"]
    assert "company" in components["OrganisationKind"]["enum"]
