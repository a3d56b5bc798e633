"""The booking rush of bench/booking_rush.py against the production topology (`make cluster-bench`).

    .venv/bin/python scripts/cluster_rush.py [--clients 100] [--attempts 600] [--sessions 5] [--no-doc]
    .venv/bin/python scripts/cluster_rush.py --running     # against `make cluster` (see below)

1. Starts a throw-away cluster with scripts/cluster.sh in a temporary CLUSTER_DIR on free ports (rate limits off,
   PostgreSQL with fsync off like the benchmarks' temporary database), stopped and deleted at the end. With
   --running it uses the cluster whose environment is in this shell (`eval "$(scripts/cluster.sh env)"`; its
   nodes must have been started with RATE_LIMITS_ENABLED=false).
2. Runs the rush of bench/booking_rush.py — `--clients` concurrent clients registering `--attempts` visitors for
   sessions holding 80% as many seats — through web node 1 alone, then spread over both nodes (attempt i goes to
   node i mod 2, on the same sessions, so the seat locks are contended across nodes), through the API and through
   the form (the CSRF cookie from one node, the POST to either), then the raw-SQL baseline on the primary.
   Counts oversold seats on the primary after each phase (must be 0) and waits for the RQ workers to deliver the
   confirmations of the spread API phase.
3. Writes the figures to docs/performance.md between `<!-- cluster:begin -->` and `<!-- cluster:end -->` (the
   rest of the page belongs to bench/run_all.py, which keeps text outside its own markers).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import booking_rush, common  # noqa: E402

BEGIN, END = "<!-- cluster:begin -->", "<!-- cluster:end -->"


# --- the cluster ---------------------------------------------------------------------------------------------------


class ThrowAwayCluster:
    """scripts/cluster.sh up in a temporary directory on free ports; down and deleted on exit."""

    def __init__(self, web_workers: int, clients: int) -> None:
        self.dir = tempfile.mkdtemp(prefix="mosprom-cluster-rush-")
        os.chmod(self.dir, 0o755)  # noqa: S103 (as root, PostgreSQL runs as postgres and must reach its data)
        self.web_workers = web_workers
        self.clients = clients
        self.env: dict[str, str] = {}
        self.up_seconds = 0.0

    def __enter__(self) -> ThrowAwayCluster:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CLUSTER_"))}
        base.update(
            {
                "CLUSTER_DIR": self.dir,
                "CLUSTER_PG_FAST": "1",
                "RATE_LIMITS_ENABLED": "false",
                "WEB_WORKERS": str(self.web_workers),
                # The raw-SQL baseline opens one connection per client, beside the nodes' own.
                "CLUSTER_PG_MAX_CONNECTIONS": str(self.clients + 100),
                "LOG_LEVEL": "WARNING",
            }
        )
        started = time.monotonic()
        # The cluster tests take the same lock while they choose their ports.
        with common.cluster_ports_lock():
            base["CLUSTER_PORT_BASE"] = str(common.free_cluster_port_base(58100))
            self.env = common.cluster_env(base)
            try:
                subprocess.run(["bash", "scripts/cluster.sh", "up"], env=self.env, cwd=ROOT, check=True, timeout=600)
            except BaseException:
                self.__exit__()
                raise
        self.up_seconds = time.monotonic() - started
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["bash", "scripts/cluster.sh", "down"], env=self.env or None, cwd=ROOT, timeout=300)
        shutil.rmtree(self.dir, ignore_errors=True)


# --- the load: bench/booking_rush.py's clients (http_rush), spread over the nodes ------------------------------


def node_cpu_seconds(cluster_dir: Path) -> float:
    """CPU (user + system) used so far by the gunicorn workers of both web nodes."""
    ticks = os.sysconf("SC_CLK_TCK")
    masters = {int((cluster_dir / "run" / f"web{i}.pid").read_text()) for i in (1, 2)}
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) in masters:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def confirmations(run_id: str) -> dict[str, int]:
    """The outbox states of the rush's confirmation e-mails (every HTTP phase of this run)."""
    from django.db.models import Count

    from mosprom.core.models import OutboundEmail

    rows = (
        OutboundEmail.objects.filter(to__startswith="cluster-", to__contains=f"-{run_id}")
        .filter(to__endswith="@rush.synthetic.invalid")
        .values("state")
        .annotate(n=Count("id"))
    )
    return {r["state"]: r["n"] for r in rows}


