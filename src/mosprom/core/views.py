from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from . import selectors


def _mailbox_enabled() -> None:
    if not settings.DEMO_MAILBOX:
        raise Http404


def mailbox(request: HttpRequest) -> HttpResponse:
    _mailbox_enabled()
    page = Paginator(selectors.mailbox_list(to=request.GET.get("to", "")), 30).get_page(request.GET.get("page"))
    return render(request, "core/mailbox.html", {"page": page, "to": request.GET.get("to", "")})


def mailbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _mailbox_enabled()
    message = get_object_or_404(selectors.mailbox_list(), pk=pk)
    return render(request, "core/mailbox_detail.html", {"message": message})


@xframe_options_sameorigin
def mailbox_html(request: HttpRequest, pk: int) -> HttpResponse:
    _mailbox_enabled()
    message = get_object_or_404(selectors.mailbox_list(), pk=pk)
    return HttpResponse(message.body_html or "<pre>" + message.body_text + "</pre>")


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    """The styled 500 page in the visitor's language, rendered with no context processors: the database that
    may have caused the error is not asked again."""
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def api_not_found(request: HttpRequest) -> HttpResponse:
    """Unknown paths under /api/ answer like the API does: JSON with a stable code."""
    return JsonResponse({"code": "not_found", "message": _("There is no such API path.")}, status=404)


def consent(request: HttpRequest) -> HttpResponse:
    """The consent to the processing of personal data: the current version, or ?version=N as agreed to earlier."""
    from .consent import consent_text, current_version

    text = consent_text(request.GET.get("version") or None)
    if text is None:
        raise Http404
    days = {"days": settings.TOURS_PURGE_DAYS_AFTER}
    paragraphs = [str(p % days) for p in text.paragraphs]  # a plural's form is chosen by the number of days
    return render(
        request,
        "core/consent.html",
        {"text": text, "paragraphs": paragraphs, "is_current": text.version == current_version()},
    )
