"""Russian search terms: word forms, case and ё, Latin transliteration, typos."""

import pytest

from mosprom.core import search


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("накопитель", "Накопители энергии: как их делают"),
        ("сыра", "Как делают сыр"),
        ("композитах", "Мост из композитов"),
        ("росатома", "Госкорпорация «Росатом»"),
        ("РОСАТОМ", "госкорпорация росатом"),
        ("ёлка", "Елки и ели"),
        ("rosatom", "Росатом"),
    ],
)
def test_a_query_word_finds_other_forms_of_it(query: str, text: str) -> None:
    doc = search.document([text])
    assert all(f" {search.stem_prefix(term)}" in doc for term in search.terms(query)), (search.terms(query), doc)


def test_compounds_match_by_prefix() -> None:
    doc = search.document(["Лекция «Композитные технологии»"])
    assert f" {search.stem_prefix(search.terms('Композиты')[0])}" in doc


def test_unrelated_words_do_not_match() -> None:
    doc = search.document(["Как делают сыр"])
    assert " " + search.stem_prefix(search.terms("металл")[0]) not in doc


def test_nearest_words_for_a_typo() -> None:
    assert search.nearest("росатм", ["росатом", "рэнера", "композит"]) == ["росатом"]
    assert search.nearest("кмпозит", ["росатом", "рэнера", "композит"]) == ["композит"]
    assert search.nearest("росатом", ["росатом"]) == []
