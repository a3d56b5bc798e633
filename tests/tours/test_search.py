"""Russian search in the tours catalogue: word forms, compounds, a parent corporation, typos, Latin, case and ё."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mosprom.tours import selectors
from mosprom.tours.models import Tour
from tests.factories import FormatFactory, OrganisationFactory, TourFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> dict[str, Tour]:
    rosatom = OrganisationFactory(short_name="Росатом", full_name="Госкорпорация «Росатом»", slug="rosatom")
    renera = OrganisationFactory(short_name="Рэнера", full_name="ООО «Рэнера»", slug="renera", parent=rosatom)
    dairy = OrganisationFactory(short_name="Сыроварня «Ёлкино»", full_name="ООО «Ёлкино»", slug="elkino")
    lecture = FormatFactory(name="лекция", slug="lecture")
    return {
        "storage": TourFactory(
            title="Накопители энергии: как их делают", description="Цех литий-ионных батарей.", host=renera
        ),
        "cheese": TourFactory(title="Как делают сыр", description="Дегустация в конце.", host=dairy),
        "composites": TourFactory(
            title="Композитные технологии", description="Лекция инженера.", host=dairy, format=lecture
        ),
        "bridge": TourFactory(title="Мост из пластика", description="О композитах в мостостроении.", host=dairy),
    }


def found(q: str) -> list[str]:
    return [tour.title for tour in selectors.tour_list_public(q=q)]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("накопитель", "Накопители энергии: как их делают"),
        ("НАКОПИТЕЛЬ энергия", "Накопители энергии: как их делают"),
        ("сыра", "Как делают сыр"),
        ("сыр", "Как делают сыр"),
        ("Композиты", "Композитные технологии"),
        ("композитах", "Композитные технологии"),
        ("росатома", "Накопители энергии: как их делают"),
        ("rosatom", "Накопители энергии: как их делают"),
        ("рэнеры", "Накопители энергии: как их делают"),
        ("елкино", "Как делают сыр"),
        ("ЁЛКИНО", "Как делают сыр"),
        ("лекции", "Композитные технологии"),
    ],
)
def test_a_word_form_finds_the_tour(catalogue: dict[str, Tour], query: str, title: str) -> None:
    assert title in found(query)


def test_a_parent_corporation_finds_its_subsidiarys_tours(catalogue: dict[str, Tour]) -> None:
    assert found("росатом") == ["Накопители энергии: как их делают"]


def test_prepositions_are_not_required(catalogue: dict[str, Tour]) -> None:
    assert found("сыр в казани") == []  # «казань» is nowhere
    # The address says «Москва»; «сыр» also starts the host's name «Сыроварня», the title match ranks first.
    assert found("сыр в москве")[0] == "Как делают сыр"
    assert found("про сыр для детей") == []
    assert found("экскурсия про сыр")[0] == "Как делают сыр"
    assert found("мост из пластика") == ["Мост из пластика"]


def test_unrelated_words_find_nothing(catalogue: dict[str, Tour]) -> None:
    assert found("сыр росатом") == []
    assert found("трактор") == []


def test_a_match_in_the_title_ranks_first(catalogue: dict[str, Tour]) -> None:
    # «композит» is in one title and in the other tour's description only: the title match comes first.
    assert found("композиты") == ["Композитные технологии", "Мост из пластика"]


def test_renaming_the_parent_refreshes_the_subsidiarys_tours(catalogue: dict[str, Tour]) -> None:
    rosatom = catalogue["storage"].host.parent
    rosatom.short_name = "Атомпром"
    rosatom.save()
    assert found("атомпром") == ["Накопители энергии: как их делают"]
    assert found("росатом") == ["Накопители энергии: как их делают"]  # the full name still says «Росатом»


def test_a_new_parent_is_searchable_at_once(catalogue: dict[str, Tour]) -> None:
    holding = OrganisationFactory(short_name="Сырный холдинг", full_name="АО «Сырный холдинг»", slug="holding")
    dairy = catalogue["cheese"].host
    dairy.parent = holding
    dairy.save()
    assert "Как делают сыр" in found("холдинга")


def test_a_typo_offers_the_nearest_words(catalogue: dict[str, Tour]) -> None:
    assert "росатом" in selectors.tour_search_suggestions(q="росатм")
    assert found("рсатом") == []
    assert "росатом" in selectors.tour_search_suggestions(q="рсатом")
    assert "композитные" in selectors.tour_search_suggestions(q="кампозитные")


def test_known_words_get_no_suggestion(catalogue: dict[str, Tour]) -> None:
    assert selectors.tour_search_suggestions(q="сыра росатом") == []


def test_drafts_are_neither_found_nor_suggested(catalogue: dict[str, Tour]) -> None:
    TourFactory(title="Секретный цех", state=Tour.State.DRAFT)
    assert found("секретный") == []
    assert "секретный" not in selectors.tour_search_suggestions(q="секретнй")


def test_the_catalogue_highlights_and_suggests(client: Any, catalogue: dict[str, Tour]) -> None:
    body = client.get(reverse("tours:catalogue"), {"q": "росатома"}).content.decode()
    assert "Накопители энергии" in body and "<mark>Росатом</mark>" in body and "Как делают сыр" not in body
    body = client.get(reverse("tours:catalogue"), {"q": "накопитель"}).content.decode()
    assert "<mark>Накопители</mark> энергии: как их делают" in body
    body = client.get(reverse("tours:catalogue"), {"q": "рсатом"}).content.decode()
    assert "Ничего не найдено. Возможно, вы искали:" in body
    assert '<a href="/tours/?q=%D1%80%D0%BE%D1%81%D0%B0%D1%82%D0%BE%D0%BC">росатом</a>' in body
    # The suggestion keeps the other words of the query.
    body = client.get(reverse("tours:catalogue"), {"q": "Накопители рсатом"}).content.decode()
    assert (
        '<a href="/tours/?q=%D0%BD%D0%B0%D0%BA%D0%BE%D0%BF%D0%B8%D1%82%D0%B5%D0%BB%D0%B8%20%D1%80%D0%BE%D1%81%D0%B0%D1%82%D0%BE%D0%BC">'
        in body
    )
    assert "накопители росатом</a>" in body


def test_the_catalogue_escapes_the_query(client: Any, catalogue: dict[str, Tour]) -> None:
    body = client.get(reverse("tours:catalogue"), {"q": "<script>сыр"}).content.decode()
    assert "<script>сыр" not in body and "&lt;script&gt;сыр" in body


def test_the_api_searches_the_same_way(client: Any, catalogue: dict[str, Tour]) -> None:
    items = client.get("/api/v1/tours", {"q": "rosatom"}).json()["items"]
    assert [t["title"] for t in items] == ["Накопители энергии: как их делают"]
    items = client.get("/api/v1/tours", {"q": "композиты"}).json()["items"]
    assert [t["title"] for t in items] == ["Композитные технологии", "Мост из пластика"]


def test_a_search_keeps_a_constant_number_of_queries(client: Any, catalogue: dict[str, Tour]) -> None:
    client.get(reverse("tours:catalogue"), {"q": "экскурсия"})  # warms the vocabulary cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("tours:catalogue"), {"q": "экскурсии"}).status_code == 200
    host = catalogue["storage"].host
    for n in range(12):
        TourFactory(title=f"Экскурсия по цеху {n}", host=host)
    client.get(reverse("tours:catalogue"), {"q": "экскурсию"})
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("tours:catalogue"), {"q": "экскурсиями"}).status_code == 200
    assert 0 < len(many.captured_queries) <= len(few.captured_queries) <= 14
