"""403, 404, 429 and 500 are styled pages in the visitor's language (Russian first, English by the switch)."""

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]

EXPECTED = {
    "ru": {
        403: ("Доступ запрещён", "Ваша учётная запись не даёт доступа к этой странице."),
        404: ("Страница не найдена", "Если вы вводили адрес вручную, проверьте его."),
        429: ("Слишком много запросов", "Слишком много попыток. Повторите через 2 мин."),
        500: ("Извините, на сервере произошла ошибка", "Попробуйте снова через несколько минут."),
    },
    "en": {
        403: ("Access denied", "Your account does not give access to this page."),
        404: ("Page not found", "If you typed the address, check it is correct."),
        429: ("Too many requests", "Too many attempts. Please try again in 2 min."),
        500: ("Sorry, something went wrong on our side", "Please try again in a few minutes."),
    },
}
HOME_LINK = {"ru": "На главную", "en": "Go to the home page"}


def _client(language: str) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("status", [403, 404, 429, 500])
def test_error_page_is_styled_and_translated(settings: Any, language: str, status: int) -> None:
    settings.DEBUG = False
    response = _client(language).get(f"/test-errors/{status}/")
    assert response.status_code == status
    body = response.content.decode()
    heading, explanation = EXPECTED[language][status]
    assert f"<h1>{heading}</h1>" in body
    assert explanation in body
    assert f'<html lang="{language}">' in body
    assert 'class="site-header"' in body and 'class="error-page"' in body
    assert "/static/css/mosprom.css" in body
    assert f'<a class="button" href="/">{HOME_LINK[language]}</a>' in body
    other = "en" if language == "ru" else "ru"
    assert EXPECTED[other][status][0] not in body
    assert "Traceback" not in body and "a bug on purpose" not in body


def test_unknown_address_is_the_styled_404_in_english(settings: Any) -> None:
    settings.DEBUG = False
    response = _client("en").get("/no-such-page-at-all/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_the_500_page_asks_nothing_of_the_database(settings: Any, django_assert_num_queries: Any) -> None:
    settings.DEBUG = False
    with django_assert_num_queries(0):
        response = _client("ru").get("/test-errors/500/")
    assert response.status_code == 500


def test_429_says_when_to_come_back(settings: Any) -> None:
    settings.DEBUG = False
    response = _client("ru").get("/test-errors/429/")
    assert response["Retry-After"] == "120"
