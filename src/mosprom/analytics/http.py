"""Last-Modified for the API (ETag and If-None-Match → 304 come from ConditionalGetMiddleware).

Helpers any part may use:

* `data_last_modified` — a view decorator (for plain Django views, or for django-ninja operations through
  `@decorate_view(data_last_modified)`) that stamps a successful GET with `Last-Modified` = the time the
  registry/partnerships/tours data last changed (bumped by the signals in analytics.signals, so deletions count).
* `set_last_modified(response, when)` — set the header from any datetime (e.g. the newest `updated_at`).
* `newest_updated_at(*querysets)` — the newest `updated_at` over querysets, in one query each.
* `ApiLastModifiedMiddleware` — does the first for every GET under /api/ that has no Last-Modified yet; to be
  listed in MIDDLEWARE right AFTER ConditionalGetMiddleware (so it runs first on the response).

ConditionalGetMiddleware then answers `If-Modified-Since` with 304 when nothing changed since.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date

from .cache import data_changed_at


def set_last_modified(response: HttpResponse, when: datetime | None) -> HttpResponse:
    if when is not None and not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(when.timestamp())
    return response


def newest_updated_at(*querysets: QuerySet[Any]) -> datetime | None:
    values = [qs.aggregate(newest=Max("updated_at"))["newest"] for qs in querysets]
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _stamp(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        changed = data_changed_at()
        # HTTP dates have one-second resolution: within the second of a change a later change could carry the same
        # date, so no Last-Modified is given then (the ETag still validates); from the next second on it is exact.
        if changed <= timezone.now():
            set_last_modified(response, changed)
    return response


def data_last_modified(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponse):
            _stamp(request, response)
        return response

    return wrapped


class ApiLastModifiedMiddleware:
    """Stamps every successful GET under /api/ with the data's Last-Modified (if the view did not set one)."""

    prefix = "/api/"
    skip_suffixes = ("/openapi.json", "/docs", "/docs/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(self.prefix)
            and not request.path.endswith(self.skip_suffixes)
            and not response.streaming
        ):
            _stamp(request, response)
        return response
