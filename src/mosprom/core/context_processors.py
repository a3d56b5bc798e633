from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .roles import is_host, is_operator


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "is_operator": is_operator(user),
        "is_host": is_host(user),
        "demo_mailbox": settings.DEMO_MAILBOX,
    }
