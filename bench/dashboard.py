"""Benchmark: the KPI dashboard (and the printable report) cold and cached over the synthetic city-scale data set;
EXPLAIN ANALYZE of the slowest query.

    .venv/bin/python bench/dashboard.py [--scale 1] [--rounds 15] [--json out.json]

Uses DATABASE_URL, else starts a temporary PostgreSQL (scripts/pg-temp.sh; --sqlite for a temporary SQLite file).
Loads bench/datagen.py's data at --scale when no synthetic data is there. Requests go through the whole Django
stack in-process (django.test.Client). "Cold" clears the cache before every request (every KPI is recomputed
from the tables: what the first visitor after a change pays); "cached" is the same page with the KPI cache warm
(the baseline: rendering only). The ratio cold / cached is printed.
Target (issue 12): KPI dashboard p95 < 200 ms cold at 1,000,000 registrations.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import catalog, common

TARGET_COLD_P95_MS = 200.0


def run(*, rounds: int = 15, log: Callable[[str], None] = print) -> dict[str, Any]:
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    with contextlib.suppress(RuntimeError):  # already set up (e.g. under pytest)
        setup_test_environment()
    client = Client()
    year = timezone.localdate().year - 1
    results: list[common.PageResult] = []
    pages = (
        ("dashboard", "/analytics/"),
        ("dashboard, last year", f"/analytics/?year={year}"),
        ("dashboard, tourism", "/analytics/?section=tourism"),
    )
    for name, url in pages:
        results.append(common.measure_page(client, f"{name} (cold)", url, rounds=rounds, before=cache.clear))
        cache.clear()
        results.append(common.measure_page(client, f"{name} (cached)", url, rounds=rounds, warmup=2))
    results.append(
        common.measure_page(client, "report (cold)", "/analytics/report/", rounds=rounds, before=cache.clear)
    )
    rows = [r.row() for r in results]
    common.print_table(rows, log)
    cold, cached = rows[0], rows[1]
    ratio = cold["p50_ms"] / cached["p50_ms"] if cached["p50_ms"] else float("nan")
    log(f"\nratio cold / cached (p50, dashboard): {ratio:.1f}x")
    slowest_page = max(results, key=lambda r: r.slowest[0])
    seconds, sql = slowest_page.slowest
    plan = common.explain(sql) if sql else ""
    log(f"\nslowest query ({seconds * 1000:.1f} ms, page «{slowest_page.name}»):\n{sql}\n\nplan:\n{plan}")
    log(
        f"\ndashboard cold p95: {cold['p95_ms']:.1f} ms "
        f"(target < {TARGET_COLD_P95_MS:.0f} ms: {'met' if cold['p95_ms'] < TARGET_COLD_P95_MS else 'MISSED'})"
    )
    return {
        "pages": rows,
        "ratio_cold_cached": ratio,
        "slowest_query": {"ms": seconds * 1000, "page": slowest_page.name, "sql": sql, "plan": plan},
        "cold_p95_ms": cold["p95_ms"],
        "target_cold_p95_ms": TARGET_COLD_P95_MS,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = catalog.prepare(argv, "KPI dashboard cold and cached: server time and queries")
    sizes = catalog.data_sizes()
    print(f"{common.database_version()}; data: {sizes}; {args.rounds} rounds per page")
    figures = run(rounds=args.rounds)
    figures["data"] = sizes
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    return figures


if __name__ == "__main__":
    main()
