"""Russian search in the registry: organisations, productions and the API (word forms, parents, typos, Latin)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mosprom.registry import search, selectors
from mosprom.registry.models import Organisation
from tests.factories import OrganisationFactory, ProductionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry() -> dict[str, Any]:
    rosatom = OrganisationFactory(
        short_name="Росатом", full_name="Госкорпорация «Росатом»", slug="rosatom", inn="7706413348"
    )
    renera = OrganisationFactory(short_name="Рэнера", full_name="ООО «Рэнера»", slug="renera", parent=rosatom)
    cheese = OrganisationFactory(short_name="Сыроварня «Ёлкино»", full_name="ООО «Ёлкино»", slug="elkino")
    composite = OrganisationFactory(short_name="Композит-Про", full_name="АО «Композит-Про»", slug="composite")
    return {
        "rosatom": rosatom,
        "storage": ProductionFactory(
            organisation=renera, product="Накопители энергии", description="Литий-ионные ячейки"
        ),
        "cheese": ProductionFactory(organisation=cheese, product="Сыр твёрдый", description="Как делают сыр"),
        "composites": ProductionFactory(
            organisation=composite, product="Композитные арматурные стержни", description="Для мостов"
        ),
    }


def organisations(q: str) -> list[str]:
    return [o.slug for o in selectors.organisation_list(q=q)]


def products(q: str) -> list[str]:
    return [p.product for p in selectors.production_list(q=q)]


@pytest.mark.parametrize("query", ["росатома", "РОСАТОМ", "Росатомом", "rosatom", "госкорпорации", "7706413348"])
def test_rosatom_in_any_form_comes_first(registry: dict[str, Any], query: str) -> None:
    assert organisations(query)[0] == "rosatom"


def test_a_parent_finds_its_subsidiaries_and_their_productions(registry: dict[str, Any]) -> None:
    assert organisations("росатом") == ["rosatom", "renera"]
    assert products("росатома") == ["Накопители энергии"]


@pytest.mark.parametrize(
    ("query", "product"),
    [
        ("накопитель", "Накопители энергии"),
        ("сыра", "Сыр твёрдый"),
        ("СЫР ТВЕРДЫЙ", "Сыр твёрдый"),
        ("Композиты", "Композитные арматурные стержни"),
        ("композитах", "Композитные арматурные стержни"),
        ("ёлкино", "Сыр твёрдый"),
        ("renera", "Накопители энергии"),
    ],
)
def test_productions_by_word_forms(registry: dict[str, Any], query: str, product: str) -> None:
    assert product in products(query)


def test_a_typo_offers_the_nearest_name(registry: dict[str, Any]) -> None:
    assert "росатом" in selectors.organisation_search_suggestions(q="росатм")
    assert organisations("рсатом") == []
    assert "росатом" in selectors.organisation_search_suggestions(q="рсатом")
    assert "накопители" in selectors.production_search_suggestions(q="нокопители")


def test_the_vocabulary_follows_edits(registry: dict[str, Any]) -> None:
    assert selectors.organisation_search_suggestions(q="механикс") == []
    OrganisationFactory(short_name="Мехатроникс", full_name="ООО «Мехатроникс»", slug="mechatronics")
    assert "мехатроникс" in selectors.organisation_search_suggestions(q="механикс")


def test_renaming_a_parent_refreshes_subsidiaries_and_productions(registry: dict[str, Any]) -> None:
    rosatom = Organisation.objects.get(slug="rosatom")
    rosatom.name_variants = ["Атомпром"]
    rosatom.save()
    assert organisations("атомпрома") == ["rosatom", "renera"]
    assert products("атомпром") == ["Накопители энергии"]


def test_highlight_escapes_first_and_marks_matched_words() -> None:
    assert str(search.highlight("Накопители <энергии> & Ко", "накопитель")) == (
        "<mark>Накопители</mark> &lt;энергии&gt; &amp; Ко"
    )
    assert str(search.highlight("<b>Росатом</b>", "rosatom")) == "&lt;b&gt;<mark>Росатом</mark>&lt;/b&gt;"
    assert str(search.highlight("<script>", "")) == "&lt;script&gt;"


def test_the_lists_highlight_and_suggest(client: Any, registry: dict[str, Any]) -> None:
    body = client.get(reverse("registry:organisation_list"), {"q": "росатома"}).content.decode()
    assert "<mark>Росатом</mark>" in body
    body = client.get(reverse("registry:organisation_list"), {"q": "рсатом"}).content.decode()
    assert "Ничего не найдено." in body and "Возможно, вы искали:" in body
    assert '<a href="?q=%D1%80%D0%BE%D1%81%D0%B0%D1%82%D0%BE%D0%BC">росатом</a>' in body
    body = client.get(reverse("registry:production_list"), {"q": "накопитель"}).content.decode()
    assert "<mark>Накопители</mark> энергии" in body and "Сыр" not in body


def test_the_api_searches_the_same_way(client: Any, registry: dict[str, Any]) -> None:
    items = client.get("/api/v1/organisations", {"q": "rosatom"}).json()["items"]
    assert [o["slug"] for o in items] == ["rosatom", "renera"]
    items = client.get("/api/v1/productions", {"q": "композитах"}).json()["items"]
    assert [p["product"] for p in items] == ["Композитные арматурные стержни"]


def test_a_search_page_keeps_a_constant_number_of_queries(client: Any, registry: dict[str, Any]) -> None:
    url = reverse("registry:organisation_list")
    client.get(url, {"q": "росатом"})  # warms the vocabulary cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"q": "росатома"}).status_code == 200
    for n in range(10):
        OrganisationFactory(short_name=f"Росатом Сервис {n}", full_name=f"ООО «Росатом Сервис {n}»", slug=f"ras-{n}")
    client.get(url, {"q": "росатому"})
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, {"q": "росатомом"}).status_code == 200
    assert 0 < len(many.captured_queries) <= len(few.captured_queries) <= 10
