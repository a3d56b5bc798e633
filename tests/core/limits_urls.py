"""The project's URLs plus a page and an API operation that apply a limit, for tests/core/test_limits.py."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI

from mosprom.core import limits
from mosprom.core.api_errors import install_error_handlers
from mosprom.urls import urlpatterns as project_urlpatterns


def limited_page(request: HttpRequest) -> HttpResponse:
    limits.throttle(request, "registration", email=request.GET.get("email"))
    return HttpResponse("ok")


api = NinjaAPI(urls_namespace="limits-test")
install_error_handlers(api)


@api.post("/limited")
def limited_api(request: HttpRequest, email: str = "") -> dict[str, Any]:
    limits.throttle(request, "registration", email=email or None)
    return {"ok": True}


urlpatterns = [
    path("test-limited/", limited_page),
    path("api/test/", api.urls),
    *project_urlpatterns,
]
