"""Benchmark: server time and query count of the public catalogue (filters, search, deep pages), tour pages and
a partner's road map over the synthetic city-scale data set; EXPLAIN ANALYZE of the slowest query.

    .venv/bin/python bench/catalog.py [--scale 1] [--rounds 30] [--json out.json]

Uses DATABASE_URL, else starts a temporary PostgreSQL (scripts/pg-temp.sh; --sqlite for a temporary SQLite file).
Loads bench/datagen.py's data at --scale when no synthetic data is there. Every request goes through the whole
Django stack in-process (django.test.Client: middleware, view, selectors, template), so "server time" is what a
worker spends on the request without the network. The baseline printed beside each page is the time its
queries spent in the database (same requests): the ratio shows how much of the page is Python and templates.
Target (issue 12): catalogue and tour page p95 < 30 ms at 10,000 tours / 100,000 sessions.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common, datagen

TARGET_P95_MS = 30.0


def pages(today: date) -> list[tuple[str, str | list[str]]]:
    """(name, url or urls) of the pages measured; a list is measured round-robin as one page."""
    week = today + timedelta(days=7)
    month = today + timedelta(days=37)
    return [
        ("catalogue", "/tours/"),
        ("catalogue, page 40", "/tours/?page=40"),
        ("catalogue, search «хлеб»", "/tours/?q=%D1%85%D0%BB%D0%B5%D0%B1"),
        ("catalogue, search 2 words", "/tours/?q=%D0%B7%D0%B0%D0%B2%D0%BE%D0%B4+%D1%85%D0%BB%D0%B5%D0%B1"),
        ("catalogue, format+district+age", "/tours/?format=excursion&district=cao&age=14"),
        ("catalogue, free seats only", "/tours/?free=on"),
        ("catalogue, dates", f"/tours/?date_from={week:%Y-%m-%d}&date_to={month:%Y-%m-%d}"),
        ("tour page", [f"/tours/synth-tour-{k}/" for k in (0, 11, 222, 3333, 4444, 5005, 6116, 7227, 8338, 9448)]),
        ("road map", "/partnerships/partners/synth-corp-0/roadmap/"),
        ("road map, filtered", "/partnerships/partners/synth-corp-0/roadmap/?category=production"),
    ]


def run(*, rounds: int = 30, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Measure every page (Django must be set up and the synthetic data loaded)."""
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from mosprom.tours.models import Tour

    with contextlib.suppress(RuntimeError):  # already set up (e.g. under pytest)
        setup_test_environment()
    client = Client()
    results: list[common.PageResult] = []
    n_tours = Tour.objects.filter(slug__startswith=datagen.PREFIX).count()
    for name, target in pages(timezone.localdate()):
        urls = [target] if isinstance(target, str) else target
        # tour pages: only those that exist at this scale (slugs are synth-tour-<k>, published unless k % 10 == 9)
        urls = [u for u in urls if not u.startswith("/tours/synth-tour-") or int(u.rsplit("-", 1)[1][:-1]) < n_tours]
        result = common.PageResult(name, urls[0])
        per_url = max(1, rounds // len(urls))
        for url in urls:
            common.measure_page(client, name, url, rounds=per_url, result=result)
        results.append(result)
    rows = [r.row() for r in results]
    common.print_table(rows, log)
    slowest_page = max(results, key=lambda r: r.slowest[0])
    seconds, sql = slowest_page.slowest
    plan = common.explain(sql) if sql else ""
    log(f"\nslowest query ({seconds * 1000:.1f} ms, page «{slowest_page.name}»):\n{sql}\n\nplan:\n{plan}")
    worst_p95 = max(r["p95_ms"] for r in rows if r["page"] != "road map" and not str(r["page"]).startswith("road"))
    log(
        f"\nworst p95 of catalogue and tour pages: {worst_p95:.1f} ms "
        f"(target < {TARGET_P95_MS:.0f} ms: {'met' if worst_p95 < TARGET_P95_MS else 'MISSED'})"
    )
    return {
        "pages": rows,
        "slowest_query": {"ms": seconds * 1000, "page": slowest_page.name, "sql": sql, "plan": plan},
        "worst_catalogue_p95_ms": worst_p95,
        "target_p95_ms": TARGET_P95_MS,
    }


def data_sizes() -> dict[str, int]:
    from mosprom.registry.models import Organisation
    from mosprom.tours.models import Registration, Session, Tour

    return {
        "organisations": Organisation.objects.count(),
        "tours": Tour.objects.count(),
        "sessions": Session.objects.count(),
        "registrations": Registration.objects.count(),
    }


def prepare(argv: list[str] | None, description: str) -> argparse.Namespace:
    """Common command line of catalog.py and dashboard.py: set Django up, load the data when missing."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scale", type=float, default=1.0, help="datagen scale when no synthetic data is loaded")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--sqlite", action="store_true", help="without DATABASE_URL: a temporary SQLite file")
    args = parser.parse_args(argv)
    from django.apps import apps

    if not apps.ready:
        common.setup_django(postgres=not args.sqlite)
    if not datagen.exists():
        datagen.main(["--scale", str(args.scale)])
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = prepare(argv, "catalogue, tour page and road map: server time and queries")
    sizes = data_sizes()
    print(f"{common.database_version()}; data: {sizes}; {args.rounds} rounds per page")
    figures = run(rounds=args.rounds)
    figures["data"] = sizes
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    return figures


if __name__ == "__main__":
    main()
