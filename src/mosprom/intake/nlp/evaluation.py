"""Scoring an extraction against hand-made gold annotations (tests/intake/gold/*.json).

Organisations and sites match when the predicted name, without quotes, legal forms and kind words, is the gold
name or one of its variants (case and ё/е aside — a name left in an oblique case does not match). People match by
surname and first initial. Quantified facts match one to one on value and qualifier.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .names import fold, strip_descriptors

TYPES = ("organisations", "people", "sites", "facts")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors += other.errors


def name_key(name: str) -> str:
    return fold(strip_descriptors(name)).replace("#", "#")


def _match_names(predicted: list[str], gold: list[dict[str, Any]], label: str) -> Score:
    score = Score()
    unmatched = list(range(len(gold)))
    for name in predicted:
        key = name_key(name)
        hit = next(
            (i for i in unmatched if key in {name_key(v) for v in [gold[i]["name"], *gold[i].get("variants", [])]}),
            None,
        )
        if hit is None:
            score.fp += 1
            score.errors.append(f"{label} FP {name}")
        else:
            unmatched.remove(hit)
            score.tp += 1
    score.fn += len(unmatched)
    score.errors += [f"{label} FN {gold[i]['name']}" for i in unmatched]
    return score


def _person_key(name: str) -> tuple[str, str]:
    parts = fold(name).replace(".", " ").split()
    if not parts:
        return "", ""
    return parts[-1], parts[0][:1] if len(parts) > 1 else ""


def _match_people(predicted: list[str], gold: list[dict[str, Any]]) -> Score:
    score = Score()
    unmatched = list(range(len(gold)))
    for name in predicted:
        last, initial = _person_key(name)
        hit = next(
            (
                i
                for i in unmatched
                if _person_key(gold[i]["name"])[0] == last
                and (not initial or not _person_key(gold[i]["name"])[1] or _person_key(gold[i]["name"])[1] == initial)
            ),
            None,
        )
        if hit is None:
            score.fp += 1
            score.errors.append(f"person FP {name}")
        else:
            unmatched.remove(hit)
            score.tp += 1
    score.fn += len(unmatched)
    score.errors += [f"person FN {gold[i]['name']}" for i in unmatched]
    return score


def _match_facts(predicted: list[dict[str, Any]], gold: list[dict[str, Any]]) -> Score:
    score = Score()
    unmatched = list(range(len(gold)))
    for fact in predicted:
        if fact.get("value") is None:
            continue  # events (agreements, new organisations) are not quantified figures
        candidates = [
            i
            for i in unmatched
            if float(gold[i]["value"]) == float(fact["value"]) and gold[i]["qualifier"] == fact["qualifier"]
        ]
        # prefer the one with the same counted noun
        candidates.sort(key=lambda i: gold[i].get("unit") != fact.get("unit"))
        if candidates:
            unmatched.remove(candidates[0])
            score.tp += 1
        else:
            score.fp += 1
            score.errors.append(
                f"fact FP {fact['value']} {fact['qualifier']} {fact.get('unit')} «{fact.get('quote', '')[:60]}»"
            )
    score.fn += len(unmatched)
    score.errors += [f"fact FN {gold[i]['value']} {gold[i]['qualifier']} «{gold[i]['quote']}»" for i in unmatched]
    return score


def score_one(result: dict[str, Any], gold: dict[str, Any]) -> dict[str, Score]:
    return {
        "organisations": _match_names([o["name"] for o in result["organisations"]], gold["organisations"], "org"),
        "people": _match_people([p["name"] for p in result["people"]], gold["people"]),
        "sites": _match_names([s["name"] for s in result["sites"]], gold["sites"], "site"),
        "facts": _match_facts(result["facts"], gold["facts"]),
    }


def load_gold(gold_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))]


def evaluate(
    extract_json: Callable[[str, str], dict[str, Any]], gold: Iterable[dict[str, Any]], seeds_dir: Path
) -> dict[str, Score]:
    totals = {t: Score() for t in TYPES}
    for g in gold:
        raw = (seeds_dir / g["file"]).read_text(encoding="utf-8")
        result = extract_json(raw, g["file"])
        for t, s in score_one(result, g).items():
            s.errors = [f"{g['file']}: {e}" for e in s.errors]
            totals[t].add(s)
    return totals


def natasha_alone_json(raw: str, file: str = "") -> dict[str, Any]:
    """The baseline: natasha's NER on the raw text, names normalised by natasha, a plain number regex for facts."""
    import re

    from natasha import Doc

    from .models import models

    m = models()
    doc = Doc(raw)
    doc.segment(m.segmenter)
    doc.tag_morph(m.morph_tagger)
    doc.tag_ner(m.ner_tagger)
    orgs: dict[str, None] = {}
    people: dict[str, None] = {}
    for span in doc.spans:
        span.normalize(m.morph_vocab)
        if span.type == "ORG":
            orgs[span.normal] = None
        elif span.type == "PER":
            people[span.normal] = None
    facts = [
        {"value": float(x.group().replace(" ", "").replace(",", ".")), "qualifier": "exact", "unit": None}
        for x in re.finditer(r"\d+(?:[ ,]\d+)*", raw)
    ]
    return {
        "organisations": [{"name": o} for o in orgs],
        "people": [{"name": p} for p in people],
        "sites": [],
        "facts": facts,
    }


def natasha_alone_run(texts: list[str]) -> None:
    from natasha import Doc

    from .models import models

    m = models()
    for raw in texts:
        doc = Doc(raw)
        doc.segment(m.segmenter)
        doc.tag_morph(m.morph_tagger)
        doc.tag_ner(m.ner_tagger)


def timed_pair(
    first: Callable[[], None], second: Callable[[], None], rounds: int = 5
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Best (wall, CPU) times of two workloads run alternately, so a busy machine slows both alike. The CPU time
    of this process is what the work costs when the machine is shared with other jobs."""
    best = [[float("inf"), float("inf")], [float("inf"), float("inf")]]
    for _ in range(rounds):
        for k, fn in enumerate((first, second)):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            best[k][0] = min(best[k][0], time.perf_counter() - wall)
            best[k][1] = min(best[k][1], time.process_time() - cpu)
    return (best[0][0], best[0][1]), (best[1][0], best[1][1])
