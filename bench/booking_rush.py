"""Benchmark: the booking rush through a live server, against the raw-SQL seat-locking transaction in the same run.

    .venv/bin/python bench/booking_rush.py [--clients 100] [--attempts 2000] [--sessions 5] [--workers 4]

1. Starts gunicorn (`--workers` sync workers) on 127.0.0.1 against PostgreSQL (DATABASE_URL, else a temporary
   cluster from scripts/pg-temp.sh), with RATE_LIMITS_ENABLED=false.
2. A load generator in another process (threads with http.client; httpx is not a dependency) runs `--clients`
   concurrent clients that register `--attempts` visitors (party of 1, each a new e-mail) for a handful of
   sessions holding 80% as many seats as attempts (so the sessions sell out and refusals are exercised):
   first through the real form (GET the tour page once for the CSRF cookie and token, then POST), then through
   the API (POST /api/v1/tour-sessions/{id}/registrations).
   Prints confirmed holds per second, attempts per second, p50/p95/p99 latency of the POSTs, oversold (seats
   held beyond capacity, counted in the database afterwards: must be 0) and the peak RSS of the largest worker.
3. The baseline, in the same run: the same seat-locking transaction as raw SQL through psycopg (sqlite3 on
   SQLite) from the same number of connections in the same kind of process — lock the session row
   (SELECT … FOR UPDATE), sum held + confirmed + checked-in seats, insert the hold, commit — on sessions of
   the same size. Prints the ratio HTTP holds/s ÷ raw-SQL holds/s (target ≥ 0.5, p95 < 1 s at 100 clients,
   peak worker RSS < 200 MB).
Everything is bounded (a fixed number of attempts, per-request timeouts) and stays on the loopback interface.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import multiprocessing
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common

TARGET_RATIO = 0.5
TARGET_P95_MS = 1000.0
TARGET_RSS_MB = 200.0
REQUEST_TIMEOUT = 60.0
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PREFIX = "synth-rush-"


# --- the data the rush runs on ---------------------------------------------------------------------------------


def make_sessions(*, run_id: str, phase: str, sessions: int, seats: int) -> tuple[str, list[int]]:
    """A published synthetic tour with `sessions` open sessions of `seats` seats; returns (slug, session ids)."""
    from django.utils import timezone

    from mosprom.tours.models import Session

    tour = common.synthetic_tour(
        prefix=PREFIX, title=f"Нагрузочная экскурсия {phase} {run_id}", slug=f"{PREFIX}{phase}-{run_id}"
    )
    start = timezone.now().replace(microsecond=0) + timedelta(days=30)
    ids = [
        Session.objects.create(tour=tour, starts_at=start + timedelta(hours=k), capacity=seats).pk
        for k in range(sessions)
    ]
    return tour.slug, ids


def oversold(session_ids: list[int]) -> tuple[int, int]:
    """(seats held beyond capacity summed over the sessions, seats held) — every active hold counts."""
    from django.db.models import Q, Sum

    from mosprom.tours.models import Registration, Session

    over = held = 0
    for session in Session.objects.filter(pk__in=session_ids):
        booked = (
            Registration.objects.filter(session=session)
            .filter(Q(state__in=["held", "confirmed", "checked_in"]))
            .aggregate(s=Sum("party_size"))["s"]
            or 0
        )
        held += booked
        over += max(0, booked - session.capacity)
    return over, held


def remove_rush_data() -> None:
    """Delete the rush's tours, sessions, registrations and outbox rows (synthetic, slug synth-rush-)."""
    from mosprom.core.models import OutboundEmail
    from mosprom.tours.models import Registration, Session, Tour, WaitlistEntry

    tours = Tour.objects.filter(slug__startswith=PREFIX, is_demo=True)
    WaitlistEntry.objects.filter(session__tour__in=tours).delete()
    Registration.objects.filter(session__tour__in=tours)._raw_delete(Registration.objects.db)  # type: ignore[attr-defined]
    Session.objects.filter(tour__in=tours).delete()
    tours.delete()
    OutboundEmail.objects.filter(to__endswith="@rush.synthetic.invalid")._raw_delete(OutboundEmail.objects.db)  # type: ignore[attr-defined]


# --- the server --------------------------------------------------------------------------------------------------


