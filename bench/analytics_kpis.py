"""Benchmark: the dashboard's KPI computation cold (uncached, the baseline) against cached, in the same run.

Run: .venv/bin/python bench/analytics_kpis.py [SCALE]   (default SCALE = 1: ~40 sites, 3,000 organisations,
12,000 productions, 4,000 residencies — about the size of Moscow's industrial registry)
Sets Django up itself on a temporary SQLite database. "Cold" runs every selector with the cache switched off
(ANALYTICS_CACHE_ENABLED=False); "cached" runs the same calls after one warm-up. The ratio is cold / cached.
A third figure shows the first call after an edit (the signal bumped the version: a recomputation, once).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = tempfile.mkdtemp(prefix="mosprom-bench-")
os.environ["MOSPROM_VAR_DIR"] = TMP
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosprom.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
ROUNDS = 7
YEAR = 2025


def populate() -> dict[str, int]:
    from mosprom.registry.models import Industry, Organisation, Production, Residency, Site

    rng = random.Random(2026)
    industries = Industry.objects.bulk_create(
        [Industry(name=f"Отрасль {i}", slug=f"industry-{i}") for i in range(int(24 * max(SCALE, 0.2)))]
    )
    roots = []
    for i in range(8):
        roots.append(Site(name=f"ОЭЗ {i}", slug=f"sez-{i}", kind=Site.Kind.SEZ, is_demo=True))
    Site.objects.bulk_create(roots)
    children = [
        Site(name=f"Площадка {r.pk}-{j}", slug=f"site-{r.pk}-{j}", kind=Site.Kind.SEZ_SITE, parent=r, is_demo=True)
        for r in roots
        for j in range(4)
    ]
    Site.objects.bulk_create(children)
    sites = roots + children
    n_orgs = int(3000 * SCALE)
    heads = Organisation.objects.bulk_create(
        [
            Organisation(
                full_name=f"Госкорпорация {i}",
                short_name=f"Корпорация {i}",
                slug=f"corp-{i}",
                kind=Organisation.Kind.STATE_CORPORATION,
                employees=rng.randint(1000, 30000),
                is_demo=True,
            )
            for i in range(20)
        ]
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                full_name=f"ООО «Компания {i}»",
                short_name=f"Компания {i}",
                slug=f"org-{i}",
                parent=rng.choice(heads) if rng.random() < 0.2 else None,
                industry=rng.choice(industries),
                employees=rng.randint(10, 2000) if rng.random() < 0.6 else None,
                is_demo=True,
            )
            for i in range(n_orgs)
        ],
        batch_size=1000,
    )
    productions = []
    for i in range(int(12000 * SCALE)):
        productions.append(
            Production(
                organisation=rng.choice(orgs),
                site=rng.choice(sites) if rng.random() < 0.9 else None,
                industry=rng.choice(industries),
                product=f"Продукт {i}",
                opened_on=date(rng.randint(2010, YEAR), rng.randint(1, 12), rng.randint(1, 28)),
                import_substitution=rng.random() < 0.3,
                no_domestic_analogue=rng.random() < 0.1,
                jobs=rng.randint(5, 400),
                is_demo=True,
            )
        )
    Production.objects.bulk_create(productions, batch_size=2000)
    Residency.objects.bulk_create(
        [
            Residency(
                organisation=rng.choice(orgs), site=rng.choice(children), since=date(rng.randint(2010, 2024), 1, 1)
            )
            for _ in range(int(4000 * SCALE))
        ],
        batch_size=2000,
    )
    return {"sites": len(sites), "organisations": n_orgs + len(heads), "productions": len(productions)}


def dashboard_kpis() -> None:
    """Everything the public dashboard computes for one year (the same calls as the page)."""
    from mosprom.analytics import views

    views.build_sections(YEAR, detailed=True)
    from mosprom.analytics import exports

    exports.summary_table(YEAR)


def timed(fn: Callable[[], None]) -> float:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    sizes = populate()
    print(f"data set: {sizes} (built in {time.perf_counter() - start:.1f} s)")
    from django.core.cache import cache

    from mosprom.registry.models import Production

    settings.ANALYTICS_CACHE_ENABLED = False
    with CaptureQueriesContext(connection) as cold_queries:
        dashboard_kpis()
    cold = timed(dashboard_kpis)

    settings.ANALYTICS_CACHE_ENABLED = True
    cache.clear()
    dashboard_kpis()  # warm-up
    with CaptureQueriesContext(connection) as cached_queries:
        dashboard_kpis()
    cached = timed(dashboard_kpis)

    after_edit = []
    production = Production.objects.order_by("pk").first()
    assert production is not None
    for _ in range(ROUNDS):
        production.jobs = (production.jobs or 0) + 1
        production.save()  # post_save bumps the KPI version
        begin = time.perf_counter()
        dashboard_kpis()
        after_edit.append(time.perf_counter() - begin)

    print(f"cold (uncached, baseline): {cold * 1000:8.1f} ms  ({len(cold_queries)} queries)")
    print(f"cached:                    {cached * 1000:8.1f} ms  ({len(cached_queries)} queries)")
    print(f"first call after an edit:  {statistics.median(after_edit) * 1000:8.1f} ms  (recomputed once)")
    print(f"ratio cold / cached:       {cold / cached:8.1f}x")


if __name__ == "__main__":
    main()
