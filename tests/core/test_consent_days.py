"""The consent's «erased N days after the session» agrees with the number of days, which is a setting."""

from typing import Any

import pytest
from django.test import Client


@pytest.mark.parametrize(
    ("days", "phrase"),
    [(180, "через 180 дней после сеанса"), (21, "через 21 день после сеанса"), (3, "через 3 дня после сеанса")],
)
@pytest.mark.django_db
def test_the_consent_names_its_days_in_the_right_form(client: Client, settings: Any, days: int, phrase: str) -> None:
    settings.TOURS_PURGE_DAYS_AFTER = days
    html = client.get("/privacy/consent/").content.decode()
    assert phrase in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/privacy/consent/").content.decode()
    assert f"erased {days} days after the session" in english