class Server:
    """gunicorn on 127.0.0.1:<free port> with `workers` sync workers against `db_url`."""

    def __init__(self, db_url: str, *, workers: int, threads: int = 1) -> None:
        self.port = common.free_port()
        self.db_url = db_url
        self.workers = workers
        self.threads = threads
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(os.environ.get("MOSPROM_VAR_DIR") or "/tmp") / f"gunicorn-{self.port}.log"

    def start(self, probe: str, timeout: float = 90.0) -> None:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": self.db_url,
                "DJANGO_SETTINGS_MODULE": "mosprom.settings",
                "PYTHONPATH": str(common.SRC),
                "RATE_LIMITS_ENABLED": "false",
                "DEBUG": "false",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "LOG_LEVEL": "WARNING",
            }
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        cmd = [
            str(gunicorn),
            "mosprom.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--backlog",
            "2048",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        if self.threads > 1:
            cmd += ["--threads", str(self.threads)]
        self.process = subprocess.Popen(
            cmd, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT, cwd=common.ROOT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log}\n{self.log.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", probe)
                status = conn.getresponse().status
                conn.close()
                # every worker should be up and have imported Django before the rush
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer {probe} within {timeout:.0f} s: see {self.log}")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the current workers have used so far, in seconds."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
        return total / ticks

    def peak_rss_mb(self) -> float:
        """The largest peak resident set (VmHWM) among the workers, in MB."""
        peak = 0
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                continue
        return peak / 1024

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- the load generator (runs in its own process) ----------------------------------------------------------------


def _run_clients(clients: int, attempts: int, work: Callable[[int, Any], tuple[float, str]], setup: Any) -> dict:
    """`clients` threads share `attempts` numbered attempts; each thread runs setup() once, then work(i, state).
    Returns latencies (s) and outcomes, and the wall time from the common start to the last answer."""
    lock = threading.Lock()
    counter = iter(range(attempts))
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def client() -> None:
        try:
            state = setup()
        except Exception as exc:
            errors.append(f"setup: {exc!r}")
            barrier.abort()
            return
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            try:
                elapsed, outcome = work(i, state)
            except Exception as exc:
                elapsed, outcome = float("nan"), "error"
                if len(errors) < 5:
                    errors.append(repr(exc))
            with lock:
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                if not math.isnan(elapsed):
                    latencies.append(elapsed)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        raise RuntimeError(f"clients could not start: {errors}") from None
    start = time.perf_counter()
    for t in threads:
        t.join(timeout=REQUEST_TIMEOUT * attempts)
    wall = time.perf_counter() - start
    return {"latencies": latencies, "outcomes": outcomes, "wall": wall, "errors": errors}


def http_rush(spec: dict[str, Any]) -> dict[str, Any]:
    """The HTTP phase, run in a separate process: spec = {nodes: [port…], mode: form|api, slug, sessions, clients,
    attempts, run_id, email_prefix (optional)}. Attempt i goes to node i mod len(nodes); a form client takes its CSRF
    cookie and token from the nodes in turn and posts to whichever node its attempts go to (scripts/cluster_rush.py
    spreads the rush over the cluster's web nodes with it)."""
    nodes, mode, slug, sessions = spec["nodes"], spec["mode"], spec["slug"], spec["sessions"]
    email_prefix = spec.get("email_prefix", "")
    path = f"/tours/{slug}/"
    clients = itertools.count()  # the form clients take their cookie from the nodes in turn

    def setup() -> dict[str, str]:
        if mode != "form":
            return {}
        port = nodes[next(clients) % len(nodes)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode()
        conn.close()
        cookie = ""
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                cookie = value.split(";", 1)[0]
        match = CSRF_INPUT.search(body)
        if response.status != 200 or not match or not cookie:
            raise RuntimeError(f"GET {path} on :{port}: {response.status}, no CSRF token")
        return {"cookie": cookie, "token": match.group(1)}

    def work(i: int, state: dict[str, str]) -> tuple[float, str]:
        port = nodes[i % len(nodes)]
        session_id = sessions[i % len(sessions)]
        visitor = {
            "name": f"Гость {i}",
            "email": f"{email_prefix}{mode}{i}-{spec['run_id']}@rush.synthetic.invalid",
            "phone": "+74951234567",
            "party_size": 1,
        }
        if mode == "form":
            body = urllib.parse.urlencode(
                {**visitor, "session": session_id, "consent": "on", "csrfmiddlewaretoken": state["token"]}
            )
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": state["cookie"]}
            url = path
        else:
            body = json.dumps({**visitor, "consent": True})
            headers = {"Content-Type": "application/json"}
            url = f"/api/v1/tour-sessions/{session_id}/registrations"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        start = time.perf_counter()
        conn.request("POST", url, body=body.encode(), headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        conn.close()
        if mode == "form":
            held = response.status == 302 and "/registered/" in (response.getheader("Location") or "")
            refused = response.status == 200
        else:
            held = response.status == 201
            refused = response.status == 409
        return elapsed, "held" if held else "refused" if refused else f"status {response.status}"

    return _run_clients(spec["clients"], spec["attempts"], work, setup)


def raw_rush(spec: dict[str, Any]) -> dict[str, Any]:
    """The raw-SQL baseline, run in a separate process: one connection per client, the same seat-locking
    transaction as the service (lock the session row, sum the seats taken, insert the hold)."""
    db_url, sessions = spec["db_url"], spec["sessions"]
    parsed = urllib.parse.urlparse(db_url)
    postgres = parsed.scheme.startswith("postgres")
    columns = (
        "session_id, name, email, email_normalised, phone, party_size, group_name, group_leader, consent_at, "
        "consent_version, language, state, hold_expires_at, from_waitlist, token, ticket_code, resends, "
        "created_at, updated_at"
    )

    def setup() -> Any:
        if postgres:
            import psycopg

            return psycopg.connect(
                host=parsed.hostname,
                port=parsed.port or 5432,
                user=urllib.parse.unquote(parsed.username or ""),
                password=urllib.parse.unquote(parsed.password or ""),
                dbname=parsed.path.lstrip("/"),
            )
        conn = sqlite3.connect(parsed.path, timeout=60, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def work(i: int, conn: Any) -> tuple[float, str]:
        session_id = sessions[i % len(sessions)]
        email = f"raw{i}-{spec['run_id']}@rush.synthetic.invalid"
        token = uuid.uuid4().hex
        ticket = "R" + token[:9].upper()
        start = time.perf_counter()
        now = datetime.now(UTC)
        if postgres:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute("SELECT capacity FROM tours_session WHERE id = %s FOR UPDATE", [session_id])
                (capacity,) = cur.fetchone()
                cur.execute(
                    "SELECT COALESCE(SUM(party_size), 0) FROM tours_registration WHERE session_id = %s AND "
                    "(state IN ('confirmed', 'checked_in') OR (state = 'held' AND hold_expires_at > %s))",
                    [session_id, now],
                )
                (taken,) = cur.fetchone()
                held = taken + 1 <= capacity
                if held:
                    cur.execute(
                        f"INSERT INTO tours_registration ({columns}) VALUES "
                        "(%s, %s, %s, %s, %s, 1, '', '', %s, '2026-01', 'ru', 'held', %s, false, %s, %s, 0, %s, %s)",
                        [
                            session_id,
                            f"Гость {i}",
                            email,
                            email,
                            "+74951234567",
                            now,
                            now + timedelta(hours=1),
                            token,
                            ticket,
                            now,
                            now,
                        ],
                    )
        else:
            stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
            conn.execute("BEGIN IMMEDIATE")
            try:
                (capacity,) = conn.execute("SELECT capacity FROM tours_session WHERE id = ?", [session_id]).fetchone()
                (taken,) = conn.execute(
                    "SELECT COALESCE(SUM(party_size), 0) FROM tours_registration WHERE session_id = ? AND "
                    "(state IN ('confirmed', 'checked_in') OR (state = 'held' AND hold_expires_at > ?))",
                    [session_id, stamp],
                ).fetchone()
                held = taken + 1 <= capacity
                if held:
                    expires = (now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
                    conn.execute(
                        f"INSERT INTO tours_registration ({columns}) VALUES "
                        "(?, ?, ?, ?, ?, 1, '', '', ?, '2026-01', 'ru', 'held', ?, 0, ?, ?, 0, ?, ?)",
                        [
                            session_id,
                            f"Гость {i}",
                            email,
                            email,
                            "+74951234567",
                            stamp,
                            expires,
                            token,
                            ticket,
                            stamp,
                            stamp,
                        ],
                    )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return time.perf_counter() - start, "held" if held else "refused"

    return _run_clients(spec["clients"], spec["attempts"], work, setup)


def _in_another_process(fn: Callable[[dict[str, Any]], dict[str, Any]], spec: dict[str, Any]) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, (spec,))


# --- the run -----------------------------------------------------------------------------------------------------


def _phase_figures(name: str, result: dict[str, Any], session_ids: list[int]) -> dict[str, Any]:
    held = result["outcomes"].get("held", 0)
    over, seats_held = oversold(session_ids)
    return {
        "phase": name,
        "holds": held,
        "attempts": sum(result["outcomes"].values()),
        "outcomes": result["outcomes"],
        "wall_s": result["wall"],
        "holds_per_s": held / result["wall"] if result["wall"] else float("nan"),
        "attempts_per_s": sum(result["outcomes"].values()) / result["wall"] if result["wall"] else float("nan"),
        **common.summary_ms(result["latencies"]),
        "oversold": over,
        "seats_held_in_db": seats_held,
        "errors": result["errors"],
    }


def run(
    *,
    db_url: str,
    clients: int = 100,
    attempts: int = 2000,
    sessions: int = 5,
    workers: int = 4,
    threads: int = 1,
    log: Callable[[str], None] = print,
    keep: bool = False,
    server_db_url: str | None = None,
) -> dict[str, Any]:
    """The whole benchmark (Django must be set up on db_url's database; the web workers use server_db_url,
    by default the same)."""
    run_id = uuid.uuid4().hex[:8]
    seats = max(1, math.ceil(attempts * 0.8 / sessions))
    plan: dict[str, tuple[str, list[int]]] = {
        phase: make_sessions(run_id=run_id, phase=phase, sessions=sessions, seats=seats)
        for phase in ("form", "api", "raw")
    }
    log(
        f"{clients} clients, {attempts} attempts per phase on {sessions} sessions of {seats} seats "
        f"({sessions * seats} seats); gunicorn with {workers} sync worker(s)"
        + (f" × {threads} threads" if threads > 1 else "")
    )
    server = Server(server_db_url or db_url, workers=workers, threads=threads)
    phases: list[dict[str, Any]] = []
    try:
        server.start(f"/tours/{plan['form'][0]}/")
        for mode in ("form", "api"):
            slug, ids = plan[mode]
            spec = {
                "nodes": [server.port],
                "mode": mode,
                "slug": slug,
                "sessions": ids,
                "clients": clients,
                "attempts": attempts,
                "run_id": run_id,
            }
            cpu_before = server.cpu_seconds()
            figures = _phase_figures(f"HTTP {mode}", _in_another_process(http_rush, spec), ids)
            # CPU the workers spent per attempt: what a request costs, whatever else shares the cores
            figures["worker_cpu_ms_per_attempt"] = (server.cpu_seconds() - cpu_before) * 1000 / max(1, attempts)
            phases.append(figures)
        rss = server.peak_rss_mb()
    finally:
        server.stop()
    slug, ids = plan["raw"]
    spec = {"db_url": db_url, "sessions": ids, "clients": clients, "attempts": attempts, "run_id": run_id}
    phases.append(_phase_figures("raw SQL (baseline)", _in_another_process(raw_rush, spec), ids))
    raw = phases[-1]
    log(f"{'phase':<20}{'holds':>7}{'holds/s':>9}{'tries/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'oversold':>9}")
    for p in phases:
        log(
            f"{p['phase']:<20}{p['holds']:>7}{p['holds_per_s']:>9.1f}{p['attempts_per_s']:>9.1f}{p['p50_ms']:>9.1f}"
            f"{p['p95_ms']:>9.1f}{p['p99_ms']:>9.1f}{p['oversold']:>9}"
        )
        if p["errors"] or set(p["outcomes"]) - {"held", "refused"}:
            log(f"  unexpected answers in {p['phase']}: {p['outcomes']} {p['errors']}")
    ratios = {p["phase"]: p["holds_per_s"] / raw["holds_per_s"] for p in phases[:-1]}
    for name, ratio in ratios.items():
        log(f"ratio {name} / raw SQL holds/s: {ratio:.2f} (target ≥ {TARGET_RATIO})")
    cores = os.cpu_count() or 1
    for p in phases[:-1]:
        cpu = p["worker_cpu_ms_per_attempt"]
        p["cpu_bound_ceiling_per_s"] = cores * 1000 / cpu if cpu else float("nan")
        log(
            f"{p['phase']}: {cpu:.1f} ms of worker CPU per attempt — at most "
            f"~{p['cpu_bound_ceiling_per_s']:.0f} attempts/s on {cores} cores given to the workers alone"
        )
    log(f"peak RSS of the largest web worker: {rss:.0f} MB (target < {TARGET_RSS_MB:.0f} MB)")
    log(f"oversold: {sum(p['oversold'] for p in phases)} (must be 0)")
    if not keep:
        remove_rush_data()
    return {
        "clients": clients,
        "attempts": attempts,
        "sessions": sessions,
        "seats_per_session": seats,
        "workers": workers,
        "threads": threads,
        "phases": phases,
        "ratios": ratios,
        "peak_worker_rss_mb": rss,
        "oversold": sum(p["oversold"] for p in phases),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="booking rush through gunicorn against the raw-SQL transaction")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--attempts", type=int, default=2000, help="registrations tried per phase")
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread when > 1)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--sqlite", action="store_true", help="without DATABASE_URL: a temporary SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the rush's sessions and registrations")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="run the web workers with persistent database connections (CONN_MAX_AGE, via DATABASE_URL's "
        "conn_max_age option); default: as configured",
    )
    args = parser.parse_args(argv)
    db_url = common.setup_django(postgres=not args.sqlite)
    print(common.database_version())
    server_url = db_url
    if args.conn_max_age is not None:
        server_url += ("&" if "?" in db_url else "?") + f"conn_max_age={args.conn_max_age}"
    figures = run(
        db_url=db_url,
        server_db_url=server_url,
        clients=args.clients,
        attempts=args.attempts,
        sessions=args.sessions,
        workers=args.workers,
        threads=args.threads,
        keep=args.keep,
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    return figures


if __name__ == "__main__":
    main()
