"""Uniform rules for every GET operation of the API, applied once where the routers are assembled.

* An unknown query parameter (`?colour=red`) is an error, not silently ignored: 422 `unknown_filter`.
* A page beyond the end of a non-empty list is an error, not an empty page: 404 `page_out_of_range`.

Both are enforced here rather than in each part's handlers so that no endpoint can forget them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from .api_errors import ApiError


def _query_names(operation: Any) -> set[str]:
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) != "query":
            continue
        flatten = getattr(model, "__ninja_flatten_map__", None)
        names |= set(flatten) if flatten else set(model.model_fields)
        for field in model.model_fields.values():
            if field.alias:
                names.add(field.alias)
    return names


def _beyond_the_end(request: HttpRequest, result: Any) -> bool:
    if not isinstance(result, dict) or result.get("items") != [] or not result.get("count"):
        return False
    offset, page = request.GET.get("offset", "0"), request.GET.get("page", "1")
    return (offset.isdigit() and int(offset) > 0) or (page.isdigit() and int(page) > 1)


def _strict(view: Callable[..., Any], allowed: set[str]) -> Callable[..., Any]:
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        unknown = sorted(set(request.GET.keys()) - allowed)
        if unknown:
            raise ApiError(
                422,
                "unknown_filter",
                _("Unknown query parameter: %(names)s. Allowed: %(allowed)s.")
                % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(allowed)) or "—"},
                [{"loc": ["query", name], "msg": _("unknown parameter"), "type": "unknown_filter"} for name in unknown],
            )
        result = view(request, *args, **kwargs)
        if _beyond_the_end(request, result):
            raise ApiError(
                404,
                "page_out_of_range",
                _("This page is beyond the end of the list (%(count)s items in all).") % {"count": result["count"]},
            )
        return result

    return checked


def install_strict_query(api: NinjaAPI) -> None:
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if "GET" in operation.methods:
                    operation.view_func = _strict(operation.view_func, _query_names(operation))
