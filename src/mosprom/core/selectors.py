from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import OutboundEmail


def mailbox_list(*, to: str = "") -> QuerySet[OutboundEmail]:
    qs = OutboundEmail.objects.all()
    if to:
        qs = qs.filter(to__iexact=to.strip())
    return qs


def home_context() -> dict[str, Any]:
    """Headline figures and highlights for the home page (each part contributes its own)."""
    from mosprom.registry.selectors import home_figures

    context: dict[str, Any] = {"figures": home_figures()}
    try:
        from mosprom.tours.selectors import home_highlights
    except ImportError:  # the tours part may not expose highlights yet
        return context
    context.update(home_highlights())
    return context
