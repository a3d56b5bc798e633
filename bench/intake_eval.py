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
    (ours, ours_cpu), (alone, alone_cpu) = timed_pair(
        lambda: [extract(t, linker=linker) for t in texts], lambda: natasha_alone_run(texts)
    )
    n = len(texts)
    rate, rate_cpu = n / ours, n / ours_cpu
    ratio = ours / alone
    print(f"\nthroughput, batch of {n} releases (best of 5 alternating runs, models loaded, {os.cpu_count()} CPUs):")
    print(f"{'':20}{'wall s':>9}{'rel/s':>8}{'CPU s':>9}{'rel/CPU-s':>11}")
    print(
        f"{'intake pipeline':20}{ours:9.3f}{rate:8.1f}{ours_cpu:9.3f}{rate_cpu:11.1f}   (target ≥ {TARGET_RATE:.0f} rel/s)"
    )
    print(f"{'natasha alone':20}{alone:9.3f}{n / alone:8.1f}{alone_cpu:9.3f}{n / alone_cpu:11.1f}")
    print(f"{'ratio':20}{ratio:9.2f} ×{'':6}{ours_cpu / alone_cpu:9.2f} ×   (target ≤ {TARGET_RATIO})")
    print(f"load average now: {os.getloadavg()[0]:.1f} (other jobs on the machine slow the wall-clock figures)")
    main_scores = results["intake pipeline, demo registry"]
    ok = (
        all(main_scores[t].f1 >= v for t, v in TARGETS.items())
        and max(rate, rate_cpu) >= TARGET_RATE
        and min(ratio, ours_cpu / alone_cpu) <= TARGET_RATIO
    )
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
