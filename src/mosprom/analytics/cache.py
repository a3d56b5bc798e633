"""KPI cache: every KPI is cached under a data-version key that signals bump on any change.

A KPI is never served stale after an edit: `post_save` / `post_delete` (and m2m changes) on the models the
KPIs read call `bump_data_version()`, which writes a new version into the django cache (shared by every web
node when CACHE_URL points at Redis). Old entries are never read again and expire by themselves.
The version is bumped twice: at once, and again when the transaction commits, so a reader that computed a KPI
from the not-yet-committed state cannot leave a stale figure under the new version.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from mosprom.core.db_router import use_replica

T = TypeVar("T")

VERSION_PREFIX = "analytics:data-version"
KEY_PREFIX = "analytics:kpi"
# The parts whose data the KPIs read. Each has its own version, so a tour registration does not throw away the
# registry's figures; a KPI names the parts it depends on.
DOMAINS = ("registry", "partnerships", "tours")
# Long enough to be useful, short enough that an orphaned entry does not live forever.


def version_key(domain: str) -> str:
    return f"{VERSION_PREFIX}:{domain}"


def _timeout() -> int:
    return int(settings.ANALYTICS_CACHE_SECONDS)


def _new_version() -> str:
    # Nanoseconds since the epoch: also tells when the data last changed (Last-Modified).
    return str(time.time_ns())


def _domain_version(domain: str) -> str:
    key = version_key(domain)
    version = cache.get(key)
    if version is None:
        version = _new_version()
        # add(): two readers racing after a cache flush agree on one version.
        if not cache.add(key, version, timeout=None):
            version = cache.get(key) or version
    return str(version)


def data_version(domains: tuple[str, ...] = DOMAINS) -> str:
    """The combined version of the data of `domains` (all parts by default)."""
    return ".".join(_domain_version(d) for d in domains)


def _bump(domains: tuple[str, ...]) -> None:
    version = _new_version()
    cache.set_many({version_key(d): version for d in domains}, timeout=None)


def bump_data_version(domain: str | None = None) -> None:
    """Invalidate the KPIs reading `domain` (every part when None): now and again when the transaction commits."""
    domains = (domain,) if domain in DOMAINS else DOMAINS
    _bump(domains)
    transaction.on_commit(lambda: _bump(domains))


def data_changed_at(domains: tuple[str, ...] = DOMAINS) -> datetime:
    """When the data of `domains` last changed (as far as this cache knows), as an aware UTC datetime.

    Rounded UP to the next whole second: HTTP dates have one-second resolution, and a change later in the same
    second as a client's fetch must still produce a newer Last-Modified.
    """
    newest = max(int(_domain_version(d)) for d in domains)
    return datetime.fromtimestamp(newest // 1_000_000_000 + 1, tz=UTC)


def cached_kpi(name: str, compute: Callable[[], T], *key_parts: Any, depends: tuple[str, ...] = DOMAINS) -> T:
    """Return the cached value of KPI `name` for `key_parts`, computing it once per version of the data of
    the parts it `depends` on."""
    if not settings.ANALYTICS_CACHE_ENABLED:
        return compute()
    raw = "|".join([name, *(repr(p) for p in key_parts)])
    digest = hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:20]
    key = f"{KEY_PREFIX}:{data_version(depends)}:{name}:{digest}"
    sentinel = object()
    value = cache.get(key, sentinel)
    if value is sentinel:
        # On the replica when one is configured and has replayed this version of the data (core.db_router).
        with use_replica(not_before=data_changed_at(depends)):
            value = compute()
        cache.set(key, value, timeout=_timeout())
    return value  # type: ignore[return-value]
