"""docs/performance.md has two generated parts: bench/run_all.py's figures and scripts/cluster_rush.py's cluster
section. Each script rewrites its own part between its markers and keeps every other line."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from bench import run_all

from .conftest import ROOT


def _cluster_rush() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cluster_rush", ROOT / "scripts" / "cluster_rush.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("cluster_rush", module)
    spec.loader.exec_module(module)
    return module


PAGE = """# Performance

Hand-written introduction.

<!-- bench:begin -->
old bench figures
<!-- bench:end -->

<!-- cluster:begin -->
old cluster figures
<!-- cluster:end -->

## Against the targets

Hand-written analysis.
"""


def test_run_all_keeps_the_cluster_section(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(PAGE)
    run_all.write_doc(doc, "<!-- bench:begin -->\nnew bench figures\n<!-- bench:end -->\n")
    assert doc.read_text() == PAGE.replace("old bench figures", "new bench figures")


def test_the_cluster_rush_rewrites_only_its_section(tmp_path: Path) -> None:
    rush = _cluster_rush()
    doc = tmp_path / "performance.md"
    doc.write_text(PAGE)
    rush.write_doc(doc, f"{rush.BEGIN}\nnew cluster figures\n{rush.END}\n")
    assert doc.read_text() == PAGE.replace("old cluster figures", "new cluster figures")


def test_the_first_cluster_section_goes_after_the_bench_figures(tmp_path: Path) -> None:
    rush = _cluster_rush()
    doc = tmp_path / "performance.md"
    without = PAGE.replace("<!-- cluster:begin -->\nold cluster figures\n<!-- cluster:end -->\n\n", "")
    doc.write_text(without)
    rush.write_doc(doc, f"{rush.BEGIN}\ncluster figures\n{rush.END}\n")
    text = doc.read_text()
    assert text.index("<!-- bench:end -->") < text.index(rush.BEGIN) < text.index("## Against the targets")
    assert text.replace(f"{rush.BEGIN}\ncluster figures\n{rush.END}\n\n", "") == without


def test_the_rendered_section_reports_every_phase_and_the_delivery() -> None:
    rush = _cluster_rush()

    def phase(name: str, holds_per_s: float, p95: float) -> dict[str, object]:
        return {
            "phase": name,
            "holds": 80,
            "holds_per_s": holds_per_s,
            "attempts_per_s": holds_per_s * 1.25,
            "p50_ms": p95 / 2,
            "p95_ms": p95,
            "p99_ms": p95 * 1.1,
            "oversold": 0,
            "outcomes": {"held": 80, "refused": 20},
            "errors": [],
            "worker_cpu_ms_per_attempt": 12.0,
        }

    results = {
        "web_workers": 2,
        "clients": 20,
        "attempts": 100,
        "sessions": 5,
        "seats_per_session": 16,
        "phases": [
            phase("API, web node 1 alone", 10.0, 2000.0),
            phase("API, both web nodes", 15.0, 1500.0),
            phase("form, both web nodes", 8.0, 2500.0),
            {**phase("raw SQL on the primary", 400.0, 50.0), "worker_cpu_ms_per_attempt": None},
        ],
        "drain": {"expected": 240, "states": {"sent": 200, "pending": 40}, "seconds": 60.2, "rate": 2.5},
        "oversold": 0,
    }
    meta = {
        "command": "make cluster-bench",
        "date": "2026-11-24 16:00 UTC",
        "minutes": 4.5,
        "machine": "a machine",
        "cores": 2,
        "database": "PostgreSQL 15",
        "up_seconds": 61.0,
        "load_start": "1 / 1 / 1",
        "load_end": "2 / 2 / 2",
    }
    text = rush.render(results, meta)
    assert text.startswith(rush.BEGIN) and text.endswith(f"{rush.END}\n")
    for row in ("| API, web node 1 alone | 80 | 10.0 |", "| API, both web nodes | 80 | 15.0 |"):
        assert row in text
    assert "| raw SQL on the primary | 80 | 400.0 |" in text and "| — |" in text
    assert "1.50× the holds per second (p95 2 000 → 1 500 ms)" in text
    assert "60 s after the last phase, 200 had been sent (2.5 per second in those seconds)" in text
    assert "40 were rendered and waiting to be sent and 0 still waited in the queue" in text
