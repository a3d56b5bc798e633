import json
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class RussianFirstMiddleware:
    """The public site is Russian first: the browser's Accept-Language does not switch it to English.

    Only an explicit choice (the language switch sets the django_language cookie) does, so a visitor
    whose browser is set to English still lands on the Russian site and can switch with one click.
    Must run before django.middleware.locale.LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


_SURROGATES = re.compile("[\ud800-\udfff]")


def bad_characters(value: str) -> bool:
    """True when `value` holds a NUL character or an unpaired surrogate: text no database stores
    (PostgreSQL refuses both; a lone surrogate cannot even be encoded as UTF-8)."""
    return "\x00" in value or _SURROGATES.search(value) is not None


def _find_bad(data: Any, loc: list[str]) -> list[str] | None:
    """The location of the first bad string in decoded JSON (keys included), or None."""
    if isinstance(data, str):
        return loc if bad_characters(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and bad_characters(key):
                return [*loc, "(key)"]
            found = _find_bad(value, [*loc, str(key)])
            if found is not None:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = _find_bad(value, [*loc, str(index)])
            if found is not None:
                return found
    return None


class InputHygieneMiddleware:
    """One gate for text no field may hold: a NUL byte or a lone surrogate in the query string or in a
    JSON body is refused before any view runs — 422 `invalid_characters` for the API, a 400 page otherwise.

    Form posts on pages need no gate here: every Django CharField already refuses NUL with a form error
    (ProhibitNullCharactersValidator), and form bodies are decoded as UTF-8 with replacement, so no lone
    surrogate survives. Place it after the locale and authentication middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        loc = self._problem(request)
        if loc is None:
            return self.get_response(request)
        message = _("The request contains characters that are not allowed (a NUL byte or an unpaired surrogate).")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "invalid_characters",
                    "message": message,
                    "details": [{"loc": loc, "msg": message, "type": "invalid_characters"}],
                },
                status=422,
            )
        from .errors import Refused

        return render(request, "refused.html", {"refusal": Refused("invalid_characters", message)}, status=400)

    @staticmethod
    def _problem(request: HttpRequest) -> list[str] | None:
        for key, values in request.GET.lists():
            if bad_characters(key):
                return ["query", "(key)"]
            if any(bad_characters(v) for v in values):
                return ["query", key]
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH") and (
            content_type == "application/json" or content_type.endswith("+json")
        ):
            try:
                data = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                return None  # not JSON: the API's own parser answers
            return _find_bad(data, ["body"])
        return None
