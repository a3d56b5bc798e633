"""Shared plumbing of the benchmark scripts: the database, Django set-up, percentiles, the machine.

The scripts import this module before Django is set up; nothing here imports Django at module level.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import platform
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
# The throw-away PostgreSQL this process started (stopped at exit), if any.
TEMP_PG_DIR = ""


def ensure_database(*, postgres: bool = True) -> str:
    """The DATABASE_URL to use: the one given, else a throw-away PostgreSQL (scripts/pg-temp.sh, stopped at exit).

    With postgres=False and no DATABASE_URL, a temporary SQLite file is used instead (quick local runs).
    """
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    if not postgres:
        tmp = tempfile.mkdtemp(prefix="mosprom-bench-")
        url = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        install_postgresql()
        env = dict(os.environ)
        env.setdefault("PG_TEMP_PORT", str(free_port()))  # other clusters may already use the default port
        out = subprocess.run(
            ["bash", str(ROOT / "scripts" / "pg-temp.sh"), "start"], check=True, capture_output=True, text=True, env=env
        ).stdout
        values = dict(part.split("=", 1) for part in shlex.split(out.replace("export ", "")))
        url, pg_dir = values["DATABASE_URL"], values["PG_TEMP_DIR"]
        global TEMP_PG_DIR
        TEMP_PG_DIR = pg_dir
        atexit.register(
            lambda: subprocess.run(["bash", str(ROOT / "scripts" / "pg-temp.sh"), "stop", pg_dir], check=False)
        )
        print(f"started a temporary PostgreSQL: {url}", file=sys.stderr)
    os.environ["DATABASE_URL"] = url
    return url


def install_postgresql() -> None:
    """Install Debian's postgresql when its binaries are missing (as .ci/run does; root only)."""
    if list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("PostgreSQL is not installed: apt-get install postgresql, or set DATABASE_URL")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"], check=True, env=env)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the throw-away clusters of scripts/cluster.sh (tests/cluster, scripts/cluster_rush.py) ---------------------

CLUSTER_PORT_OFFSETS = (1, 2, 32, 33, 79)  # scripts/cluster.sh: web nodes, primary, replica, Redis


@contextlib.contextmanager
def cluster_ports_lock() -> Iterator[None]:
    """Held while a cluster chooses its ports and starts: one at a time on this machine."""
    with open(Path(tempfile.gettempdir()) / "mosprom-cluster-tests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def free_cluster_port_base(first: int = 56100) -> int:
    """A base port (from `first` on, in steps of 100) whose cluster ports are all free."""
    for base in range(first, 64000, 100):
        free = True
        for offset in CLUSTER_PORT_OFFSETS:
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", base + offset))
                except OSError:
                    free = False
                    break
        if free:
            return base
    raise RuntimeError("no free ports for a cluster")


def cluster_env(base_env: dict[str, str]) -> dict[str, str]:
    """`base_env` with what `scripts/cluster.sh env` exports for the cluster it describes (CLUSTER_DIR, ports…)."""
    out = subprocess.run(
        ["bash", "-c", 'eval "$(bash scripts/cluster.sh env)" && env -0'],
        env=base_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(item.split("=", 1) for item in out.split("\0") if "=" in item)


def setup_django(*, postgres: bool = True, migrate: bool = True) -> str:
    """Point Django at the benchmark database (ensure_database) and set it up; returns the DATABASE_URL."""
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    os.environ.setdefault("MOSPROM_VAR_DIR", tempfile.mkdtemp(prefix="mosprom-bench-var-"))
    # whitenoise warns about a missing STATIC_ROOT on every start; the pages do not need collected files
    (Path(os.environ["MOSPROM_VAR_DIR"]) / "staticfiles").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosprom.settings")
    os.environ.setdefault("RATE_LIMITS_ENABLED", "false")
    url = ensure_database(postgres=postgres)
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    return url


def replace_section(text: str, begin: str, end: str, generated: str) -> str | None:
    """`text` with the part from `begin` to `end` replaced by `generated` (which holds the markers), every other
    line kept; None when `text` has no such part. docs/performance.md has two generated parts: bench/run_all.py's
    and scripts/cluster_rush.py's."""
    if begin not in text or end not in text:
        return None
    head, rest = text.split(begin, 1)
    return head + generated.rstrip("\n") + rest.split(end, 1)[1]


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0..100) by linear interpolation; NaN for no samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99/mean of samples given in seconds, in milliseconds."""
    return {
        "p50_ms": percentile(samples, 50) * 1000,
        "p95_ms": percentile(samples, 95) * 1000,
        "p99_ms": percentile(samples, 99) * 1000,
        "mean_ms": (statistics.fmean(samples) * 1000) if samples else float("nan"),
    }


def machine() -> str:
    """One line about this machine: CPU model, cores, memory, OS, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) // 1024 // 1024} GiB RAM"
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


