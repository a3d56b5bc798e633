"""The one kit every API router uses: the error shape, the declared error answers, the pagination.

* `ErrorOut` is the only error schema; every problem is `{code, message, details}`.
* `READ_ERRORS` / `WRITE_ERRORS` are the error answers to declare on operations (`response={200: X, **READ_ERRORS}`).
* `Pagination` is the only pagination class: bounded `page` and `page_size`, documented, 404 beyond the end
  (enforced for every GET in `core.api_strict`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import Field, NinjaAPI, Schema
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


class MospromAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document is valid for code generators, not only for Swagger UI.

    Pydantic writes a field's `examples=[...]` as a JSON-Schema list; on a *parameter* OpenAPI wants a map of
    Example objects. Parameters get `example` (the first value) instead, in one place for every router.
    """

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                    examples = parameter.pop("examples", None)
                    if isinstance(examples, list) and examples:
                        parameter.setdefault("example", examples[0])
                    elif isinstance(examples, dict):
                        parameter["examples"] = examples
        return schema
