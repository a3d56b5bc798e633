"""Benchmark: registrations per second through the seat-locking service, against baselines in the same run.

    .venv/bin/python bench/tours_registration.py [N]   (default N=400 registrations per variant)

Uses its own temporary SQLite database unless DATABASE_URL is set (e.g. the PostgreSQL of the CI).
Three variants, each registering N visitors (party of 1) on fresh sessions of 50 seats:
  locked   — services.registration_create: lock the session row, check, insert the hold and the e-mail task
             row (ids only; the worker renders the e-mail) — what the site does;
  unlocked — the same service with `services.lock_session` replaced by a plain read (the test-only hook of
             tests/tours/test_concurrency.py, without its sleep), so only the lock's cost is measured;
  insert   — a plain Registration insert in a transaction (no checks, no e-mail): the floor.
Prints registrations/second for each and the ratios locked/unlocked and locked/insert.
Also a parallel figure: 8 threads on one session of N seats (locked), showing the serialised throughput.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TMP = tempfile.mkdtemp(prefix="tours-bench-")
os.environ.setdefault("MOSPROM_VAR_DIR", TMP)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosprom.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 400
SEATS_PER_SESSION = 50


def setup() -> object:
    from mosprom.demo.formats import format_get_or_create
    from mosprom.registry.models import Organisation
    from mosprom.tours.models import Tour

    # The task rows are written as in production (django-tasks-db, in the registration's transaction); no worker
    # runs during the measurement, so e-mail rendering happens later, outside the timed path, as on the site.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    host, _ = Organisation.objects.get_or_create(
        slug="bench-host", defaults={"full_name": "Bench", "short_name": "Bench"}
    )
    tour, _ = Tour.objects.get_or_create(
        slug="bench-tour",
        defaults={
            "host": host,
            "format": format_get_or_create(slug="excursion"),
            "title": "Bench",
            "state": "published",
        },
    )
    return tour


def sessions(tour: object, label: str, total: int, seats: int) -> list[int]:
    from mosprom.tours.models import Session

    count = (total + seats - 1) // seats
    start = timezone.now() + timedelta(days=20)
    return [
        Session.objects.create(tour=tour, starts_at=start + timedelta(minutes=i), capacity=seats).pk  # type: ignore[misc]
        for i in range(count)
    ]


def via_service(session_ids: list[int], label: str, total: int) -> float:
    from mosprom.tours import services

    t0 = time.perf_counter()
    for i in range(total):
        services.registration_create(
            session_id=session_ids[i // SEATS_PER_SESSION],
            name="Гость",
            email=f"{label}{i}@example.com",
            phone="+74951234567",
            party_size=1,
            consent=True,
        )
    return time.perf_counter() - t0


def plain_insert(session_ids: list[int], total: int) -> float:
    from mosprom.tours.models import Registration

    t0 = time.perf_counter()
    for i in range(total):
        with transaction.atomic():
            Registration.objects.create(
                session_id=session_ids[i // SEATS_PER_SESSION],
                name="Гость",
                email=f"insert{i}@example.com",
                phone="+74951234567",
                party_size=1,
                state="held",
                hold_expires_at=timezone.now() + timedelta(hours=1),
            )
    return time.perf_counter() - t0


def parallel_locked(tour: object, total: int, threads: int = 8) -> tuple[float, int]:
    from mosprom.tours import selectors, services
    from mosprom.tours.models import Session

    session = Session.objects.create(tour=tour, starts_at=timezone.now() + timedelta(days=25), capacity=total)  # type: ignore[misc]

    def worker(k: int) -> None:
        try:
            for i in range(k, total, threads):
                services.registration_create(
                    session_id=session.pk,
                    name="Гость",
                    email=f"par{i}@example.com",
                    phone="+74951234567",
                    party_size=1,
                    consent=True,
                )
        finally:
            connections.close_all()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    return time.perf_counter() - t0, selectors.seats_booked(session)


def main() -> None:
    import logging

    logging.disable(logging.INFO)
    call_command("migrate", verbosity=0)
    tour = setup()
    from mosprom.tours import services
    from mosprom.tours.models import Session

    locked_service = services.lock_session

    def read_without_lock(session_id: int) -> Session:
        return Session.objects.select_related("tour__season").get(pk=session_id)

    locked_ids = sessions(tour, "locked", N, SEATS_PER_SESSION)
    unlocked_ids = sessions(tour, "unlocked", N, SEATS_PER_SESSION)
    insert_ids = sessions(tour, "insert", N, SEATS_PER_SESSION)
    via_service(sessions(tour, "warm", 20, 50), "warm", 20)  # warm up caches, templates, translations

    from django.test.utils import CaptureQueriesContext

    count_ids = sessions(tour, "count", 1, 50)
    with CaptureQueriesContext(connection) as one:  # a load-independent figure: statements per registration
        via_service(count_ids, "count", 1)
    cpu0 = time.process_time()
    locked = via_service(locked_ids, "locked", N)
    locked_cpu_ms = (time.process_time() - cpu0) / N * 1000
    services.lock_session = read_without_lock  # type: ignore[assignment]
    unlocked = via_service(unlocked_ids, "unlocked", N)
    services.lock_session = locked_service  # type: ignore[assignment]
    insert = plain_insert(insert_ids, N)
    par_time, par_booked = parallel_locked(tour, N)

    rate = lambda seconds: N / seconds  # noqa: E731
    print(
        f"database: {connection.vendor}; {N} registrations per variant, party of 1, {SEATS_PER_SESSION} seats/session"
    )
    print(
        f"  locked service   : {rate(locked):8.1f} registrations/s  "
        f"({len(one)} SQL statements and {locked_cpu_ms:.1f} ms of Python CPU per registration)"
    )
    print(f"  unlocked service : {rate(unlocked):8.1f} registrations/s  (baseline: same service, no row lock)")
    print(f"  plain insert     : {rate(insert):8.1f} registrations/s  (floor: no checks, no e-mail)")
    print(
        f"  rate ratio locked/unlocked = {rate(locked) / rate(unlocked):.2f} (the lock path takes {locked / unlocked:.2f}x)"
    )
    print(f"  rate ratio locked/insert   = {rate(locked) / rate(insert):.2f}")
    print(f"  8 threads, one session of {N} seats (locked): {N / par_time:8.1f} registrations/s, booked={par_booked}")


if __name__ == "__main__":
    main()
