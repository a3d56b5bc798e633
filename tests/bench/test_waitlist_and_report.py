"""Smoke run of bench/waitlist.py at a tiny scale, and the report bench/run_all.py writes into docs/performance.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import run_all, waitlist
from mosprom.tours.models import Tour, WaitlistEntry


@pytest.mark.django_db
def test_waitlist_measures_a_short_and_a_long_queue() -> None:
    lines: list[str] = []
    figures = waitlist.run(entries=20, joins=3, log=lines.append)
    assert figures["entries"] == 20 and figures["joins"] == 3
    for key in ("short", "long"):
        assert figures[key]["p95_ms"] >= figures[key]["p50_ms"] > 0
    assert figures["ratio_p95"] > 0
    assert any(line.startswith("ratio p95 long / short") for line in lines)
    assert not Tour.objects.filter(slug__startswith=waitlist.PREFIX).exists()
    assert not WaitlistEntry.objects.exists()


def _results() -> dict:
    page = {"page": "catalogue", "p50_ms": 12.0, "p95_ms": 25.0, "p99_ms": 31.0, "queries": 8, "db_p50_ms": 4.0}
    slow = {"ms": 9.5, "page": "catalogue", "sql": "SELECT 1", "plan": "Result"}
    phase = {"holds": 8, "holds_per_s": 100.0, "attempts_per_s": 120.0, "p50_ms": 50.0, "p95_ms": 90.0}
    phase |= {"p99_ms": 99.0, "oversold": 0, "worker_cpu_ms_per_attempt": 20.0}
    results = {
        "catalog": {"pages": [page], "slowest_query": slow, "worst_catalogue_p95_ms": 25.0},
        "dashboard": {
            "pages": [page | {"page": "dashboard (cold)"}],
            "slowest_query": slow,
            "ratio_cold_cached": 5.0,
            "cold_p95_ms": 250.0,
        },
        "rush": {
            "clients": 4,
            "attempts": 10,
            "sessions": 2,
            "seats_per_session": 4,
            "workers": 2,
            "phases": [phase | {"phase": "HTTP form"}, phase | {"phase": "raw SQL (baseline)", "holds_per_s": 150.0}],
            "ratios": {"HTTP form": 100 / 150},
            "peak_worker_rss_mb": 90.0,
            "oversold": 0,
        },
        "waitlist": {"entries": 20, "short": phase, "long": phase, "ratio_p95": 1.0},
        "tours_registration": "locked service: 60 registrations/s",
        "meta": {
            "command": "make bench",
            "date": "2026-11-24 15:00 UTC",
            "minutes": 7.5,
            "machine": "2 cores",
            "database": "PostgreSQL 15",
            "profile": "reduced",
            "data": "10 tours",
            "load_start": "1.0",
            "load_end": "2.0",
        },
    }
    results["rush_persistent"] = results["rush"] | {"oversold": 0}
    results["targets"] = run_all.targets(results)
    return results


def test_targets_say_met_or_missed() -> None:
    rows = {name: verdict for name, _value, verdict in _results()["targets"]}
    assert rows["booking rush HTTP form ≥ 0.5 of raw SQL holds/s"] == "met"
    assert rows["oversold = 0 (every rush)"] == "met"
    assert rows["catalogue and tour page p95 < 30 ms"] == "met"
    assert rows["KPI dashboard p95 < 200 ms cold"] == "**missed**"


def test_report_replaces_only_the_generated_block(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Performance\n\nhand-written intro\n\n{run_all.BEGIN}\nold figures\n{run_all.END}\n\nanalysis\n")
    run_all.write_doc(doc, run_all.render(_results()))
    text = doc.read_text()
    assert text.startswith("# Performance\n\nhand-written intro\n\n")
    assert text.rstrip().endswith("analysis")
    assert "old figures" not in text
    assert "| KPI dashboard p95 < 200 ms cold | 250.0 ms | **missed** |" in text
    assert "| HTTP form | 8 | 100.0 |" in text
    assert "| HTTP form | 100.0 | 50.0 | 90.0 | 0.67 | 0 | 20.0 |" in text  # persistent connections
    assert text.count(run_all.BEGIN) == 1 and text.count(run_all.END) == 1
