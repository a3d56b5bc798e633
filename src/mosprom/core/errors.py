"""Domain refusals: one exception type with a stable code, a translated message and an HTTP status.

Services raise `Refused` (or a subclass) when a request breaks a business rule. It *is* a Django
`ValidationError`, so forms show it like any other error (`form.add_error(None, exc)`) and keep the
user's values; the API maps it once (`core.api_kit.install_error_handlers`) to the `ErrorOut` shape
with `status`. Field-level problems stay plain `ValidationError({field: ...})` (422 in the API).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


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
