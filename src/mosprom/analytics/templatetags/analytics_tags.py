from __future__ import annotations

from decimal import Decimal

from django import template

from mosprom.core.formatting import format_number, format_percent

register = template.Library()


@register.filter
def num(value: int | float | Decimal | None, places: int | None = None) -> str:
    return format_number(value, places)


@register.filter
def pct(value: int | float | Decimal | None) -> str:
    return format_percent(value)


@register.filter
def signed_pct(value: int | float | Decimal | None) -> str:
    return format_percent(value, signed=True)
