from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
