"""The OpenAPI document speaks the request's language: the docs page on the Russian site showed an English title and
English operation summaries; in English it stays English."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

CYRILLIC = re.compile("[а-яё]", re.I)


def _summaries(document: dict[str, Any]) -> list[str]:
    return [op["summary"] for item in document["paths"].values() for op in item.values() if isinstance(op, dict)]


def test_russian_by_default(client: Any, db: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "API открытых данных Моспрома"
    assert document["info"]["description"].startswith("Открытые данные департамента")
    summaries = _summaries(document)
    assert len(summaries) >= 48
    assert [s for s in summaries if not CYRILLIC.search(s)] == []
    assert "Список площадок" in summaries and "Записаться на сеанс" in " ".join(summaries)


def test_english_when_chosen(client: Any, db: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Mosprom open data API"
    summaries = _summaries(document)
    assert "List sites" in summaries and [s for s in summaries if CYRILLIC.search(s)] == []
