"""A refusal is mapped once for pages (a styled page with its status) and once for the API (ErrorOut)."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.test import RequestFactory

from mosprom.core.errors import Forbidden, NotFound, Refused, RefusedMiddleware


def _raise(exc: Exception) -> Any:
    def view(request: HttpRequest) -> Any:
        raise exc

    return view


def test_a_refusal_is_a_page_with_its_status_and_message(db: Any) -> None:
    middleware = RefusedMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    request = RequestFactory().get("/tours/x/")
    request.user = AnonymousUser()
    response = middleware.process_exception(request, Refused("closed", "Запись закрыта 25 ноября."))
    assert response is not None and response.status_code == 409
    assert "Запись закрыта 25 ноября." in response.content.decode()
    assert middleware.process_exception(request, NotFound("gone", "Нет такой записи.")).status_code == 404  # type: ignore[union-attr]
    assert middleware.process_exception(request, Forbidden("other", "Чужая запись.")).status_code == 403  # type: ignore[union-attr]


def test_other_errors_and_api_paths_are_left_alone(db: Any) -> None:
    middleware = RefusedMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    assert middleware.process_exception(RequestFactory().get("/x/"), ValueError("boom")) is None
    assert middleware.process_exception(RequestFactory().get("/api/v1/x"), Refused("closed", "…")) is None


def test_refused_is_a_validation_error_with_a_code() -> None:
    exc = Refused("not_yet_open", "Запись откроется 1 декабря.", status=422, details={"opens": "2026-12-01"})
    assert exc.code == "not_yet_open" and exc.status == 422 and exc.messages == ["Запись откроется 1 декабря."]
    assert str(exc) == "Запись откроется 1 декабря."
