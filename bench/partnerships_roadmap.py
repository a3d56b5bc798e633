"""Benchmark: computing and rendering a partner's road map with N projects.

Compares, in the same process and on the same data, the selectors the page uses (a fixed number of
queries whatever N is) with a naive baseline that asks the database per project (N+1 queries), and
prints times, query counts and the ratio. Also times the road-map page itself through the test client.

    .venv/bin/python bench/partnerships_roadmap.py [N]   (default N=300; own temporary SQLite database)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TMP = tempfile.mkdtemp(prefix="partnerships-bench-")
os.environ.setdefault("MOSPROM_VAR_DIR", TMP)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosprom.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from mosprom.partnerships import selectors  # noqa: E402
from mosprom.partnerships.models import Agreement, AgreementParty, Duty, Milestone, Project  # noqa: E402
from mosprom.partnerships.timeline import render_timeline  # noqa: E402
from mosprom.registry.models import Organisation  # noqa: E402


def build(n: int) -> Organisation:
    city = Organisation.objects.create(slug="city", short_name="Москва", full_name="Правительство Москвы")
    corp = Organisation.objects.create(slug="corp", short_name="Росатом", full_name="Госкорпорация «Росатом»")
    agreement = Agreement.objects.create(
        title="Сессия", slug="s", kind="strategic_session", signed_on=date(2025, 10, 21)
    )
    AgreementParty.objects.create(agreement=agreement, organisation=city, role="city")
    AgreementParty.objects.create(agreement=agreement, organisation=corp, role="state_corporation")
    today = date.today()
    projects = Project.objects.bulk_create(
        [
            Project(
                partner=corp,
                agreement=agreement,
                code=f"B-{i:05d}",
                title=f"Проект {i}",
                category=Project.Category.values[i % 8],
                status=Project.Status.values[i % 6],
                planned_start=today - timedelta(days=400 - i % 300),
                planned_end=today + timedelta(days=i % 700),
            )
            for i in range(n)
        ]
    )
    Duty.objects.bulk_create(
        [Duty(project=p, organisation=o, text="Обязанность") for p in projects for o in (city, corp)]
    )
    Milestone.objects.bulk_create(
        [
            Milestone(
                project=p,
                title=f"Веха {k}",
                due_on=today + timedelta(days=90 * k - 180),
                done_on=today - timedelta(days=200) if k == 0 else None,
            )
            for p in projects
            for k in range(4)
        ]
    )
    return corp


def optimised(partner: Organisation) -> str:
    today = date.today()
    projects = list(selectors.roadmap_projects(partner=partner, include_milestones=True, today=today))
    selectors.roadmap_summary(partner=partner)
    for p in projects:
        _ = [d.organisation.short_name for d in p.duties.all()]
    return render_timeline(projects, today=today, with_milestones=True)


def naive(partner: Organisation) -> str:
    """What a first draft does: one query for the projects, then several per project."""
    today = date.today()
    projects = list(Project.objects.filter(partner=partner).order_by("category", "status", "planned_start"))
    for p in projects:
        milestones = list(Milestone.objects.filter(project=p).order_by("due_on"))
        p.milestones_total = len(milestones)  # type: ignore[attr-defined]
        p.milestones_done = sum(1 for m in milestones if m.done_on)  # type: ignore[attr-defined]
        _ = [d.organisation.short_name for d in Duty.objects.filter(project=p)]
        _ = p.site.name if p.site_id else None
        _ = Milestone.objects.filter(project=p, done_on__isnull=True, due_on__lt=today).count()
    for category in Project.Category.values:
        for status in Project.Status.values:
            Project.objects.filter(partner=partner, category=category, status=status).count()
    return render_timeline(projects, today=today, with_milestones=True)


def measure(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, int]:
    best = float("inf")
    queries = 0
    for _ in range(repeat):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        queries = len(ctx.captured_queries)
    return best, queries


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    call_command("migrate", verbosity=0, skip_checks=True)
    connection.queries_log = deque(maxlen=1_000_000)  # the naive baseline runs more than Django's 9000
    setup_test_environment()
    partner = build(n)
    t_opt, q_opt = measure(lambda: optimised(partner))
    t_naive, q_naive = measure(lambda: naive(partner))
    client = Client()
    t_page, q_page = measure(lambda: client.get("/partnerships/partners/corp/roadmap/"))
    print(f"road map with N={n} projects, {n * 4} milestones, {n * 2} duties ({connection.vendor})")
    print(f"  selectors + full SVG timeline : {t_opt * 1000:8.1f} ms  {q_opt:5d} queries")
    print(f"  naive per-project baseline    : {t_naive * 1000:8.1f} ms  {q_naive:5d} queries")
    print(f"  ratio naive / selectors       : {t_naive / t_opt:8.2f}x")
    print(f"  road-map page (40 per page)   : {t_page * 1000:8.1f} ms  {q_page:5d} queries (anonymous)")


if __name__ == "__main__":
    main()
