"""Benchmark: the cost of joining a waitlist with 1 entry against one with 10,000 entries, in the same run.

    .venv/bin/python bench/waitlist.py [--entries 10000] [--joins 200]

Uses DATABASE_URL, else starts a temporary PostgreSQL (scripts/pg-temp.sh; --sqlite for a temporary SQLite file).
Two full sessions (capacity 1, one confirmed registration): the short one has 1 waiting entry, the long one
`--entries` (bulk-loaded). `--joins` visitors then join each waitlist through tours.services.waitlist_join,
alternating between the two, and the p50/p95 of each is printed with the ratio long / short
(target ≤ 1.5: a join must not scan the queue under the session lock).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common

TARGET_RATIO = 1.5
PREFIX = "synth-waitlist-"


def _full_session(label: str, waiting: int) -> int:
    from django.utils import timezone

    from mosprom.tours.models import Registration, Session, WaitlistEntry

    tour = common.synthetic_tour(prefix=PREFIX, title=f"Очередь {label}", slug=f"{PREFIX}{label}-{time.time_ns()}")
    now = timezone.now()
    session = Session.objects.create(tour=tour, starts_at=now + timedelta(days=30), capacity=1)
    Registration.objects.create(
        session=session,
        name="Гость",
        email=f"{label}-seat@waitlist.synthetic.invalid",
        phone="+74951234567",
        state=Registration.State.CONFIRMED,
        confirmed_at=now,
    )
    WaitlistEntry.objects.bulk_create(
        [
            WaitlistEntry(
                session=session,
                position=k + 1,
                name=f"Ждущий {k}",
                email=f"{label}-w{k}@waitlist.synthetic.invalid",
                email_normalised=f"{label}-w{k}@waitlist.synthetic.invalid",
                phone="+74951234567",
                consent_at=now,
                consent_version="2026-01",
            )
            for k in range(waiting)
        ],
        batch_size=2000,
    )
    # written around the services: count the session's seat tally (the one confirmed seat) once
    from mosprom.tours.services import session_seats_recount

    session_seats_recount(sessions=Session.objects.filter(pk=session.pk))
    return session.pk


def remove() -> None:
    from mosprom.core.models import OutboundEmail
    from mosprom.tours.models import Registration, Session, Tour, WaitlistEntry

    tours = Tour.objects.filter(slug__startswith=PREFIX, is_demo=True)
    WaitlistEntry.objects.filter(session__tour__in=tours).delete()
    Registration.objects.filter(session__tour__in=tours).delete()
    Session.objects.filter(tour__in=tours).delete()
    tours.delete()
    OutboundEmail.objects.filter(to__endswith="@waitlist.synthetic.invalid").delete()


def run(*, entries: int = 10_000, joins: int = 200, log: Callable[[str], None] = print) -> dict[str, Any]:
    from mosprom.tours import services

    sessions = {"short": _full_session("short", 1), "long": _full_session("long", entries)}
    samples: dict[str, list[float]] = {"short": [], "long": []}
    for i in range(joins + 10):  # 10 unmeasured warm-up joins
        for label, session_id in sessions.items():
            start = time.perf_counter()
            services.waitlist_join(
                session_id=session_id,
                name="Гость",
                email=f"{label}-j{i}@waitlist.synthetic.invalid",
                phone="+74951234567",
                party_size=1,
                consent=True,
            )
            if i >= 10:
                samples[label].append(time.perf_counter() - start)
    short, long = common.summary_ms(samples["short"]), common.summary_ms(samples["long"])
    ratio = long["p95_ms"] / short["p95_ms"] if short["p95_ms"] else float("nan")
    log(f"waitlist join, {joins} joins each: {'waiting':>9}{'p50 ms':>9}{'p95 ms':>9}")
    log(f"  short waitlist                 {1:>9}{short['p50_ms']:>9.1f}{short['p95_ms']:>9.1f}")
    log(f"  long waitlist                  {entries:>9}{long['p50_ms']:>9.1f}{long['p95_ms']:>9.1f}")
    log(f"ratio p95 long / short: {ratio:.2f} (target ≤ {TARGET_RATIO})")
    remove()
    return {"entries": entries, "joins": joins, "short": short, "long": long, "ratio_p95": ratio}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="waitlist join: 1 entry against 10,000")
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--joins", type=int, default=200)
    parser.add_argument("--json")
    parser.add_argument("--sqlite", action="store_true", help="without DATABASE_URL: a temporary SQLite file")
    args = parser.parse_args(argv)
    common.setup_django(postgres=not args.sqlite)
    print(common.database_version())
    figures = run(entries=args.entries, joins=args.joins)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return figures


if __name__ == "__main__":
    main()
