"""Benchmark: the folded organisation search (search_text column + core.text.fold) against plain icontains.

Run: .venv/bin/python bench/registry_search.py [N]   (default N = 5000 organisations)
Sets Django up itself on a temporary SQLite database and prints the timings and their ratio.
Two baselines, measured in the same run:
- plain `short_name__icontains`: fast but wrong on SQLite (LIKE folds only ASCII, so «росатом» misses «Росатом»);
- folding in Python over every row: correct but reads the whole table.
Hit counts are printed so the difference in results is visible.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = tempfile.mkdtemp(prefix="mosprom-bench-")
os.environ["MOSPROM_VAR_DIR"] = TMP
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosprom.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
QUERIES = ["росатом", "РОСАТОМ", "нано", "технополис", "ёлка", "ооо «фарм", "лаб 12"]
ROUNDS = 15


def populate() -> None:
    from mosprom.core.text import fold_all
    from mosprom.registry.models import Organisation

    rng = random.Random(2026)
    heads = ["Техно", "Нано", "Фарм", "Росатом", "Ёлка", "Микро", "Опто", "Технополис", "Композит", "Лаб"]
    rows = []
    for i in range(N):
        name = f"ООО «{rng.choice(heads)}{rng.choice(['сервис', 'лаб', 'тех', 'пром'])} {i}»"
        full = f"Общество с ограниченной ответственностью {name}"
        rows.append(
            Organisation(
                short_name=name, full_name=full, slug=f"org-{i}", search_text=fold_all([name, full]), is_demo=True
            )
        )
    Organisation.objects.bulk_create(rows, batch_size=1000)


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    call_command("migrate", verbosity=0)
    populate()
    from mosprom.core.text import fold
    from mosprom.registry import selectors
    from mosprom.registry.models import Organisation

    print(f"Organisations: {N}; database: {connection.vendor}; {ROUNDS} rounds per query, median shown")
    print(
        f"{'query':<14}{'folded ms':>11}{'hits':>7}{'icontains ms':>14}{'hits':>7}{'ratio':>8}"
        f"{'py-fold ms':>12}{'hits':>7}{'ratio':>8}"
    )
    ratios, py_ratios = [], []
    for q in QUERIES:
        folded = timed(lambda q=q: list(selectors.organisation_list(q=q).values_list("pk", flat=True)))
        baseline = timed(
            lambda q=q: list(Organisation.objects.filter(short_name__icontains=q).values_list("pk", flat=True))
        )
        folded_hits = selectors.organisation_list(q=q).count()
        baseline_hits = Organisation.objects.filter(short_name__icontains=q).count()
        words = fold(q).split()

        def python_fold(words: list[str] = words) -> list[int]:
            return [
                pk
                for pk, short, full in Organisation.objects.values_list("pk", "short_name", "full_name")
                if all(w in fold(short) + " " + fold(full) for w in words)
            ]

        py = timed(python_fold)
        py_hits = len(python_fold())
        ratio = folded / baseline if baseline else float("nan")
        py_ratio = folded / py if py else float("nan")
        ratios.append(ratio)
        py_ratios.append(py_ratio)
        print(
            f"{q:<14}{folded * 1000:>11.2f}{folded_hits:>7}{baseline * 1000:>14.2f}{baseline_hits:>7}{ratio:>8.2f}"
            f"{py * 1000:>12.2f}{py_hits:>7}{py_ratio:>8.2f}"
        )
    print(f"median ratio folded / icontains: {statistics.median(ratios):.2f}")
    print(f"median ratio folded / python-fold: {statistics.median(py_ratios):.2f}")


if __name__ == "__main__":
    main()
