"""Run inside the cluster's environment (`scripts/cluster.sh env`) by tests/cluster: set up data on the primary
and look at what the nodes did. Prints one JSON document.

    python tests/cluster/probe.py <command> [json-args]
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from typing import Any

import django

django.setup()

from django.db import connections, transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from mosprom.core import db_router  # noqa: E402
from mosprom.core.models import OutboundEmail  # noqa: E402


def _uid() -> str:
    return uuid.uuid4().hex[:10]


def open_session(capacity: int) -> dict[str, Any]:
    """A published tour of a new host with one session open for registration."""
    from tests.factories import OrganisationFactory, SeasonFactory, SessionFactory, TourFactory

    u = _uid()
    host = OrganisationFactory(slug=f"cluster-host-{u}", short_name=f"ООО «Кластер {u}»")
    tour = TourFactory(slug=f"cluster-tour-{u}", title=f"Экскурсия {u}", host=host, season=SeasonFactory(slug=f"s-{u}"))
    session = SessionFactory(tour=tour, capacity=capacity)
    return {"session": session.pk}


def seats(session: int) -> dict[str, Any]:
    from mosprom.tours.models import Registration, Session

    rows = Registration.objects.filter(session_id=session).values("state").annotate(n=Count("id"), s=Sum("party_size"))
    by_state = {r["state"]: {"rows": r["n"], "seats": r["s"]} for r in rows}
    return {"capacity": Session.objects.get(pk=session).capacity, "by_state": by_state}


def outbox(prefix: str) -> dict[str, Any]:
    rows = OutboundEmail.objects.filter(idempotency_key__startswith=prefix).values("state").annotate(n=Count("id"))
    return {"states": {r["state"]: r["n"] for r in rows}}


def confirmations(session: int) -> dict[str, Any]:
    """The confirmation e-mail of every registration of `session`, by outbox state ("missing": not in the outbox)."""
    from mosprom.tours.models import Registration

    keys = {
        f"tours:confirm:{pk}" for pk in Registration.objects.filter(session_id=session).values_list("pk", flat=True)
    }
    states = dict(OutboundEmail.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", "state"))
    counts: dict[str, int] = {}
    for key in keys:
        state = states.get(key, "missing")
        counts[state] = counts.get(state, 0) + 1
    return {"states": counts}


def confirmation_message_ids(session: int) -> list[str]:
    """The Message-ID header of the confirmation of every registration of `session` (what the SMTP server sees)."""
    from mosprom.tours.models import Registration

    keys = [
        f"tours:confirm:{pk}" for pk in Registration.objects.filter(session_id=session).values_list("pk", flat=True)
    ]
    return [message.message_id for message in OutboundEmail.objects.filter(idempotency_key__in=keys)]


def email_burst(prefix: str, count: int) -> dict[str, Any]:
    """`count` e-mails through the outbox, each in its own transaction (its job pushed to Redis on commit)."""
    from mosprom.core.services import email_enqueue

    for i in range(count):
        with transaction.atomic():
            email_enqueue(
                to=f"visitor{i}@example.com",
                template="core/email/test",
                context={"name": f"№{i}"},
                language="ru",
                idempotency_key=f"{prefix}{i:05d}",
            )
    return {"queued": count}


def wait_sent(
    expect: int, timeout: float, prefix: str = "", session: int = 0, sweep_every: float = 2.0
) -> dict[str, Any]:
    """Wait until the `expect` e-mails (outbox keys starting with `prefix`, or the confirmations of `session`) are
    all sent, running the scheduler's outbox sweep every `sweep_every` seconds meanwhile. Returns the last states."""
    import logging

    from mosprom.core.services import outbox_sweep

    class Errors(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.ERROR)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    errors = Errors()
    logging.getLogger("rq").addHandler(errors)  # the sweep's clean-up of dead workers' jobs (rq.registry)
    started = time.monotonic()
    last_sweep = started
    while True:
        states = (confirmations(session) if session else outbox(prefix))["states"]
        if states == {"sent": expect} or time.monotonic() - started > timeout:
            return {"states": states, "seconds": round(time.monotonic() - started, 2), "rq_errors": errors.messages}
        if time.monotonic() - last_sweep >= sweep_every:
            outbox_sweep()
            last_sweep = time.monotonic()
        time.sleep(0.3)


def sweep() -> dict[str, Any]:
    """What the scheduler's outbox_sweep does on its tick (run here so the test need not wait 2 minutes)."""
    from mosprom.core.services import outbox_sweep

    return {"requeued": outbox_sweep()}


