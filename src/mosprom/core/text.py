"""Russian-aware text folding for search that works the same on SQLite and PostgreSQL.

SQLite's LIKE folds only ASCII, so every searchable model keeps a `search_text` column with
its names folded by `fold()`; queries fold the user's words the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_QUOTES = re.compile(r"[«»\"'„“”]")
_SPACES = re.compile(r"\s+")


def fold(value: str | None) -> str:
    if not value:
        return ""
    text = value.casefold().replace("ё", "е")
    text = _QUOTES.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def fold_all(values: Iterable[str | None]) -> str:
    return " | ".join(f for f in (fold(v) for v in values) if f)


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def transliterate(text: str) -> str:
    """Russian to Latin letters for readable URLs («Новый цех» → «Novyy tsekh»)."""
    out = []
    for ch in text:
        latin = _TRANSLIT.get(ch.lower())
        if latin is None:
            out.append(ch)
        else:
            out.append(latin if ch.islower() else latin.capitalize())
    return "".join(out).replace("_", "")
