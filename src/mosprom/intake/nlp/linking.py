"""Linking names found in a release to registry organisations and sites through their name variants.

Keys ignore quotes, legal forms, case and ё/е; exact keys win, rapidfuzz finds near spellings. The linker is
built from plain rows, so it can be built from the database (`Linker.from_registry()`) or from any list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from .names import SITE_DESCRIPTORS, fold, lemma_key, strip_descriptors, unquote, words

SITE_WORDS = {"оэз", "особый", "экономический", "зона", "технополис", "технопарк", "индустриальный", "парк",
              "промышленный", "комплекс", "площадка", "инновационный", "территориальный", "кластер", "городской"}  # fmt: skip


@dataclass
class Entry:
    kind: str  # organisation | site
    registry_id: int
    name: str
    registry_kind: str = ""
    keys: set[str] = field(default_factory=set)


def site_key(text: str) -> str:
    key = lemma_key(strip_descriptors(text))
    rest = [w for w in key.split() if w not in SITE_WORDS]
    return " ".join(rest) or key


class Linker:
    FUZZY = 90

    def __init__(self, entries: list[Entry] | None = None) -> None:
        self.entries = entries or []
        self.by_key: dict[tuple[str, str], Entry] = {}
        for entry in self.entries:
            for key in entry.keys:
                self.by_key.setdefault((entry.kind, key), entry)
        self._choices: dict[str, list[tuple[str, Entry]]] = {"organisation": [], "site": []}
        for (kind, key), entry in self.by_key.items():
            self._choices[kind].append((key, entry))

    @staticmethod
    def organisation_entry(pk: int, names: list[str], kind: str = "") -> Entry:
        keys = set()
        for name in names:
            if name:
                keys.add(lemma_key(strip_descriptors(name)))
                keys.add(lemma_key(name))
        keys.discard("")
        return Entry("organisation", pk, names[0], kind, keys)

    @staticmethod
    def site_entry(pk: int, names: list[str], kind: str = "") -> Entry:
        keys = {lemma_key(strip_descriptors(n)) for n in names if n} | {lemma_key(unquote(n)) for n in names if n}
        keys.discard("")
        return Entry("site", pk, names[0], kind, keys)

    @classmethod
    def from_rows(cls, organisations: list[dict[str, Any]], sites: list[dict[str, Any]]) -> Linker:
        entries = [
            cls.organisation_entry(
                row["id"],
                [row["short_name"], row.get("full_name", ""), *row.get("name_variants", [])],
                row.get("kind", ""),
            )
            for row in organisations
        ]
        entries += [
            cls.site_entry(row["id"], [row["name"], *row.get("name_variants", [])], row.get("kind", ""))
            for row in sites
        ]
        return cls(entries)

    @classmethod
    def from_registry(cls) -> Linker:
        from mosprom.registry.models import Organisation, Site

        orgs = [
            dict(row) for row in Organisation.objects.values("id", "short_name", "full_name", "name_variants", "kind")
        ]
        sites = [dict(row) for row in Site.objects.values("id", "name", "kind")]
        return cls.from_rows(orgs, sites)

    def link(self, kind: str, name: str) -> tuple[Entry | None, float]:
        if not self.entries or not name:
            return None, 0.0
        keys = [lemma_key(unquote(name)), lemma_key(strip_descriptors(name))]
        for key in keys:
            entry = self.by_key.get((kind, key))
            if entry is not None:
                return entry, 1.0
        choices = self._choices[kind]
        if not choices:
            return None, 0.0
        key = keys[-1]
        if len(key) < 4:
            return None, 0.0
        for query in (key, fold(strip_descriptors(name))):
            best = process.extractOne(query, [c[0] for c in choices], scorer=fuzz.ratio)
            if best and best[1] >= self.FUZZY:
                return choices[best[2]][1], round(best[1] / 100, 2)
        if len(words(key)) >= 3:
            best = process.extractOne(key, [c[0] for c in choices], scorer=fuzz.token_set_ratio)
            if best and best[1] >= 95 and len(words(choices[best[2]][0])) >= 3:
                return choices[best[2]][1], round(best[1] / 100 * 0.9, 2)
        return None, 0.0

    def is_site_name(self, name: str) -> bool:
        entry, score = self.link("site", name)
        return entry is not None and score >= 0.95


__all__ = ["SITE_DESCRIPTORS", "Entry", "Linker", "site_key"]
