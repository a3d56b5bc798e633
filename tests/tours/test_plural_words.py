"""Counts shown with a noun agree with their number: «с 21 года» / «с 14 лет», «не больше 1 человека» / «30 человек»."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from mosprom.tours import rules

from .conftest import make_session, make_tour


@pytest.mark.parametrize(("age", "words"), [(21, "с 21 года"), (14, "с 14 лет"), (3, "с 3 лет")])
def test_the_tour_page_names_the_minimum_age(client: Any, db: Any, age: int, words: str) -> None:
    tour = make_tour(min_age=age)
    make_session(tour)
    html = client.get(tour.get_absolute_url()).content.decode()
    assert re.search(rf"<dd>\s*{words}\s*</dd>", html), words


@pytest.mark.parametrize(("limit", "words"), [(30, "не больше 30 человек."), (21, "не больше 21 человека.")])
def test_a_too_big_party_is_told_the_limit_in_words_that_agree(limit: int, words: str) -> None:
    with override_settings(TOURS_MAX_PARTY_SIZE=limit), pytest.raises(ValidationError) as refused:
        rules.validate_visitor(
            name="Анна",
            email="anna@example.com",
            phone="+74951234567",
            party_size=limit + 1,
            group_name="",
            group_leader="",
            consent=True,
        )
    assert list(refused.value.message_dict) == ["party_size"]
    assert words in refused.value.message_dict["party_size"][0]