def drain(run_id: str, expected: int, timeout: float, log: Any) -> dict[str, Any]:
    """Watch the RQ workers deliver the rush's confirmations: until all are sent or `timeout` seconds pass."""
    started = time.monotonic()
    first = confirmations(run_id).get("sent", 0)
    while True:
        states = confirmations(run_id)
        elapsed = time.monotonic() - started
        if states == {"sent": expected} or elapsed > timeout:
            break
        time.sleep(1)
    sent = states.get("sent", 0)
    log(f"confirmations: {states} ({sent - first} sent in the {elapsed:.0f} s after the last phase)")
    return {"expected": expected, "states": states, "seconds": elapsed, "rate": (sent - first) / max(elapsed, 1e-3)}


def run(
    env: dict[str, str], *, clients: int, attempts: int, sessions: int, drain_timeout: float, log: Any = print
) -> dict[str, Any]:
    """The phases against the cluster whose environment is `env` (Django set up on its primary)."""
    run_id = uuid.uuid4().hex[:8]
    nodes = [urllib.parse.urlsplit(u).port for u in env["CLUSTER_WEB_URLS"].split(",")]
    cluster_dir = Path(env["CLUSTER_DIR"])
    seats = max(1, -(-attempts * 8 // (10 * sessions)))
    plan = [
        ("API, web node 1 alone", "api", nodes[:1]),
        ("API, both web nodes", "api", nodes),
        ("form, both web nodes", "form", nodes),
    ]
    phases: list[dict[str, Any]] = []
    log(f"{clients} clients, {attempts} attempts per phase on {sessions} sessions of {seats} seats")
    for name, mode, ports in plan:
        slug, ids = booking_rush.make_sessions(
            run_id=run_id, phase=f"cluster-{len(phases)}", sessions=sessions, seats=seats
        )
        spec = {
            "nodes": ports,
            "mode": mode,
            "slug": slug,
            "sessions": ids,
            "clients": clients,
            "attempts": attempts,
            "run_id": f"{run_id}{len(phases)}",
            "email_prefix": "cluster-",  # confirmations() finds this run's e-mails by it
        }
        cpu_before = node_cpu_seconds(cluster_dir)
        figures = booking_rush._phase_figures(name, booking_rush._in_another_process(booking_rush.http_rush, spec), ids)
        figures["worker_cpu_ms_per_attempt"] = (node_cpu_seconds(cluster_dir) - cpu_before) * 1000 / attempts
        figures["nodes"] = len(ports)
        phases.append(figures)
        log(_line(figures))
    slug, ids = booking_rush.make_sessions(run_id=run_id, phase="cluster-raw", sessions=sessions, seats=seats)
    spec = {"db_url": env["DATABASE_URL"], "sessions": ids, "clients": clients, "attempts": attempts}
    spec["run_id"] = f"{run_id}raw"
    phases.append(
        booking_rush._phase_figures(
            "raw SQL on the primary", booking_rush._in_another_process(booking_rush.raw_rush, spec), ids
        )
    )
    log(_line(phases[-1]))
    delivery = drain(run_id, sum(p["holds"] for p in phases[:-1]), drain_timeout, log)
    booking_rush.remove_rush_data()
    return {
        "clients": clients,
        "attempts": attempts,
        "sessions": sessions,
        "seats_per_session": seats,
        "web_workers": int(env.get("WEB_WORKERS", "2")),
        "phases": phases,
        "drain": delivery,
        "oversold": sum(p["oversold"] for p in phases),
    }


def _line(p: dict[str, Any]) -> str:
    return (
        f"{p['phase']:<26} holds {p['holds']:>5}  {p['holds_per_s']:7.1f}/s  p50 {p['p50_ms']:7.0f} ms  "
        f"p95 {p['p95_ms']:7.0f} ms  oversold {p['oversold']}  {p['outcomes']}"
    )


# --- docs/performance.md ----------------------------------------------------------------------------------------


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}".replace(",", " ")


def render(results: dict[str, Any], meta: dict[str, Any]) -> str:
    out = io.StringIO()
    w = out.write
    w(f"{BEGIN}\n## The booking rush on the cluster (`make cluster-bench`)\n\n")
    w(
        f"_Generated by `{meta['command']}` (scripts/cluster_rush.py) on {meta['date']} in {meta['minutes']:.1f} min; "
        f"{meta['machine']}; load average {meta['load_start']} → {meta['load_end']}._\n\n"
    )
    w(
        "The rush of `bench/booking_rush.py` against the topology of `make cluster` on the same machine: two "
        f"gunicorn web nodes of {results['web_workers']} sync workers each (the single-node rush above has one node "
        f"of 4), PostgreSQL primary + streaming replica ({meta['database']}, fsync off), Redis, two RQ workers and "
        f"the scheduler — all on the same {meta['cores']} cores. {results['clients']} concurrent clients, "
        f"{results['attempts']} attempts per phase on {results['sessions']} sessions of "
        f"{results['seats_per_session']} seats; «both web nodes»: attempt i goes to node i mod 2, on the same "
        "sessions, so the seat locks are contended across the nodes. Cluster started in "
        f"{meta['up_seconds']:.0f} s.\n\n"
    )
    w(
        "| phase | holds | holds/s | attempts/s | p50 ms | p95 ms | p99 ms | oversold | web CPU ms/attempt |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
    )
    for p in results["phases"]:
        cpu = p.get("worker_cpu_ms_per_attempt")
        w(
            f"| {p['phase']} | {p['holds']} | {_fmt(p['holds_per_s'])} | {_fmt(p['attempts_per_s'])} | "
            f"{_fmt(p['p50_ms'], 0)} | {_fmt(p['p95_ms'], 0)} | {_fmt(p['p99_ms'], 0)} | {p['oversold']} | "
            f"{_fmt(cpu) if cpu is not None else '—'} |\n"
        )
    unexpected = [p for p in results["phases"] if set(p["outcomes"]) - {"held", "refused"} or p["errors"]]
    for p in unexpected:
        w(f"\nUnexpected answers in «{p['phase']}»: {p['outcomes']} {p['errors'][:3]}\n")
    phases = {p["phase"]: p for p in results["phases"]}
    one, two = phases["API, web node 1 alone"], phases["API, both web nodes"]
    drain = results["drain"]
    sent = drain["states"].get("sent", 0)
    rendered = sum(drain["states"].values())
    w(
        f"\nOversold: {results['oversold']} in every phase together. Both nodes against one: "
        f"{two['holds_per_s'] / one['holds_per_s']:.2f}× the holds per second "
        f"(p95 {_fmt(one['p95_ms'], 0)} → {_fmt(two['p95_ms'], 0)} ms).\n\n"
        f"Every hold asks for a confirmation e-mail ({drain['expected']} here): a job pushed to Redis on commit "
        "renders it into the outbox (QR code, .ics), a second one sends it; the two RQ workers run them beside the "
        f"rush. {_fmt(drain['seconds'], 0)} s after the last phase, {sent} had been sent ({_fmt(drain['rate'])} per "
        "second in those seconds)"
        + (
            ": all of them.\n"
            if sent == drain["expected"]
            else f", {rendered - sent} were rendered and waiting to be sent and {drain['expected'] - rendered} still "
            "waited in the queue to be rendered — none lost (the outbox and its sweep keep them), only late.\n"
        )
    )
    w(f"{END}\n")
    return out.getvalue()


def write_doc(path: Path, generated: str) -> None:
    """Replace the cluster section (or add it after bench/run_all.py's figures); nothing else is touched."""
    text = path.read_text() if path.exists() else "# Performance\n"
    replaced = common.replace_section(text, BEGIN, END, generated)
    if replaced is not None:
        text = replaced
    else:
        anchor = "\n## Against the targets"
        if anchor in text:
            head, tail = text.split(anchor, 1)
            text = head.rstrip("\n") + "\n\n" + generated + anchor + tail
        else:
            text = text.rstrip("\n") + "\n\n" + generated
    path.write_text(text)


def loadavg() -> str:
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--attempts", type=int, default=600, help="registrations tried per phase")
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per node (a new cluster)")
    parser.add_argument(
        "--drain-timeout", type=float, default=60, help="seconds to watch the workers deliver the confirmations"
    )
    parser.add_argument("--running", action="store_true", help="use the cluster of this shell's environment")
    parser.add_argument("--doc", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--no-doc", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    started, load_start = time.perf_counter(), loadavg()

    def with_cluster(env: dict[str, str], up_seconds: float) -> dict[str, Any]:
        os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
        common.setup_django(migrate=False)
        results = run(
            env, clients=args.clients, attempts=args.attempts, sessions=args.sessions, drain_timeout=args.drain_timeout
        )
        results["meta"] = {
            "command": "make cluster-bench",
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": common.machine(),
            "cores": os.cpu_count(),
            "database": common.database_version(),
            "up_seconds": up_seconds,
            "load_start": load_start,
        }
        return results

    if args.running:
        if "CLUSTER_WEB_URLS" not in os.environ:
            raise SystemExit('--running: eval "$(scripts/cluster.sh env)" first')
        results = with_cluster(dict(os.environ), 0.0)
    else:
        with ThrowAwayCluster(web_workers=args.web_workers, clients=args.clients) as cluster:
            results = with_cluster(cluster.env, cluster.up_seconds)
    results["meta"].update(minutes=(time.perf_counter() - started) / 60, load_end=loadavg())
    print(f"oversold: {results['oversold']} (must be 0)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    if not args.no_doc:
        write_doc(Path(args.doc), render(results, results["meta"]))
        print(f"wrote {args.doc}")
    if results["oversold"]:
        raise SystemExit("oversold seats: the rush is broken")
    return results


if __name__ == "__main__":
    main()
