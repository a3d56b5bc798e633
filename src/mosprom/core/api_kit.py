"""The one kit every API router uses: the error shape, the declared error answers, the pagination.

* `ErrorOut` is the only error schema; every problem is `{code, message, details}`.
* `READ_ERRORS` / `WRITE_ERRORS` are the error answers to declare on operations (`response={200: X, **READ_ERRORS}`).
* `Pagination` is the only pagination class: bounded `page` and `page_size`, documented, 404 beyond the end
  (enforced for every GET in `core.api_strict`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class ErrorOut(Schema):
    code: str = Field(..., description="Stable machine-readable error code.", examples=["not_found"])
    message: str = Field(..., description="Human-readable message in the request's language.")
    details: Any = Field(None, description="Per-field problems or extra data, when there are any.")


READ_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


class Pagination(PageNumberPagination):
    """`?page=` (1–`API_MAX_PAGE`) and `?page_size=` (1–`API_MAX_PAGE_SIZE`); a page past the end is a 404."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=settings.API_MAX_PAGE, description="Page number, from 1.")
        page_size: int = Field(
            settings.API_PAGE_SIZE,
            ge=1,
            le=settings.API_MAX_PAGE_SIZE,
            description="Items per page.",
        )

    def __init__(self, page_size: int | None = None, **kwargs: Any) -> None:
        super().__init__(
            page_size=page_size or settings.API_PAGE_SIZE, max_page_size=settings.API_MAX_PAGE_SIZE, **kwargs
        )
