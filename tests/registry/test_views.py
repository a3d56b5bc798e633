from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_site_list_is_a_tree_with_counts(
    client: Any, populated: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        response = client.get(reverse("registry:site_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "ОЭЗ «Технополис Москва»" in body and "Руднево" in body
    assert "41 резидент" in body


def test_site_list_bad_kind(client: Any, populated: dict[str, Any]) -> None:
    response = client.get(reverse("registry:site_list"), {"kind": "moon"})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_site_detail(client: Any, populated: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(10):
        response = client.get(reverse("registry:site_detail", args=["technopolis-moscow"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Госкорпорация «Росатом»" in body and "Накопители энергии" in body
    assert "registry/leaflet/leaflet.js" in body and "site-marker" in body


def test_unknown_site_and_organisation_are_404(client: Any, db: Any) -> None:
    assert client.get(reverse("registry:site_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("registry:organisation_detail", args=["nope"])).status_code == 404


def test_organisation_list_search_and_filters(client: Any, populated: dict[str, Any]) -> None:
    url = reverse("registry:organisation_list")
    body = client.get(url, {"q": "росатом"}).content.decode()
    # Rosatom first, then its subsidiaries (their search columns carry the parent's names).
    assert body.index("Госкорпорация «<mark>Росатом</mark>»") < body.index("«Рэнера»")
    body = client.get(url, {"kind": "state_corporation", "site": "technopolis-moscow"}).content.decode()
    assert "Госкорпорация «Росатом»" in body
    body = client.get(url, {"industry": "microelectronics"}).content.decode()
    assert "«Рэнера»" in body and "Найдена 21 организация" in body


@pytest.mark.parametrize("params", [{"site": "nope"}, {"kind": "planet"}, {"industry": "x"}])
def test_organisation_list_bad_filter_is_a_message_not_500(client: Any, populated: dict[str, Any], params: Any) -> None:
    response = client.get(reverse("registry:organisation_list"), params)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Выберите один из предложенных вариантов в поле" in body
    assert "error-summary" in body


def test_organisation_list_paginates_with_constant_queries(
    client: Any, populated: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    url = reverse("registry:organisation_list")
    with django_assert_max_num_queries(8):
        first = client.get(url)
    with django_assert_max_num_queries(8):
        second = client.get(url, {"page": 2, "site": "technopolis-moscow"})
    assert "Страница 1 из 2" in first.content.decode()
    assert "Страница 2 из 2" in second.content.decode()


def test_organisation_detail(client: Any, populated: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(8):
        response = client.get(reverse("registry:organisation_detail", args=["rosatom"]))
    body = response.content.decode()
    assert "«Рэнера»" in body  # subsidiary
    assert "20\u202f000" in body
    assert "ОЭЗ «Технополис Москва»" in body


def test_demo_badge_on_synthetic_records(client: Any, populated: dict[str, Any]) -> None:
    body = client.get(reverse("registry:organisation_list"), {"q": "демо 01"}).content.decode()
    assert "badge-demo" in body


def test_production_list_filters(client: Any, populated: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    url = reverse("registry:production_list")
    with django_assert_max_num_queries(8):
        response = client.get(url, {"year": 2023, "site": "rudnevo"})
    assert "Найдено 21 производство" in response.content.decode()
    with django_assert_max_num_queries(8):
        response = client.get(url, {"import_substitution": "on"})
    assert "Найдено 1 производство" in response.content.decode()
    response = client.get(url, {"no_domestic_analogue": "on"})
    assert "Найдено 8 производств" in response.content.decode()


@pytest.mark.parametrize("params", [{"year": "abc"}, {"year": "99999"}, {"site": "nope"}])
def test_production_list_bad_filter(client: Any, populated: dict[str, Any], params: Any) -> None:
    response = client.get(reverse("registry:production_list"), params)
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_map_lists_sites_with_coordinates(
    client: Any, populated: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        response = client.get(reverse("registry:map"))
    body = response.content.decode()
    assert "registry/leaflet/leaflet.js" in body
    assert "55,7220; 37,8930" in body
    assert '"lat": 55.722' in body


def test_english_page(client: Any, populated: dict[str, Any]) -> None:
    client.cookies["django_language"] = "en"
    body = client.get(reverse("registry:site_list")).content.decode()
    assert "Industrial sites" in body


def test_english_names_of_industries(client: Any, populated: dict[str, Any]) -> None:
    client.cookies["django_language"] = "en"
    body = client.get(reverse("registry:organisation_detail", args=["renera"])).content.decode()
    assert "Microelectronics" in body
    body = client.get(reverse("registry:organisation_list")).content.decode()
    assert '<option value="microelectronics">Microelectronics</option>' in body
