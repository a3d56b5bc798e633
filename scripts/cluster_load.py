"""How far one web node goes: requests per second through one node, then through both, against `make cluster`.

    eval "$(scripts/cluster.sh env)"; .venv/bin/python scripts/cluster_load.py [--seconds 10] [--clients 8]

Three loads: the public catalogue (GET /api/v1/tours), a KPI read (GET /api/v1/kpi/summary, cached in Redis) and
registrations (POST, seat lock on the primary, e-mail job to Redis). Rate limits must be off in the nodes
(RATE_LIMITS_ENABLED=false) for the registration load. Prints one line per load and node count.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def _call(url: str, payload: dict[str, object] | None) -> int:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})  # noqa: S310 (http only)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run(nodes: list[str], path: str, seconds: float, clients: int, post: bool) -> tuple[float, float, dict[int, int]]:
    counter = itertools.count()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(_: int) -> None:
        while time.monotonic() < deadline:
            n = next(counter)
            payload = (
                {
                    "name": f"Нагрузка {n}",
                    "email": f"load-{time.time_ns()}-{n}@example.com",
                    "phone": "+7 495 123-45-67",
                    "consent": True,
                }
                if post
                else None
            )
            started = time.monotonic()
            status = _call(nodes[n % len(nodes)] + path, payload)
            with lock:
                latencies.append(time.monotonic() - started)
                statuses[status] = statuses.get(status, 0) + 1

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    rate = len(latencies) / seconds
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 20 else max(latencies)
    return rate, p95, statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--session", type=int, help="a session with plenty of seats for the registration load")
    args = parser.parse_args()
    nodes = os.environ["CLUSTER_WEB_URLS"].split(",")
    year = time.localtime().tm_year
    loads = [
        ("catalogue GET /api/v1/tours", "/api/v1/tours", False),
        ("KPI GET /api/v1/kpi/summary", f"/api/v1/kpi/summary?year={year}", False),
    ]
    if args.session:
        loads.append(("registration POST", f"/api/v1/tour-sessions/{args.session}/registrations", True))
    for label, path, post in loads:
        for used in (nodes[:1], nodes):
            rate, p95, statuses = run(used, path, args.seconds, args.clients, post)
            print(f"{label:32} {len(used)} node(s): {rate:7.1f} req/s, p95 {p95 * 1000:6.0f} ms, statuses {statuses}")


if __name__ == "__main__":
    main()
