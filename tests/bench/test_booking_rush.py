"""Smoke run of bench/booking_rush.py at a tiny scale: a real gunicorn against the test database, a handful of
clients, then the raw-SQL baseline. Asserts the shape of the figures and that nothing is oversold; times nothing."""

from __future__ import annotations

import pytest
from django.db import connection

from bench import booking_rush
from mosprom.tours.models import Registration, Tour


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_rush_through_gunicorn_and_raw_sql_never_oversells() -> None:
    lines: list[str] = []
    figures = booking_rush.run(db_url=_database_url(), clients=3, attempts=12, sessions=2, workers=2, log=lines.append)
    assert [p["phase"] for p in figures["phases"]] == ["HTTP form", "HTTP api", "raw SQL (baseline)"]
    seats = figures["sessions"] * figures["seats_per_session"]
    assert seats == 10  # 80% of 12 attempts, rounded up per session
    for phase in figures["phases"]:
        assert phase["outcomes"] == {"held": 10, "refused": 2}, (phase, lines)
        assert phase["seats_held_in_db"] == 10
        assert phase["oversold"] == 0
        assert phase["holds_per_s"] > 0
        assert phase["p99_ms"] >= phase["p50_ms"] > 0
    assert figures["oversold"] == 0
    assert set(figures["ratios"]) == {"HTTP form", "HTTP api"}
    assert figures["peak_worker_rss_mb"] > 0
    for phase in figures["phases"][:2]:
        assert phase["worker_cpu_ms_per_attempt"] > 0
    assert any(line.strip().startswith("oversold: 0") for line in lines)
    # The rush's synthetic tours and registrations are removed afterwards.
    assert not Tour.objects.filter(slug__startswith=booking_rush.PREFIX).exists()
    assert not Registration.objects.filter(email__endswith="@rush.synthetic.invalid").exists()
