"""Template helpers of the registry pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localized_name(obj: Any) -> str:
    """`name_en` on the English site when it is filled in, otherwise `name` (industries, kinds of status)."""
    if obj is None:
        return ""
    english_name = str(getattr(obj, "name_en", "") or "")
    if english_name and (get_language() or "ru").startswith("en"):
        return english_name
    return str(obj.name)


@register.filter
def highlight(text: Any, q: str | None) -> str:
    """The words of `text` that the search query `q` matched, wrapped in <mark> (the text is escaped)."""
    from mosprom.registry.search import highlight as mark

    return mark(text, q)
