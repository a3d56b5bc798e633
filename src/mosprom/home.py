"""The pages above every part: the home page, where a user lands after logging in, and the roles in templates.

`core` depends on nothing above it, so what needs several parts at once (the home page's figures from the
registry and the tours, the cabinet a host lands in) sits here, beside `urls.py` and `api.py`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mosprom.companies.selectors import is_representative
from mosprom.core.roles import is_operator
from mosprom.registry.roles import is_host
from mosprom.registry.selectors import home_figures
from mosprom.tours.selectors import home_highlights


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"figures": home_figures()}
    context.update(home_highlights())
    return render(request, "core/home.html", context)


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    if is_operator(request.user):
        return redirect("admin:index")
    if is_representative(request.user):
        return redirect("companies:home")  # one cabinet; hosts reach their tours from it
    if is_host(request.user):
        return redirect("tours:cabinet")
    return redirect("home")


def roles(request: HttpRequest) -> dict[str, Any]:
    """Template context: what the current user may open, and whether the demo mailbox is on."""
    user = getattr(request, "user", None)
    return {
        "is_operator": is_operator(user),
        "is_host": is_host(user),
        "demo_mailbox": settings.DEMO_MAILBOX,
    }
