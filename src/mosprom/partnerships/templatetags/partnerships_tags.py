from typing import Any

from django import template

from mosprom.core.formatting import month_year as _month_year

register = template.Library()


@register.filter
def month_year(value: Any) -> str:
    return _month_year(value)
