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
