from typing import Any

from django import template

from mosprom.core.formatting import format_percent
from mosprom.core.formatting import month_year as _month_year

register = template.Library()


@register.filter
def month_year(value: Any) -> str:
    return _month_year(value)


@register.filter
def percent(value: Any) -> str:
    """«100 %» with the no-break space Russian puts before the sign (core.formatting.format_percent)."""
    return format_percent(int(value)) if value not in (None, "") else "—"
