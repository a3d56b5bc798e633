"""The one kit every API router uses: the error shape, the declared error answers, the pagination.

* `ErrorOut` is the only error schema; every problem is `{code, message, details}`.
* `READ_ERRORS` / `WRITE_ERRORS` are the error answers to declare on operations (`response={200: X, **READ_ERRORS}`).
* `Pagination` is the only pagination class: bounded `page` and `page_size`, documented, 404 beyond the end
  (enforced for every GET in `core.api_strict`).
* `InputSchema` is the base of every request body: unknown fields are refused (422) and declared so
  (`additionalProperties: false`).
* `MospromAPI` declares, on every text a client sends (query, path, body), what `core.middleware.InputHygieneMiddleware`
  refuses: no NUL byte (`TEXT_PATTERN`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from ninja import Field, NinjaAPI, Schema
from ninja.pagination import PageNumberPagination
from pydantic import BaseModel, ConfigDict

# Any text without a NUL byte. (Lone surrogates are refused as well, but they are not Unicode text at all — a JSON
# Schema `string` cannot hold one — and no regex engine of the validators, Rust's included, can name them.)
TEXT_PATTERN = r"^[^\u0000]*$"
# A date from 1900-01-01 to 2100-12-31 (with `format: date`): the window every date a client sends lies in.
DATE_WINDOW_PATTERN = r"^(?:19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"
# Text with a character other than a space, for fields a service strips and then requires (declared only: the
# service's own refusal, 422 with its message, stays the one that speaks).
NON_BLANK_PATTERN = r"^\s*[^\s\u0000][^\u0000]*$"
# A web address as Django's URLValidator (URLField, the services' checks) accepts it, as far as a host name goes:
# http, https, ftp or ftps, dotted labels and a TLD; or empty (no address).
WEBSITE_PATTERN = (
    r"^(?:(?:https?|ftps?)://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?(?:[/?#][^\s\u0000]*)?)?$"
)
WEBSITE_HELP = "A full web address (http, https, ftp or ftps, with a host name), or empty; another text: 422."


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


class InputSchema(BaseModel):
    """Base of every request body: a field the schema does not declare is refused with 422 `validation_error`
    (and the OpenAPI document says so with `additionalProperties: false`). Plain pydantic: a JSON array or a
    string in place of the object is refused too."""

    model_config = ConfigDict(extra="forbid")


def money_field(default: Any, *, le: float, description: str) -> Any:
    """An amount of money in a request body: a JSON number (a string is refused, so the schema can say `number`
    and mean it), 0–`le`, rounded to two decimal places by `to_money`."""
    return Field(
        default,
        ge=0,
        le=le,
        allow_inf_nan=False,
        strict=True,
        description=f"{description} A JSON number, rounded to two decimal places.",
    )


def to_money(value: float | None) -> Decimal | None:
    """The amount a `money_field` received, as the Decimal the models store (two decimal places)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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

    Its title, description and operation summaries are English msgids (marked with gettext_noop where they are
    written), translated here into the request's language: the docs page is Russian on the Russian site.

    It also declares `TEXT_PATTERN` on every free text a client sends (parameters and request bodies), since
    `InputHygieneMiddleware` refuses the rest with 422 `invalid_characters`.
    """

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.get("components", {}).get("schemas", {})
        seen: set[str] = set()
        info = schema.get("info", {})
        for key in ("title", "description"):
            if info.get(key):
                info[key] = gettext(str(info[key]))
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if not isinstance(operation, dict):
                    continue
                if operation.get("summary"):
                    operation["summary"] = gettext(str(operation["summary"]))
                for parameter in operation.get("parameters", []):
                    examples = parameter.pop("examples", None)
                    if isinstance(examples, list) and examples:
                        parameter.setdefault("example", examples[0])
                    elif isinstance(examples, dict):
                        parameter["examples"] = examples
                    _declare_text(parameter.get("schema"), components, seen)
                for media in operation.get("requestBody", {}).get("content", {}).values():
                    _declare_text(media.get("schema"), components, seen)
        return schema


def _declare_text(node: Any, components: dict[str, Any], seen: set[str]) -> None:
    """Add `TEXT_PATTERN` to every free string (no pattern, format or enum) of a request schema, and to the
    property names of free-form objects; an uploaded file is at least one byte. Follows `$ref`s into the
    components (each once)."""
    if isinstance(node, list):
        for item in node:
            _declare_text(item, components, seen)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _declare_text(components.get(name), components, seen)
        return
    if node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & node.keys():
        node["pattern"] = TEXT_PATTERN
    if node.get("type") == "string" and node.get("format") == "binary":
        node.setdefault("minLength", 1)  # every upload refuses an empty file (422)
    if node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
        node.setdefault("propertyNames", {"pattern": TEXT_PATTERN})
    for key in ("properties", "$defs"):
        for child in (node.get(key) or {}).values():
            _declare_text(child, components, seen)
    for key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf", "not"):
        _declare_text(node.get(key), components, seen)
