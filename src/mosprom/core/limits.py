"""Abuse limits on the shared cache: small fixed-window counters, one refusal (429 `rate_limited`).

Logins are limited by django-axes (settings `AXES_*`); everything else goes through here:

* `throttle(request, "registration", email=...)` — per address and per e-mail, rates from `RATE_LIMITS`;
* `check_held_seats(...)` / `add_held_seats(...)` — at most `RATE_LIMITS_SEATS_HELD_PER_EMAIL` and
  `..._PER_ADDRESS` seats held at once per session (a counter that lives as long as a hold);
* `once_per(key, seconds=...)` — True once per window (re-sending a pending confirmation);
* `honeypot_filled(data)` — the hidden field naive bots fill in.

`RATE_LIMITS_ENABLED = False` switches all of it (and axes) off, for benchmarks. With several web nodes the
cache must be shared (Redis, `CACHE_URL`), or each node counts on its own.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import Refused

HONEYPOT_FIELD = "website"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


class RateLimited(Refused):
    """Too many requests: 429 with `code="rate_limited"` and `details={"retry_after": seconds}`."""

    status = 429

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        self.retry_after = max(int(retry_after), 1)
        super().__init__(
            "rate_limited",
            message
            or _("Too many attempts. Please try again in %(minutes)s min.") % {"minutes": _minutes(retry_after)},
            details={"retry_after": self.retry_after},
        )


def _minutes(seconds: float) -> int:
    return max(math.ceil(seconds / 60), 1)


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """`"5/m"`, `"20/h"`, `"3/10m"` (3 per 10 minutes), `"100/d"`."""
        match = _RATE.match(text)
        if match is None:
            raise ValueError(f"bad rate {text!r}: use e.g. '5/m', '20/h', '3/10m'")
        count, multiplier, unit = match.groups()
        return cls(int(count), int(multiplier or 1) * _UNITS[unit])


def _now() -> float:
    return time.time()


def enabled() -> bool:
    return bool(settings.RATE_LIMITS_ENABLED)


def client_address(request: HttpRequest) -> str:
    """The client's address, as django-axes sees it (the same proxy settings apply)."""
    from axes.helpers import get_client_ip_address

    return str(get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown")


def _key(*parts: object) -> str:
    # Hashed: the cache never holds an e-mail or an address in clear, and keys stay short and safe.
    digest = hashlib.sha256("\x1f".join(str(p).strip().lower() for p in parts).encode("utf-8")).hexdigest()
    return f"limits:{digest[:40]}"


def hit(scope: str, key: str, rate: Rate | str, *, now: float | None = None) -> None:
    """Count one event for (scope, key); refuse with `RateLimited` beyond `rate` in the current window."""
    if not enabled():
        return
    rate = Rate.parse(rate) if isinstance(rate, str) else rate
    now = _now() if now is None else now
    window = int(now // rate.seconds)
    cache_key = _key(scope, key, window)
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.count:
        raise RateLimited(retry_after=math.ceil((window + 1) * rate.seconds - now))


def throttle(request: HttpRequest, action: str, *, email: str | None = None) -> None:
    """Apply `RATE_LIMITS[action]`: its "address" rate to the client's address, its "email" rate to `email`."""
    if not enabled():
        return
    rates: Mapping[str, str] = settings.RATE_LIMITS.get(action, {})
    if "address" in rates:
        hit(f"{action}:address", client_address(request), rates["address"])
    if email and "email" in rates:
        hit(f"{action}:email", email, rates["email"])


def _held_keys(request: HttpRequest, session_id: int, email: str) -> list[tuple[str, int]]:
    return [
        (_key("held:email", session_id, email), settings.RATE_LIMITS_SEATS_HELD_PER_EMAIL),
        (_key("held:address", session_id, client_address(request)), settings.RATE_LIMITS_SEATS_HELD_PER_ADDRESS),
    ]


def check_held_seats(request: HttpRequest, *, session_id: int, email: str, seats: int) -> None:
    """Refuse when holding `seats` more would take this e-mail or address over its limit for the session."""
    if not enabled():
        return
    for key, limit in _held_keys(request, session_id, email):
        if int(cache.get(key, 0)) + seats > limit:
            raise RateLimited(
                retry_after=settings.TOURS_HOLD_MINUTES * 60,
                message=_(
                    "Too many seats are already held from your address or e-mail for this session. Confirm or "
                    "cancel the pending registrations, or try again in %(minutes)s min."
                )
                % {"minutes": settings.TOURS_HOLD_MINUTES},
            )


def add_held_seats(request: HttpRequest, *, session_id: int, email: str, seats: int) -> None:
    """Count seats just held; the count lives as long as a hold (`TOURS_HOLD_MINUTES`)."""
    if not enabled():
        return
    timeout = settings.TOURS_HOLD_MINUTES * 60
    for key, _limit in _held_keys(request, session_id, email):
        cache.add(key, 0, timeout=timeout)
        try:
            cache.incr(key, seats)
        except ValueError:
            cache.set(key, seats, timeout=timeout)


def once_per(key: str, *, seconds: int) -> bool:
    """True the first time in `seconds` for `key` (e.g. re-sending one registration's confirmation)."""
    if not enabled():
        return True
    return bool(cache.add(_key("once", key), 1, timeout=seconds))


def honeypot_filled(data: Mapping[str, Any]) -> bool:
    """True when the hidden honeypot field came back filled in: a bot, not a person."""
    return bool(str(data.get(HONEYPOT_FIELD, "") or "").strip())


class RateLimitMiddleware:
    """Pages: a `RateLimited` refusal becomes the styled, translated 429 page with `Retry-After`;
    the API's JSON answer (`{code: "rate_limited", message, details}`) comes from its error handlers
    and gets the same header here. Place it after `core.errors.RefusedMiddleware`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 429
            and not response.has_header("Retry-After")
            and response.get("Content-Type", "").startswith("application/json")
            and not getattr(response, "streaming", False)
        ):
            try:
                details = json.loads(response.content).get("details") or {}
                response["Retry-After"] = str(int(details["retry_after"]))
            except (ValueError, TypeError, KeyError, AttributeError):
                pass
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited) or request.path.startswith("/api/"):
            return None
        response = render(request, "429.html", {"refusal": exception}, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """django-axes' lock-out answer (`AXES_LOCKOUT_CALLABLE`): the translated page, 429, `Retry-After`."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": _minutes(seconds) if seconds else None,
    }
    response = render(request, "lockout.html", context, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