def _kpi_read() -> dict[str, Any]:
    """A dashboard figure (registry totals) computed through the KPI cache, with the queries each database ran."""
    from mosprom.analytics import selectors

    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as rep:
        # A day of its own: a cache miss, so the figure is computed now.
        import datetime as dt

        totals = selectors.registry_totals(
            today=dt.date(2000, 1, 1) + dt.timedelta(days=int(time.time() * 1000) % 9000)
        )
    db_router.lag_probe.reset()
    return {
        "organisations": totals["organisations"],
        "primary_queries": len([q for q in primary.captured_queries if "registry_" in q["sql"]]),
        "replica_queries": len([q for q in rep.captured_queries if "registry_" in q["sql"]]),
    }


def organisations_on(alias: str) -> int:
    from mosprom.registry.models import Organisation

    return Organisation.objects.using(alias).count()


def kpi_on_replica() -> dict[str, Any]:
    """A dashboard read: wait until the data is older than the replica's lag, then compute a KPI."""
    time.sleep(1.2)
    read = _kpi_read()
    return {**read, "primary_count": organisations_on("default")}


def edit_then_read(wait: float) -> dict[str, Any]:
    """An edit on the primary (a new organisation: the registry's data version is bumped in Redis), a KPI read at
    once, then again after `wait` seconds."""
    from tests.factories import OrganisationFactory

    OrganisationFactory(slug=f"cluster-org-{_uid()}")
    expected = organisations_on("default")
    first = _kpi_read()
    time.sleep(wait)
    second = _kpi_read()
    return {"expected": expected, "at_once": first, "after_wait": second, "lag": db_router.measure_lag()}


def new_organisation() -> dict[str, Any]:
    from tests.factories import OrganisationFactory

    OrganisationFactory(slug=f"cluster-org-{_uid()}")
    return {"organisations": organisations_on("default")}


def lagging_read(wait: float) -> dict[str, Any]:
    """With replay paused on the replica: an edit on the primary, `wait` seconds, then the lag and a KPI read."""
    from tests.factories import OrganisationFactory

    OrganisationFactory(slug=f"cluster-org-{_uid()}")
    expected = organisations_on("default")
    time.sleep(wait)
    db_router.lag_probe.reset()
    measured = db_router.measure_lag()
    usable = db_router.replica_usable()
    return {"expected": expected, "lag": measured, "usable": usable, "read": _kpi_read()}


def wait_usable(timeout: float) -> dict[str, Any]:
    started = time.monotonic()
    while True:
        db_router.lag_probe.reset()
        usable = db_router.replica_usable()
        if usable or time.monotonic() - started > timeout:
            return {"usable": usable, "seconds": round(time.monotonic() - started, 2)}
        time.sleep(0.3)


def limit_hits(key: str, hits: int, rate: str) -> dict[str, Any]:
    """Count `hits` events against a rate limit (core.limits, on the cluster's Redis cache); how many were refused."""
    from django.conf import settings

    from mosprom.core import limits

    settings.RATE_LIMITS_ENABLED = True  # the nodes run with limits off for the rush; this process counts
    refused = 0
    for _ in range(hits):
        try:
            limits.hit("cluster-test", key, rate)
        except limits.RateLimited:
            refused += 1
    return {"refused": refused}


def new_operator() -> dict[str, Any]:
    """An operator (staff, operators group) who can log in with a password."""
    from tests.factories import OperatorFactory

    password = f"cluster-{_uid()}-pass"
    user = OperatorFactory(username=f"cluster-operator-{_uid()}", password=password)
    return {"username": user.username, "password": password}


def session_stored(key: str) -> dict[str, Any]:
    """Where the session `key` lives: the shared cache (Redis) and the database (cached_db writes both)."""
    from django.conf import settings
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    return {
        "engine": settings.SESSION_ENGINE,
        "cache": cache.get(KEY_PREFIX + key) is not None,
        "database": Session.objects.filter(session_key=key).exists(),
    }


def lag() -> dict[str, Any]:
    return {"lag": db_router.measure_lag(), "usable": db_router.replica_usable()}


COMMANDS = {
    name: f
    for name, f in dict(globals()).items()
    if callable(f) and not name.startswith("_") and getattr(f, "__module__", "") == __name__
}

if __name__ == "__main__":
    args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(json.dumps(COMMANDS[sys.argv[1]](**args), default=str))
