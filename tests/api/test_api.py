"""Cross-API behaviour: ETag / Last-Modified with 304, errors as JSON with a stable code, token on writes, KPIs."""

from __future__ import annotations

import time
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from mosprom.analytics import cache as kpi_cache
from mosprom.core.api_auth import api_token_create
from mosprom.registry.models import Production

LISTS = ["/api/v1/sites", "/api/v1/organisations", "/api/v1/productions", "/api/v1/statuses", "/api/v1/tours"]
KPIS = [
    "/api/v1/kpi/summary?year=2023",
    "/api/v1/kpi/productions/by-year?to_year=2023",
    "/api/v1/kpi/productions/by-site?year=2023",
    "/api/v1/kpi/productions/by-industry?year=2023",
    "/api/v1/kpi/productions/shares?year=2023",
    "/api/v1/kpi/jobs?year=2023",
    "/api/v1/kpi/sites",
    "/api/v1/kpi/corporations",
    "/api/v1/kpi/corporations/rosatom",
]


@pytest.fixture
def settled(kpi_data: Any) -> Any:
    """The data last changed two seconds ago (Last-Modified is only given once the second of a change is over)."""
    for domain in kpi_cache.DOMAINS:
        cache.set(kpi_cache.version_key(domain), str(time.time_ns() - 2_000_000_000), timeout=None)
    return kpi_data


def _error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"]
    assert isinstance(body.get("message"), str) and body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.mark.parametrize("url", LISTS + KPIS)
def test_every_get_has_etag_and_last_modified_and_answers_304(client: Client, settled: Any, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200, first.content[:300]
    assert first.has_header("ETag")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    if url.startswith("/api/v1/kpi/"):
        assert first.has_header("Last-Modified")
        since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
        assert since.status_code == 304


def test_kpi_etag_and_last_modified_change_after_an_edit(client: Client, settled: Any) -> None:
    url = "/api/v1/kpi/productions/by-year?to_year=2023"
    first = client.get(url)
    assert [r["count"] for r in first.json()] == [27, 35]
    time.sleep(0.01)
    production = Production.objects.filter(opened_on__year=2022).first()
    assert production is not None
    production.delete()  # a deletion leaves no updated_at behind, yet the figure must change
    second = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert [r["count"] for r in second.json()] == [26, 35]
    assert second.json()[1]["change_percent"] == 35  # 9/26 = 34.6 % → 35
    # the data changed after `first`: its Last-Modified no longer validates (no new one within the second)
    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 200


def test_kpi_summary_values(client: Client, kpi_data: Any) -> None:
    body = client.get("/api/v1/kpi/summary?year=2023").json()
    assert (body["new_productions"], body["new_productions_previous"], body["new_productions_change_percent"]) == (
        35,
        27,
        30,
    )
    assert body["shares"]["year"]["import_substitution_percent"] == 20.0
    assert body["shares"]["year"]["no_domestic_analogue_percent"] == 8.6
    assert body["registry"] == {"sites": 4, "organisations": 5, "residents": 3, "productions": 62, "jobs": 485}


def test_kpi_site_rollup_and_corporation(client: Client, kpi_data: Any) -> None:
    rows = client.get("/api/v1/kpi/productions/by-site?year=2023").json()
    sez = next(r for r in rows if r["site"] and r["site"]["slug"] == "technopolis")
    assert (sez["count"], sez["previous"], sez["change_percent"]) == (25, 17, 47)
    rosatom = client.get("/api/v1/kpi/corporations/rosatom").json()
    assert (rosatom["enterprises"], rosatom["subsidiaries"], rosatom["jobs"], rosatom["employees"]) == (3, 2, 25, 1500)


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/kpi/summary?year=1812", 422, "validation_error"),  # below the declared minimum (2000)
        ("/api/v1/kpi/summary?year=2999", 422, "validation_error"),  # above the declared maximum (2100)
        ("/api/v1/kpi/summary?year=2099", 404, "year_out_of_range"),  # declared, but no figures yet
        ("/api/v1/kpi/summary?year=abc", 422, "validation_error"),
        ("/api/v1/kpi/corporations/no-such-company", 404, "not_found"),
    ],
)
def test_kpi_errors_are_json_with_a_code(
    client: Client, kpi_data: Any, url: str, status: int, code: str | None
) -> None:
    _error(client.get(url), status, code)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/productions?year=abc",  # not a number
        "/api/v1/productions?year=1800",  # year out of range
        "/api/v1/productions?page_size=-1",
        "/api/v1/productions?page=-5",
        "/api/v1/productions?page_size=100000",
        "/api/v1/productions/abc",
        "/api/v1/productions/999999",
        "/api/v1/organisations/no-such-org",
        "/api/v1/sites?kind=moon-base",
        "/api/v1/tours?colour=red",  # unknown filter field
        "/api/v1/tours?date_from=31.12.2025",  # malformed date
        "/api/v1/tours?page=0",
        "/api/v1/tours?page=abc",
        "/api/v1/tour-sessions?date_from=2025-13-45",
        "/api/v1/tour-sessions/0",
    ],
)
def test_bad_query_is_a_4xx_json_error(client: Client, kpi_data: Any, url: str) -> None:
    response = client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code, response.content[:300])
    _error(response, response.status_code)


