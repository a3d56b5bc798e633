"""Intake evaluation: precision, recall and F1 per type on the hand-annotated seeds, and throughput.

Run: .venv/bin/python bench/intake_eval.py [--rounds N] [--errors]
- quality against tests/intake/gold/*.json for the intake pipeline, twice: linking with the demo registry (built
  from the seeds, as `make run` has it) and with an empty registry (a city that has entered nothing yet);
  natasha's NER alone (its normalised ORG/PER spans, a plain number regex) is scored the same way as a baseline;
- throughput of a batch (the five seeds repeated N times, models already loaded) for the whole intake pipeline
  and for natasha's own pipeline (segmentation, morphology, NER) alone on the same texts, in the same run.
Needs no database: the demo registry rows are read from mosprom.demo.registry.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosprom.settings")

import django  # noqa: E402

django.setup()

from mosprom.intake.nlp.evaluation import (  # noqa: E402
    TYPES,
    Score,
    evaluate,
    load_gold,
    natasha_alone_json,
    natasha_alone_run,
    timed_pair,
)
from mosprom.intake.nlp.linking import Linker  # noqa: E402
from mosprom.intake.nlp.models import models  # noqa: E402
from mosprom.intake.nlp.pipeline import extract  # noqa: E402

GOLD = ROOT / "tests" / "intake" / "gold"
SEEDS = ROOT / "tests" / "intake" / "seeds"
TARGETS = {"organisations": 0.90, "people": 0.95, "facts": 0.85}
TARGET_RATE = 15.0
TARGET_RATIO = 1.3


def demo_linker() -> Linker:
    from mosprom.demo import registry as demo

    orgs = [
        {
            "id": i + 1,
            "short_name": row["short_name"],
            "full_name": row.get("full_name", ""),
            "name_variants": row.get("variants", []),
            "kind": str(row.get("kind", "")),
        }
        for i, row in enumerate(demo.ORGANISATIONS)
    ]
    sites = [{"id": i + 1, "name": row["name"], "kind": str(row.get("kind", ""))} for i, row in enumerate(demo.SITES)]
    return Linker.from_rows(orgs, sites)


def table(title: str, scores: dict[str, Score]) -> None:
    print(f"\n{title}")
    print(f"{'type':<15}{'P':>7}{'R':>7}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}  target")
    for t in TYPES:
        s = scores[t]
        target = TARGETS.get(t)
        mark = "" if target is None else f"≥ {target:.2f} {'ok' if s.f1 >= target else 'MISSED'}"
        print(f"{t:<15}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp:5d}{s.fp:5d}{s.fn:5d}  {mark}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20, help="the five seeds are repeated this many times")
    parser.add_argument("--errors", action="store_true", help="list every false positive and negative")
    args = parser.parse_args()
    gold = load_gold(GOLD)
    models()  # load once, outside the timings
    linker = demo_linker()
    empty = Linker()

    results = {
        "intake pipeline, demo registry": evaluate(lambda raw, f: extract(raw, linker=linker).as_json(f), gold, SEEDS),
        "intake pipeline, empty registry": evaluate(lambda raw, f: extract(raw, linker=empty).as_json(f), gold, SEEDS),
        "natasha NER alone (baseline)": evaluate(natasha_alone_json, gold, SEEDS),
    }
    for title, scores in results.items():
        table(title, scores)
        if args.errors and not title.startswith("natasha"):
            for t in TYPES:
                for e in scores[t].errors:
                    print("   ", e)

    texts = [(SEEDS / g["file"]).read_text(encoding="utf-8") for g in gold] * args.rounds
    ours, alone = timed_pair(lambda: [extract(t, linker=linker) for t in texts], lambda: natasha_alone_run(texts))
    rate = len(texts) / ours
    ratio = ours / alone
    print(
        f"\nthroughput, batch of {len(texts)} releases (best of 5 alternating runs, models loaded, {os.cpu_count()} CPUs):"
    )
    print(f"  intake pipeline   {ours:7.3f} s   {rate:6.1f} releases/s   (target ≥ {TARGET_RATE:.0f})")
    print(f"  natasha alone     {alone:7.3f} s   {len(texts) / alone:6.1f} releases/s")
    print(f"  ratio             {ratio:7.2f} ×   (target ≤ {TARGET_RATIO})")
    main_scores = results["intake pipeline, demo registry"]
    ok = all(main_scores[t].f1 >= v for t, v in TARGETS.items()) and rate >= TARGET_RATE and ratio <= TARGET_RATIO
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
