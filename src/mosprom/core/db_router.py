"""Reads that tolerate a little lag go to the PostgreSQL streaming replica; everything else stays on the primary.

Nothing goes to the replica unless the code asks for it, in a few central places:

* `analytics.cache.cached_kpi` computes every KPI inside `use_replica(not_before=<when its data last changed>)`;
* `ReplicaReadsMiddleware` wraps anonymous GET/HEAD requests to the public read-only lists of the API
  (`REPLICA_READ_PATHS`) in `use_replica()`.

Seat accounting, registration, check-in, the back-office and anything that reads its own writes never ask, so
they read the primary. Even inside `use_replica()`:

* a read inside `transaction.atomic()` stays on the primary (it may need to see the transaction's own rows);
* models of `REPLICA_NEVER_APPS` (sessions, users, tokens, the outbox, the task rows…) stay on the primary;
* the lag guard: the replica is used only while its replay lag (`pg_last_xact_replay_timestamp()`, measured at
  most every `REPLICA_LAG_CHECK_SECONDS`) is at most `REPLICA_MAX_LAG_SECONDS` — and, with `not_before`, smaller
  than the age of the change the reader must see; otherwise (or if the replica does not answer) the primary.

Writes always go to the primary; migrations run only there (the replica copies them through the WAL).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
F = TypeVar("F", bound=Callable[..., Any])


class _Wanted:
    """What the current reader asked for: the replica, and the oldest change it must see (epoch seconds)."""

    __slots__ = ("not_before",)

    def __init__(self, not_before: float | None) -> None:
        self.not_before = not_before


_wanted: ContextVar[_Wanted | None] = ContextVar("mosprom_replica_wanted", default=None)


@contextmanager
def use_replica(not_before: datetime | float | None = None) -> Iterator[None]:
    """Let reads in this block go to the replica (when configured and fresh enough).

    `not_before`: the moment of the newest change these reads must see; the replica is used only if its lag is
    smaller than the age of that change."""
    if isinstance(not_before, datetime):
        not_before = not_before.timestamp()
    token = _wanted.set(_Wanted(not_before))
    try:
        yield
    finally:
        _wanted.reset(token)


def replica_reads(func: F) -> F:
    """Decorator form of `use_replica()`."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with use_replica():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


# --- the lag guard ----------------------------------------------------------------------------------------

_LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN NULL
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
       AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp())), 1e9)
END
"""


class _LagProbe:
    """The replica's replay lag in seconds, measured at most every REPLICA_LAG_CHECK_SECONDS per process.

    0 when the replica streams from the primary and has replayed everything it received (not streaming: the age
    of the last replayed transaction); None when it cannot be measured (not a replica, or
    it does not answer) — the router then reads the primary."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._measured_at = -1e9
        self._lag: float | None = None

    def reset(self) -> None:
        with self._lock:
            self._measured_at = -1e9
            self._lag = None

    def lag(self) -> float | None:
        now = time.monotonic()
        with self._lock:
            if now - self._measured_at < settings.REPLICA_LAG_CHECK_SECONDS:
                return self._lag
            self._measured_at = now
        lag = measure_lag()
        with self._lock:
            self._lag = lag
        return lag


def measure_lag() -> float | None:
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(_LAG_SQL)
            row = cursor.fetchone()
    except DatabaseError:
        logger.warning("replica does not answer; reading the primary")
        with suppress(DatabaseError):
            connections[REPLICA].close()
        return None
    return None if row is None or row[0] is None else float(row[0])


lag_probe = _LagProbe()


def replica_usable(not_before: float | None = None) -> bool:
    """The lag guard: is the replica configured, answering and recent enough for these reads?"""
    if not replica_configured():
        return False
    lag = lag_probe.lag()
    if lag is None or lag > settings.REPLICA_MAX_LAG_SECONDS:
        return False
    if not_before is not None:
        # The replica has replayed everything committed before (now − lag): it must include the change.
        return lag < time.time() - not_before
    return True


# --- the router -------------------------------------------------------------------------------------------


class ReplicaRouter:
    """`DATABASE_ROUTERS = ["mosprom.core.db_router.ReplicaRouter"]`."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        wanted = _wanted.get()
        if wanted is None:
            return None
        if model._meta.app_label in settings.REPLICA_NEVER_APPS:
            return None
        if connections["default"].in_atomic_block:
            return None  # the transaction may read its own writes
        return REPLICA if replica_usable(wanted.not_before) else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA


# --- public read-only lists -------------------------------------------------------------------------------


def _is_replica_path(path: str) -> bool:
    for prefix in settings.REPLICA_READ_PATHS:
        if prefix.endswith("/"):
            if path.startswith(prefix):
                return True
        elif path == prefix or path == prefix + "/":
            return True
    return False


class ReplicaReadsMiddleware:
    """Anonymous GET/HEAD requests to the public read-only lists (`REPLICA_READ_PATHS`) read the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("GET", "HEAD")
            and replica_configured()
            and "HTTP_AUTHORIZATION" not in request.META
            and _is_replica_path(request.path_info)
            and not getattr(getattr(request, "user", None), "is_authenticated", False)
        ):
            with use_replica():
                return self.get_response(request)
        return self.get_response(request)
