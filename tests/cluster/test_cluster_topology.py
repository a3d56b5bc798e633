"""The production topology on real engines (scripts/cluster.sh): two web nodes, two RQ workers and the scheduler on
Redis, PostgreSQL primary + streaming replica. Every test talks to the nodes over HTTP and looks at the databases
through tests/cluster/probe.py run in the nodes' environment."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .conftest import ROOT, Cluster


def _request(url: str, payload: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _register(cluster: Cluster, session: int, i: int, tag: str) -> tuple[int, str]:
    node = cluster.web_urls[i % 2]
    status, body = _request(
        f"{node}/api/v1/tour-sessions/{session}/registrations",
        {"name": f"Посетитель {i}", "email": f"{tag}-{i}@example.com", "phone": "+7 495 123-45-67", "consent": True},
    )
    return status, str(body.get("code", ""))


class _Browser:
    """A client that keeps its cookies across web nodes and does not follow redirects. The nodes run the
    production settings (Secure cookies) over plain HTTP on 127.0.0.1, so cookies are kept by hand."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, url: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of a GET, or of a POST of `form`."""
        parts = urllib.parse.urlsplit(url)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
        try:
            connection.request("GET" if form is None else "POST", parts.path or "/", body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response.status, response.getheader("Location") or "", text

    def csrf_token(self, url: str) -> str:
        status, _, body = self.request(url)
        assert status == 200, (url, status)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert match, f"no CSRF token on {url}"
        return match.group(1)


def _wait_for(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return check()


def _kill_tree(pid: int) -> None:
    """SIGKILL a process and its children (an RQ worker and the work-horse running its job)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    for p in [pid, *children]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)


def test_cluster_comes_up_in_under_two_minutes(cluster: Cluster) -> None:
    assert cluster.up_seconds < 120
    status = cluster.script("status").stdout
    for line in ("postgres primary: running", "postgres replica: running", "redis: running", "web1: running"):
        assert line in status
    for node in cluster.web_urls:
        assert _request(f"{node}/api/v1/tours")[0] == 200


def test_registration_rush_over_both_web_nodes_never_oversells(cluster: Cluster) -> None:
    capacity, attempts = 12, 60
    session = cluster.probe("open_session", capacity=capacity)["session"]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda i: _register(cluster, session, i, f"rush{session}"), range(attempts)))
    elapsed = time.monotonic() - started
    sys.stderr.write(f"\nrush: {attempts} registrations over 2 nodes in {elapsed:.2f}s\n")
    assert Counter(answers) == {(201, ""): capacity, (409, "not_enough_seats"): attempts - capacity}
    seats = cluster.probe("seats", session=session)
    assert seats["by_state"] == {"held": {"rows": capacity, "seats": capacity}}
    # Every confirmation is rendered by a worker and delivered (RQ jobs pushed on commit).
    assert cluster.probe("wait_sent", session=session, expect=capacity, timeout=60)["states"] == {"sent": capacity}


def test_a_worker_killed_mid_queue_and_the_other_finishes_its_jobs(cluster: Cluster) -> None:
    count, prefix = 60, f"kill-{time.time_ns()}-"
    before = cluster.smtp.count()
    burst = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests/cluster/probe.py"),
            "email_burst",
            json.dumps({"prefix": prefix, "count": count}),
        ],
        env=cluster.env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(lambda: cluster.smtp.count() - before >= 8, 60)
        _kill_tree(cluster.pid("worker1"))
        assert burst.wait(timeout=120) == 0
    finally:
        burst.kill()
    sent_when_killed = cluster.smtp.count() - before
    assert sent_when_killed < count  # killed mid-queue

    # worker2 takes the queue; the message the dead worker had claimed is taken again by the sweep (scheduler).
    settled = cluster.probe("wait_sent", prefix=prefix, expect=count, timeout=90)
    sys.stderr.write(
        f"\nworker killed after {sent_when_killed} of {count} e-mails; all sent {settled['seconds']}s later\n"
    )
    assert settled["states"] == {"sent": count}
    assert cluster.smtp.count() - before >= count  # at worst the message in flight at the kill arrives twice
    os.kill(cluster.pid("worker2"), 0)  # the other worker did it (it is still running)
    # The sweep's clean-up of the dead worker's job ran django-tasks-rq's failure callback without an error,
    # here (the probe sweeps too) and in the workers that ran the scheduler's sweep.
    assert settled["rq_errors"] == []
    for name in ("worker1", "worker2"):
        log = (cluster.dir / "log" / f"{name}.log").read_text()
        assert "callback for job" not in log, log[-3000:]
    # Bring the killed worker back for the next tests: it registers in Redis although the dead one's name is still
    # there (each start takes a name of its own).
    cluster.script("processes")
    worker1_log = cluster.dir / "log" / "worker1.log"
    assert _wait_for(lambda: "Listening on default" in worker1_log.read_text(), 60), worker1_log.read_text()[-3000:]
    os.kill(cluster.pid("worker1"), 0)


def test_redis_restarted_mid_burst_loses_no_email(cluster: Cluster) -> None:
    registrations = 24
    session = cluster.probe("open_session", capacity=200)["session"]
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def register(i: int) -> None:
        answer = _register(cluster, session, i, f"redis{session}")
        with lock:
            answers.append(answer)

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(register, i) for i in range(registrations)]
        assert _wait_for(lambda: len(answers) >= 6, 60)
        cluster.script("restart-redis", timeout=60)
        for future in futures:
            future.result()
    assert Counter(answers) == {(201, ""): registrations}
    assert cluster.probe("seats", session=session)["by_state"] == {
        "held": {"rows": registrations, "seats": registrations}
    }

    settled = cluster.probe("wait_sent", session=session, expect=registrations, timeout=90)
    sys.stderr.write(f"\nredis restarted mid-burst; every confirmation sent {settled['seconds']}s later\n")
    assert settled["states"] == {"sent": registrations}
    # …and each one reached the SMTP server.
    message_ids = cluster.probe("confirmation_message_ids", session=session)
    assert len(set(message_ids)) == registrations
    assert set(message_ids) <= cluster.smtp.unique()


def test_a_dashboard_read_is_served_by_the_replica(cluster: Cluster) -> None:
    read = cluster.probe("kpi_on_replica")
    assert read["replica_queries"] > 0
    assert read["primary_queries"] == 0
    assert read["organisations"] == read["primary_count"]


def test_an_edit_on_the_primary_is_read_there_at_once_and_on_the_replica_after_the_lag_guard(cluster: Cluster) -> None:
    result = cluster.probe("edit_then_read", wait=1.5)
    at_once, later = result["at_once"], result["after_wait"]
    # At once: whichever database the guard picked (the primary unless the replica had replayed the edit by then:
    # that depends on how fast this machine is), the figure includes the edit.
    assert at_once["organisations"] == result["expected"]
    assert at_once["primary_queries"] + at_once["replica_queries"] > 0
    # Once the change is older than the replica's lag: the replica answers, with the edit.
    assert (later["replica_queries"] > 0, later["primary_queries"]) == (True, 0)
    assert later["organisations"] == result["expected"]


def _replica_sql(cluster: Cluster, sql: str) -> None:
    sock = cluster.dir / "pg" / "sock"
    port = cluster.env["CLUSTER_PG_REPLICA_PORT"]
    psql = sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))[-1]
    command = [str(psql), "-h", str(sock), "-p", port, "-U", "postgres", "-Atc", sql]
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=30)


def test_a_lagging_replica_is_left_for_the_primary(cluster: Cluster) -> None:
    _replica_sql(cluster, "SELECT pg_wal_replay_pause()")
    try:
        result = cluster.probe("lagging_read", wait=3)  # REPLICA_MAX_LAG_SECONDS is 2 in these tests
    finally:
        _replica_sql(cluster, "SELECT pg_wal_replay_resume()")
    assert result["lag"] > 2
    assert result["usable"] is False
    read = result["read"]
    assert (read["primary_queries"] > 0, read["replica_queries"]) == (True, 0)
    assert read["organisations"] == result["expected"]
    # Replay resumed: the replica catches up and is used again.
    assert cluster.probe("wait_usable", timeout=30)["usable"] is True


def test_an_edit_through_one_node_invalidates_the_kpis_of_the_other(cluster: Cluster) -> None:
    node1, node2 = cluster.web_urls
    year = time.localtime().tm_year
    status, first = _request(f"{node1}/api/v1/kpi/summary?year={year}")
    assert status == 200
    assert _request(f"{node2}/api/v1/kpi/summary?year={year}")[1]["registry"] == first["registry"]
    after = cluster.probe("new_organisation")["organisations"]
    assert after == first["registry"]["organisations"] + 1
    # The version lives in Redis: both nodes see the new figure at once (computed on the primary: too fresh).
    for node in (node2, node1):
        assert _request(f"{node}/api/v1/kpi/summary?year={year}")[1]["registry"]["organisations"] == after


def test_a_login_on_one_web_node_is_valid_on_the_other(cluster: Cluster) -> None:
    node1, node2 = cluster.web_urls
    operator = cluster.probe("new_operator")
    browser = _Browser()
    token = browser.csrf_token(f"{node1}/accounts/login/")
    status, location, _ = browser.request(
        f"{node1}/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": operator["username"], "password": operator["password"]},
    )
    assert (status, location) == (302, "/accounts/welcome/")
    key = browser.cookies["sessionid"]
    # The session is in Redis (cached_db: read from the cache by every node) and written through to the database.
    stored = cluster.probe("session_stored", key=key)
    assert stored == {"engine": "django.contrib.sessions.backends.cached_db", "cache": True, "database": True}

    # Node 2 knows the user: the back-office opens with their name, no redirect to the login page.
    status, _, page = browser.request(f"{node2}/admin/")
    assert status == 200
    assert operator["username"] in page
    # Logging out on node 2 ends the session on node 1 too.
    token = browser.csrf_token(f"{node2}/admin/")
    assert browser.request(f"{node2}/accounts/logout/", {"csrfmiddlewaretoken": token})[0] == 302
    assert "sessionid" not in browser.cookies
    browser.cookies["sessionid"] = key  # the old cookie, replayed
    status, location, _ = browser.request(f"{node1}/admin/")
    assert (status, location) == (302, "/admin/login/?next=/admin/")
    assert cluster.probe("session_stored", key=key) == {**stored, "cache": False, "database": False}


def test_rate_limit_counters_are_shared_by_every_process(cluster: Cluster) -> None:
    key = f"client-{time.time_ns()}"
    # Two processes, two cache clients, one Redis: 3 + 3 events against 5 per hour → the sixth is refused.
    assert cluster.probe("limit_hits", key=key, hits=3, rate="5/h") == {"refused": 0}
    assert cluster.probe("limit_hits", key=key, hits=3, rate="5/h") == {"refused": 1}


def test_the_booking_rush_of_the_benchmarks_runs_against_the_cluster(cluster: Cluster, tmp_path: Path) -> None:
    """scripts/cluster_rush.py (`make cluster-bench`) at a small scale against this cluster: one node, then both, the
    API and the form, then raw SQL — never oversold. Last in the module: the rush leaves its confirmation jobs to the
    workers (its rows are deleted at the end, so they find nothing to send)."""
    figures = tmp_path / "rush.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/cluster_rush.py"),
            "--running",
            "--clients=8",
            "--attempts=30",
            "--sessions=2",
            "--drain-timeout=0",
            "--no-doc",
            f"--json={figures}",
        ],
        env=cluster.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    results = json.loads(figures.read_text())
    phases = {p["phase"]: p for p in results["phases"]}
    assert list(phases) == [
        "API, web node 1 alone",
        "API, both web nodes",
        "form, both web nodes",
        "raw SQL on the primary",
    ]
    # 2 sessions of 12 seats: 24 of the 30 attempts hold a seat, 6 are refused, in every phase.
    for phase in phases.values():
        assert (phase["outcomes"], phase["oversold"], phase["seats_held_in_db"]) == ({"held": 24, "refused": 6}, 0, 24)
    assert phases["API, both web nodes"]["nodes"] == 2
    assert results["drain"]["expected"] == 72
