"""Domain refusals: one exception type with a stable code, a translated message and an HTTP status.

Services raise `Refused` (or a subclass) when a request breaks a business rule. It *is* a Django
`ValidationError`, so forms show it like any other error (`form.add_error(None, exc)`) and keep the
user's values; the API maps it once (`core.api_kit.install_error_handlers`) to the `ErrorOut` shape
with `status`. Field-level problems stay plain `ValidationError({field: ...})` (422 in the API).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class Refused(ValidationError):
    """A business rule said no. `code` is stable (clients switch on it), `message` is translated."""

    status: int = 409

    def __init__(self, code: str, message: str, *, status: int | None = None, details: Any = None) -> None:
        super().__init__(message, code=code)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status
        self.details = details

    def __str__(self) -> str:
        return str(self.message)


class NotFound(Refused):
    status = 404


class Forbidden(Refused):
    status = 403


class Conflict(Refused):
    """Someone else changed the same thing first (two operators deciding the same item)."""

    status = 409


class RefusedMiddleware:
    """Pages: a refusal no view turned into a form error is shown as a styled page with its status and message.

    Views that have a form catch `Refused` themselves (`form.add_error(None, exc)`) so the user's values stay;
    this is the one mapping for everything else (a link clicked too late, a second company's id in a URL).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Refused) or request.path.startswith("/api/"):
            return None
        return render(request, "refused.html", {"refusal": exception}, status=exception.status)
