"""Russian search: words reduced to their dictionary form (lemma) with pymorphy3, folded (case, ё→е).

Both the stored search column and the query go through `terms()`, so «накопитель» finds «накопители энергии»,
«сыра» finds «как делают сыр», «росатома» finds «Росатом» — on SQLite and PostgreSQL alike. The column keeps the
folded surface words as well as their lemmas (a name that is not in the dictionary still matches itself), and
`transliterations` lets a Latin query («rosatom») find a Cyrillic name.

`nearest(word, vocabulary)` is the typo fallback («ничего не найдено — возможно, вы искали …»): rapidfuzz over
the words of the catalogue; on PostgreSQL a trigram index can serve the same purpose at scale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

from .text import fold

WORD = re.compile(r"[0-9a-zа-яё]+", re.IGNORECASE)
_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
        "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
        "э": "e", "ю": "yu", "я": "ya",
    }
)  # fmt: skip


@lru_cache(maxsize=1)
def _morph():  # type: ignore[no-untyped-def]
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of one folded word («композитах» → «композит»); Latin words and numbers stay."""
    if not re.search("[а-я]", word):
        return word
    return fold(_morph().parse(word)[0].normal_form)


def words(text: str | None) -> list[str]:
    return WORD.findall(fold(text or ""))


def terms(text: str | None) -> list[str]:
    """The query's terms: each word's lemma (a query word matches any form of the same word)."""
    return [lemma(word) for word in words(text)]


def document(values: Iterable[str | None]) -> str:
    """The search column for a row: folded words, their lemmas and Latin transliterations, space-separated."""
    seen: dict[str, None] = {}
    for value in values:
        for word in words(value):
            for form in (word, lemma(word), word.translate(_LATIN)):
                seen.setdefault(form, None)
    return " " + " ".join(seen) + " "


def stem_prefix(term: str) -> str:
    """A term shortened for prefix matching of compounds and derived forms («композит» ⊂ «композитные»)."""
    return term if len(term) <= 5 else term[: max(5, len(term) - 2)]


def nearest(query: str, vocabulary: Iterable[str], *, limit: int = 3, cutoff: int = 75) -> list[str]:
    """Words of `vocabulary` closest to the query's words (typos): the «did you mean» suggestions."""
    choices = sorted(set(vocabulary))
    found: dict[str, float] = {}
    for word in words(query):
        for match, score, _ in process.extract(word, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff):
            if match != word:
                found[match] = max(score, found.get(match, 0))
    return [w for w, _ in sorted(found.items(), key=lambda item: -item[1])][:limit]
