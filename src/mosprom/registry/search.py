"""The registry's search columns (`search_title`, `search_text`) built with `core.search.document`.

The functions take any object with the model's attributes, so the data migrations recompute existing rows with
exactly what `save()` uses. An organisation's column carries its parent's names («росатом» finds «Рэнера»); so does
a production's, through its organisation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import Case, ExpressionWrapper, IntegerField, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from rapidfuzz import fuzz

from mosprom.core.search import WORD, document, lemma, nearest, stem_prefix, terms, words


def organisation_names(organisation: Any) -> list[str | None]:
    if organisation is None:
        return []
    return [organisation.short_name, organisation.full_name, *(organisation.name_variants or [])]


def site_columns(site: Any) -> tuple[str, str]:
    return document([site.name]), document([site.name, site.get_kind_display(), site.address])


def organisation_columns(organisation: Any) -> tuple[str, str]:
    parent = organisation.parent if organisation.parent_id else None
    names = organisation_names(organisation)
    return document(names), document([*names, *organisation_names(parent), organisation.inn])


def production_columns(production: Any) -> tuple[str, str]:
    organisation = production.organisation if production.organisation_id else None
    parent = organisation.parent if organisation is not None and organisation.parent_id else None
    return document([production.product]), document(
        [production.product, production.description, *organisation_names(organisation), *organisation_names(parent)]
    )


def recompute(queryset: Any, columns: Any, *, batch_size: int = 500) -> int:
    """Recompute the two columns of every row of `queryset` (already select_related as `columns` needs), batched."""
    batch: list[Any] = []
    done = 0
    for row in queryset.iterator(chunk_size=batch_size):
        row.search_title, row.search_text = columns(row)
        batch.append(row)
        if len(batch) >= batch_size:
            queryset.model.objects.bulk_update(batch, ["search_title", "search_text"])
            done += len(batch)
            batch = []
    if batch:
        queryset.model.objects.bulk_update(batch, ["search_title", "search_text"])
        done += len(batch)
    return done


# --- queries ------------------------------------------------------------------------------------------------------

MAX_TERMS = 8


# Prepositions, conjunctions and particles: a query «экскурсия на завод в москве» must not require «в» or «на».
STOP_WORDS = frozenset(
    [
        "а",
        "в",
        "во",
        "да",
        "для",
        "до",
        "же",
        "за",
        "и",
        "из",
        "или",
        "к",
        "как",
        "ко",
        "ли",
        "на",
        "над",
        "не",
        "ни",
        "о",
        "об",
        "обо",
        "от",
        "по",
        "под",
        "при",
        "про",
        "с",
        "со",
        "у",
        "что",
    ]
)


def query_terms(q: str | None) -> list[str]:
    """The query's lemmas (at most MAX_TERMS, duplicates and stop words dropped unless nothing else is left);
    a NUL byte is never sent to the database."""
    seen: dict[str, None] = {}
    for term in terms((q or "").replace("\x00", " ")):
        seen.setdefault(term, None)
    meaningful = [term for term in seen if term not in STOP_WORDS]
    return (meaningful or list(seen))[:MAX_TERMS]


def match_q(q: str | None, column: str = "search_text") -> Q:
    """Every query term must start a word of the search column (any form of it, compounds by prefix)."""
    condition = Q()
    for term in query_terms(q):
        condition &= Q(**{f"{column}__contains": " " + stem_prefix(term)})
    return condition


def relevance(q: str | None, *, title: str = "search_title", text: str = "search_text") -> Any:
    """A rank computed in SQL: a term found as a whole word in the title counts most, by prefix in the title next,
    as a whole word elsewhere least (every row already matched every term by prefix)."""
    score: Any = Value(0)
    for term in query_terms(q):
        prefix = " " + stem_prefix(term)
        score = score + Case(
            When(**{f"{title}__contains": f" {term} "}, then=Value(4)),
            When(**{f"{title}__contains": prefix}, then=Value(2)),
            When(**{f"{text}__contains": f" {term} "}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return ExpressionWrapper(score, output_field=IntegerField())


def suggestions(q: str | None, *, key: str, fingerprint: Any, columns: Callable[[], Iterable[str]]) -> list[str]:
    """«Возможно, вы искали …»: for each query word the catalogue does not know (a typo), its nearest words.

    The vocabulary (words of the searchable titles, from `columns()`) is cached under `key` and `fingerprint`
    (e.g. the row count and the latest change), so an edit shows up at once."""
    if not query_terms(q):
        return []
    cache_key = f"search-vocabulary:{key}:{hashlib.sha256(repr(fingerprint).encode()).hexdigest()}"
    vocabulary = cache.get(cache_key)
    if vocabulary is None:
        found: set[str] = set()
        for column in columns():
            found.update(word for word in (column or "").split() if len(word) >= 3 and not word.isdigit())
        vocabulary = sorted(found)
        cache.set(cache_key, vocabulary, 600)
    known = set(vocabulary)
    unknown = [word for word in words(q) if word not in known and lemma(word) not in known]
    return nearest(" ".join(unknown), vocabulary) if unknown else []


def highlight(text: Any, q: str | None) -> SafeString:
    """`text` escaped, with the words the query matched wrapped in <mark> (every piece is escaped first)."""
    value = "" if text is None else str(text)
    prefixes = [stem_prefix(term) for term in query_terms(q)]
    if not prefixes:
        return escape(value)
    out: list[str] = []
    position = 0
    for found in WORD.finditer(value):
        out.append(escape(value[position : found.start()]))
        word = found.group(0)
        forms = document([word]).split()
        if any(form.startswith(prefix) for form in forms for prefix in prefixes):
            out.append(f"<mark>{escape(word)}</mark>")
        else:
            out.append(escape(word))
        position = found.end()
    out.append(escape(value[position:]))
    return mark_safe("".join(out))


def suggestion_links(q: str | None, suggested: list[str]) -> list[dict[str, str]]:
    """Each suggested word with the whole query it proposes: the closest query word replaced by it
    («экскурсия рсатом» → «экскурсия росатом»), so the other words and the search intent are kept."""
    query_words = words(q)
    links = []
    for word in suggested:
        if not query_words:
            break
        typo = max(query_words, key=lambda candidate: fuzz.ratio(candidate, word))
        links.append({"word": word, "query": " ".join(word if w == typo else w for w in query_words)})
    return links
