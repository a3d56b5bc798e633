"""The cluster tests start the whole topology with scripts/cluster.sh (once per session) and stop it.

They run in `make test` when CI=true, in the PostgreSQL pass only (DATABASE_URL is postgres://…; the SQLite pass
leaves them out), and locally with MOSPROM_CLUSTER_TESTS=1. They are never skipped: outside those runs the
modules are not collected. They share one file, which pytest-xdist gives to one worker (`--dist loadfile`).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bench import common

ROOT = Path(__file__).resolve().parents[2]


def cluster_tests_enabled() -> bool:
    if os.environ.get("MOSPROM_CLUSTER_TESTS") == "1":
        return True
    return os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL", "").startswith("postgres")


collect_ignore_glob = [] if cluster_tests_enabled() else ["test_cluster_*.py"]


class SmtpSink:
    """An SMTP server (aiosmtpd) that takes its time over each message and remembers every Message-ID."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.message_ids: list[str] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        match = re.search(rb"^Message-ID:\s*(\S+)", envelope.content, re.MULTILINE | re.IGNORECASE)
        with self._lock:
            self.message_ids.append(match.group(1).decode() if match else "")
        return "250 OK"

    def count(self) -> int:
        with self._lock:
            return len(self.message_ids)

    def unique(self) -> set[str]:
        with self._lock:
            return set(self.message_ids)


@dataclass
class Cluster:
    env: dict[str, str]
    smtp: SmtpSink
    up_seconds: float
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def web_urls(self) -> list[str]:
        return self.env["CLUSTER_WEB_URLS"].split(",")

    @property
    def dir(self) -> Path:
        return Path(self.env["CLUSTER_DIR"])

    def script(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["bash", str(ROOT / "scripts/cluster.sh"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, (
            f"cluster.sh {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
        return done

    def probe(self, command: str, **kwargs: Any) -> Any:
        """Run tests/cluster/probe.py in the nodes' environment (against the cluster's primary and replica)."""
        done = subprocess.run(
            [sys.executable, str(ROOT / "tests/cluster/probe.py"), command, json.dumps(kwargs)],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def pid(self, name: str) -> int:
        return int((self.dir / "run" / f"{name}.pid").read_text())


_running: dict[str, Any] = {}


def _start() -> Cluster:
    from aiosmtpd.controller import Controller

    smtp = SmtpSink(delay=0.03)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        smtp_port = s.getsockname()[1]
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    workdir = tempfile.mkdtemp(prefix="mosprom-cluster-")
    os.chmod(workdir, 0o755)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PYTEST_"))}
    base_env.update(
        {
            "CLUSTER_DIR": workdir,
            "CLUSTER_PG_FAST": "1",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            # Short timeouts so the safety nets act within the test.
            "OUTBOX_CLAIM_TIMEOUT_SECONDS": "4",
            "OUTBOX_SWEEP_GRACE_SECONDS": "1",
            "REPLICA_MAX_LAG_SECONDS": "2",
            # The rush comes from one address: limits off (their own tests cover them).
            "RATE_LIMITS_ENABLED": "false",
            "WEB_WORKERS": "2",
        }
    )
    _running.update(controller=controller, workdir=workdir)
    started = time.monotonic()
    # One cluster starting at a time on this machine: free ports are chosen and taken under the lock.
    with common.cluster_ports_lock():
        base_env["CLUSTER_PORT_BASE"] = str(common.free_cluster_port_base())
        env = {**common.cluster_env(base_env), "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
        cluster = Cluster(env=env, smtp=smtp, up_seconds=0.0)
        _running["cluster"] = cluster
        cluster.script("up")
    cluster.up_seconds = time.monotonic() - started
    sys.stderr.write(f"\ncluster up in {cluster.up_seconds:.1f}s\n")
    return cluster


def _stop() -> None:
    cluster, controller, workdir = (
        _running.pop("cluster", None),
        _running.pop("controller", None),
        _running.pop("workdir", None),
    )
    if cluster is not None:
        subprocess.run(["bash", str(ROOT / "scripts/cluster.sh"), "down"], env=cluster.env, cwd=ROOT, timeout=180)
    if workdir is not None:
        # The nodes' logs outlive the run (CI artefact, debugging): var/cluster-test-logs.
        shutil.rmtree(ROOT / "var/cluster-test-logs", ignore_errors=True)
        shutil.copytree(Path(workdir) / "log", ROOT / "var/cluster-test-logs", dirs_exist_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)
    if controller is not None:
        controller.stop()


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    """The whole topology, started once per test session by whichever test needs it first and stopped when the
    session ends (`pytest_sessionfinish`). Not a yield fixture: pytest-xdist may tear session fixtures down
    between batches of tests it sends to a worker, and the cluster must not be stopped and started again."""
    if "error" in _running:
        raise RuntimeError(f"the cluster did not start: {_running['error']}")
    if "cluster" not in _running or "workdir" not in _running:
        try:
            return _start()
        except BaseException as exc:
            _running["error"] = str(exc)[-4000:]
            _stop()
            raise
    return _running["cluster"]  # type: ignore[no-any-return]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _stop()
