"""Calendar arithmetic shared by the parts."""

from __future__ import annotations

import calendar
from datetime import date


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))