def test_an_inverted_range_of_years_is_an_empty_list(client: Client, kpi_data: Any) -> None:
    response = client.get("/api/v1/kpi/productions/by-year?from_year=2024&to_year=2020")
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(
    "url", ["/api/v1/productions?site=no-such-site", "/api/v1/organisations?industry=xyz", "/api/v1/statuses?kind=no"]
)
def test_a_filter_slug_that_names_nothing_matches_nothing(client: Client, kpi_data: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "url",
    ["/api/v1/productions?page=99999", "/api/v1/sites?page=9999", "/api/v1/organisations?page=5000"],
)
def test_page_beyond_the_end_is_a_404_with_a_code(client: Client, kpi_data: Any, url: str) -> None:
    _error(client.get(url), 404, "page_out_of_range")


def test_first_page_of_an_empty_list_is_fine(client: Client, kpi_data: Any) -> None:
    response = client.get("/api/v1/tours?page=1")
    assert response.status_code == 200
    assert response.json()["count"] == len(response.json()["items"])


@pytest.mark.parametrize(
    "url",
    ["/api/v1/productions?colour=red", "/api/v1/statuses?granted_from=xx", "/api/v1/kpi/summary?yaer=2023"],
)
def test_unknown_query_parameters_are_refused(client: Client, kpi_data: Any, url: str) -> None:
    body = _error(client.get(url), 422, "unknown_filter")
    assert body["details"][0]["loc"][0] == "query"


def test_writes_need_an_operator_token(client: Client, kpi_data: Any, operator: Any) -> None:
    body = {"full_name": "ООО «Гамма»", "short_name": "Гамма", "slug": "gamma"}
    _error(client.post("/api/v1/organisations", body, content_type="application/json"), 401, "unauthorized")
    bad = client.post(
        "/api/v1/organisations", body, content_type="application/json", headers={"Authorization": "Bearer mp_nope"}
    )
    _error(bad, 401, "unauthorized")
    _token, raw = api_token_create(user=operator, name="test")
    auth = {"Authorization": f"Bearer {raw}"}
    invalid = client.post("/api/v1/organisations", {"short_name": ""}, content_type="application/json", headers=auth)
    _error(invalid, 422)
    broken = client.post("/api/v1/organisations", "{not json", content_type="application/json", headers=auth)
    assert 400 <= broken.status_code < 500
    _error(broken, broken.status_code)


def test_operator_write_changes_the_kpi_at_once(client: Client, kpi_data: Any, operator: Any) -> None:
    """End to end: a production created through the API shows in the KPI without waiting for any timeout."""
    before = client.get("/api/v1/kpi/summary?year=2023").json()["new_productions"]
    _token, raw = api_token_create(user=operator, name="test")
    response = client.post(
        "/api/v1/productions",
        {
            "organisation": "alpha",
            "site": "pechatniki",
            "product": "Новый станок",
            "opened_on": "2023-09-01",
            "jobs": 12,
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201, response.content[:500]
    after = client.get("/api/v1/kpi/summary?year=2023").json()
    assert after["new_productions"] == before + 1 == 36
    assert after["new_productions_change_percent"] == 33  # 9/27 = 33.3 %


def test_openapi_schema_is_complete(client: Client, db: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["description"]
    kpi = {p: v for p, v in schema["paths"].items() if p.startswith("/api/v1/kpi/")}
    assert len(kpi) >= 10
    for path, methods in kpi.items():
        for method, operation in methods.items():
            assert operation.get("summary"), (path, method)
            assert "200" in operation["responses"], (path, method)
            for parameter in operation.get("parameters", []):
                described = parameter.get("description") or parameter["schema"].get("description")
                assert described, (path, method, parameter["name"])
            if operation.get("parameters"):
                assert any(code.startswith("4") for code in operation["responses"]), (path, method)
    components = schema["components"]["schemas"]
    assert components["ProductionsYearOut"]["properties"]["change_percent"]["examples"] == [30]


def test_docs_are_served_locally(client: Client, db: Any) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
    assert client.get("/api/docs").status_code == 302


def test_last_modified_middleware_covers_the_whole_api(client: Client, settled: Any, settings: Any) -> None:
    """analytics.http.ApiLastModifiedMiddleware (to be listed right after ConditionalGetMiddleware) stamps every
    API list with the data's Last-Modified, so If-Modified-Since answers 304 everywhere."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.middleware.http.ConditionalGetMiddleware") + 1,
        "mosprom.analytics.http.ApiLastModifiedMiddleware",
    )
    settings.MIDDLEWARE = middleware
    for url in ("/api/v1/sites", "/api/v1/productions", "/api/v1/tours"):
        first = client.get(url)
        assert first.has_header("Last-Modified"), url
        assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    assert not client.get("/api/v1/openapi.json").has_header("Last-Modified")
    stamp = client.get("/api/v1/sites")["Last-Modified"]
    with time_machine.travel(time.time(), tick=False) as clock:  # the same instant, however loaded the machine
        Production.objects.filter(opened_on__year=2023).first().delete()  # type: ignore[union-attr]
        changed = client.get("/api/v1/productions", headers={"If-Modified-Since": stamp})
        assert changed.status_code == 200  # within the second of the change: no date, so no false 304
        assert not changed.has_header("Last-Modified")
        clock.shift(1.05)
        later = client.get("/api/v1/productions", headers={"If-Modified-Since": stamp})
    assert later.status_code == 200 and later["Last-Modified"] != stamp