# --- in-process page timing (catalog.py, dashboard.py) ---------------------------------------------------------


class PageResult:
    """Server times (seconds) and queries of repeated requests of one page."""

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url
        self.samples: list[float] = []
        self.queries: list[int] = []
        self.db_seconds: list[float] = []
        self.slowest: tuple[float, str] = (0.0, "")
        self.status = 0

    def row(self) -> dict[str, float | int | str]:
        return {
            "page": self.name,
            "url": self.url,
            "status": self.status,
            "rounds": len(self.samples),
            **summary_ms(self.samples),
            "queries": max(self.queries) if self.queries else 0,
            "db_p50_ms": percentile(self.db_seconds, 50) * 1000,
        }


def measure_page(
    client: object,
    name: str,
    url: str,
    *,
    rounds: int,
    warmup: int = 1,
    before: object = None,
    result: PageResult | None = None,
) -> PageResult:
    """GET `url` through the Django test client `rounds` times (after `warmup` unmeasured ones): the whole
    request/response cycle in-process (middleware, view, queries, template), timed with perf_counter; queries
    counted with CaptureQueriesContext. `before()` runs untimed before every request (e.g. cache.clear())."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = result or PageResult(name, url)
    for i in range(warmup + rounds):
        if callable(before):
            before()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)  # type: ignore[attr-defined]
            elapsed = time.perf_counter() - start
        result.status = response.status_code
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        if i < warmup:
            continue
        result.samples.append(elapsed)
        result.queries.append(len(ctx.captured_queries))
        times = [(float(q.get("time") or 0), q["sql"]) for q in ctx.captured_queries]
        result.db_seconds.append(sum(t for t, _sql in times))
        for t, sql in times:
            if (t > result.slowest[0] or not result.slowest[1]) and sql.lstrip().upper().startswith(("SELECT", "WITH")):
                result.slowest = (t, sql)
    return result


def explain(sql: str) -> str:
    """EXPLAIN ANALYZE (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of one captured query."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def print_table(rows: list[dict[str, float | int | str]], log: object = print) -> None:
    header = f"{'page':<34}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'queries':>9}{'db p50 ms':>11}"
    log(header)  # type: ignore[operator]
    for r in rows:
        log(  # type: ignore[operator]
            f"{r['page']!s:<34}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['queries']:>9}"
            f"{r['db_p50_ms']:>11.1f}"
        )


def synthetic_tour(*, prefix: str, title: str, slug: str) -> Any:
    """A published tour of a synthetic host (slug `<prefix>host`, flagged `is_demo`) for a benchmark to fill."""
    from django.utils import timezone

    from mosprom.demo.formats import formats_ensure
    from mosprom.registry.models import Organisation
    from mosprom.tours.models import Tour

    host, _ = Organisation.objects.get_or_create(
        slug=f"{prefix}host",
        defaults={"short_name": "Синтетический хозяин", "full_name": "ООО «Синтетический хозяин»", "is_demo": True},
    )
    return Tour.objects.create(
        host=host,
        format=formats_ensure()[0],
        title=title,
        slug=slug,
        state=Tour.State.PUBLISHED,
        published_at=timezone.now(),
        is_demo=True,
    )
