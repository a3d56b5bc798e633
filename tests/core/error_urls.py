"""The project's URLs plus pages that fail on purpose, for tests/core/test_error_pages.py."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from mosprom.core.limits import RateLimited
from mosprom.urls import handler403, handler404, handler500  # noqa: F401 - the project's handlers serve this urlconf
from mosprom.urls import urlpatterns as project_urlpatterns


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404


def throttled(request: HttpRequest) -> HttpResponse:
    raise RateLimited(retry_after=120)


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug on purpose")


urlpatterns = [
    path("test-errors/403/", forbidden),
    path("test-errors/404/", missing),
    path("test-errors/429/", throttled),
    path("test-errors/500/", broken),
    *project_urlpatterns,
]
