"""Error messages in plain words: each names the field and says what to do, in Russian and in English — never
Django's «Обязательное поле.» or «Убедитесь, что это значение…» (party size 0, a 5,000-character name, feedback
without a rating and an empty new tour were seen answering those)."""

from typing import Any

import pytest
from django.utils import translation

from mosprom.tours.forms import CapacityForm, FeedbackForm, RegistrationForm, TourForm
from tests.factories import SessionFactory

DJANGO_DEFAULTS_RU = ("Обязательное поле", "Убедитесь", "Выберите корректный вариант", "Введите целое число")
DJANGO_DEFAULTS_EN = ("This field is required", "Ensure this value", "Select a valid choice", "Enter a whole number")


def _registration(data: dict[str, Any]) -> RegistrationForm:
    session = SessionFactory()
    base = {"session": session.pk, "name": "Анна", "email": "anna@example.com", "phone": "+7 495 123-45-67"}
    base.update({"party_size": 1, "consent": "on"})
    base.update(data)
    return RegistrationForm(base, sessions=[session])


def _messages(form: Any, field: str) -> list[str]:
    assert not form.is_valid()
    return [str(message) for message in form.errors[field]]


@pytest.mark.django_db
def test_party_size_zero_names_the_field_in_both_languages() -> None:
    with translation.override("ru"):
        [message] = _messages(_registration({"party_size": 0}), "party_size")
        assert not message.startswith(DJANGO_DEFAULTS_RU) and "1" in message
        assert "Сколько человек" in message or "сколько человек" in message
    with translation.override("en"):
        [message] = _messages(_registration({"party_size": 0}), "party_size")
        assert not message.startswith(DJANGO_DEFAULTS_EN) and "1" in message
        assert "how many people" in message.lower()


@pytest.mark.django_db
def test_a_5000_character_name_says_how_long_it_may_be() -> None:
    with translation.override("ru"):
        [message] = _messages(_registration({"name": "А" * 5000}), "name")
        assert message == "Сократите «Ваше имя» до 200 символов: сейчас 5\u202f000."
    with translation.override("en"):
        [message] = _messages(_registration({"name": "A" * 5000}), "name")
        assert message == "Shorten “Your name” to 200 characters or fewer: it has 5,000."


def test_feedback_without_a_rating_asks_for_the_rating() -> None:
    with translation.override("ru"):
        [message] = _messages(FeedbackForm({"comment": "Хорошо"}), "rating")
        assert not message.startswith(DJANGO_DEFAULTS_RU) and "оцен" in message.lower()
    with translation.override("en"):
        [message] = _messages(FeedbackForm({"comment": "Fine"}), "rating")
        assert not message.startswith(DJANGO_DEFAULTS_EN) and "rat" in message.lower()


@pytest.mark.django_db
def test_an_empty_new_tour_names_every_missing_field() -> None:
    for language, defaults in (("ru", DJANGO_DEFAULTS_RU), ("en", DJANGO_DEFAULTS_EN)):
        with translation.override(language):
            form = TourForm({}, organisation_ids=None)
            assert not form.is_valid()
            assert {"host", "title", "format"} <= set(form.errors)
            for name, errors in form.errors.items():
                label = str(form.fields[name].label)
                for message in errors:
                    assert not message.startswith(defaults), (language, name, message)
                    assert label in message, (language, name, message)


def test_limits_of_numbers_name_the_field_and_the_limit() -> None:
    with translation.override("ru"):
        [message] = _messages(CapacityForm({"capacity": 20000}), "capacity")
        assert message == "Укажите в поле «Мест всего» не больше 10\u202f000."
    with translation.override("en"):
        [message] = _messages(CapacityForm({"capacity": -1}), "capacity")
        assert message == "Enter 0 or more in “Capacity”."


def _empty_state(html: str) -> str:
    start = html.index('data-testid="empty-state"')
    return html[start : html.index("</div>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "other_filter", "words_only"),
    [
        (
            "/tours/",
            {"free": "on"},
            ("Проверьте написание или уберите лишние слова.", "Check the spelling or use fewer words."),
        ),
        (
            "/organisations/",
            {"kind": "company"},
            ("Проверьте написание или сократите название.", "Check the spelling or try a shorter name."),
        ),
        (
            "/productions/",
            {"import_substitution": "on"},
            ("Проверьте написание или сократите слово.", "Check the spelling or try a shorter word."),
        ),
    ],
)
def test_a_search_without_filters_does_not_ask_to_clear_filters(
    client: Any, url: str, other_filter: dict[str, str], words_only: tuple[str, str]
) -> None:
    ru, en = words_only
    alone = _empty_state(client.get(url, {"q": "абракадабра"}).content.decode())
    assert ru in alone and "фильтр" not in alone
    filtered = _empty_state(client.get(url, {"q": "абракадабра", **other_filter}).content.decode())
    assert "фильтр" in filtered
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = _empty_state(client.get(url, {"q": "abracadabra"}).content.decode())
    assert en in english and "filter" not in english
    assert "filters" in _empty_state(client.get(url, {"q": "abracadabra", **other_filter}).content.decode())
