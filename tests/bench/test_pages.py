"""Smoke runs of bench/catalog.py and bench/dashboard.py at a tiny scale on the test database: output shape only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bench import catalog, dashboard, datagen

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic() -> None:
    datagen.generate(0.001, progress=False)


def test_catalog_measures_every_page_and_explains_the_slowest_query(synthetic: None) -> None:
    lines: list[str] = []
    figures = catalog.run(rounds=2, log=lines.append)
    names = [row["page"] for row in figures["pages"]]
    assert names == [name for name, _url in catalog.pages(timezone.localdate())]
    for row in figures["pages"]:
        assert row["status"] == 200
        assert row["rounds"] >= 1
        assert row["queries"] > 0
        assert row["p95_ms"] >= row["p50_ms"] > 0
    slowest = figures["slowest_query"]
    assert slowest["sql"].upper().startswith(("SELECT", "WITH"))
    assert slowest["plan"]
    assert any(line.strip().startswith("worst p95 of catalogue and tour pages") for line in lines)


def test_dashboard_measures_cold_and_cached(synthetic: None) -> None:
    lines: list[str] = []
    figures = dashboard.run(rounds=2, log=lines.append)
    pages = {row["page"]: row for row in figures["pages"]}
    assert set(pages) == {
        "dashboard (cold)",
        "dashboard (cached)",
        "dashboard, last year (cold)",
        "dashboard, last year (cached)",
        "dashboard, tourism (cold)",
        "dashboard, tourism (cached)",
        "report (cold)",
    }
    assert all(row["status"] == 200 for row in pages.values())
    # Cold recomputes the KPIs from the tables; cached serves them from the KPI cache.
    assert pages["dashboard (cold)"]["queries"] > pages["dashboard (cached)"]["queries"]
    assert figures["ratio_cold_cached"] > 0
    assert figures["slowest_query"]["plan"]
    assert any(line.strip().startswith("dashboard cold p95") for line in lines)


def test_query_counts_do_not_grow_with_the_data() -> None:
    # 20 tours: enough for every search and filter of catalog.pages() to find something
    datagen.generate(0.002, progress=False)
    small = {row["page"]: row["queries"] for row in catalog.run(rounds=1, log=lambda _line: None)["pages"]}
    datagen.remove()
    datagen.generate(0.005, progress=False)  # two and a half times the tours, sessions and registrations
    large = {row["page"]: row["queries"] for row in catalog.run(rounds=1, log=lambda _line: None)["pages"]}
    assert large == small
