"""Template helpers of the tours part."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language

register = template.Library()


@register.filter
def session_date(moment: datetime | None) -> str:
    """«28 ноября 2026, суббота, 14:00» in Russian (weekday in lower case), «28 November 2026, Saturday, 14:00»."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    weekday = formats.date_format(local, "l")
    if (get_language() or "ru").startswith("ru"):
        weekday = weekday.lower()
    return f"{formats.date_format(local, 'j E Y')}, {weekday}, {formats.time_format(local, 'H:i')}"


@register.filter
def registration_until(until: datetime | None) -> str:
    """«запись до 30 ноября включительно» (closes at midnight) or «запись до 1 декабря, 12:00»: tours.rules."""
    from mosprom.tours.rules import registration_until_text

    return registration_until_text(until) if until is not None else ""


@register.filter
def highlight(text: Any, q: str | None) -> str:
    """The words of `text` that the search query `q` matched, wrapped in <mark> (the text is escaped)."""
    from mosprom.registry.search import highlight as mark

    return mark(text, q)
