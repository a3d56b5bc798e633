"""One-line readings of the dashboard's tables, computed from the same rows the chart and the table show.

«35 новых производств в 2023 году — на 30 % больше, чем в 2022». Each function takes a `Table` and returns a
sentence (or "" when the table has nothing to say); plurals go through ngettext, numbers through the one
formatter, so the reading is as Russian as the rest of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mosprom.core.formatting import format_number, format_percent, quote

from .exports import Table


def _n(value: Any) -> int:
    return int(value or 0)


def productions_by_year(table: Table) -> str:
    if not table.rows:
        return ""
    year, count, change = table.rows[-1][0], _n(table.rows[-1][1]), table.rows[-1][2]
    head = ngettext(
        "%(count)s new production in %(year)s",
        "%(count)s new productions in %(year)s",
        count,
    ) % {"count": format_number(count), "year": year}
    if change is None or len(table.rows) < 2:
        return head + "."
    previous = table.rows[-2][0]
    if change > 0:
        tail = _("%(change)s more than in %(previous)s") % {"change": format_percent(change), "previous": previous}
    elif change < 0:
        tail = _("%(change)s fewer than in %(previous)s") % {"change": format_percent(-change), "previous": previous}
    else:
        tail = _("as many as in %(previous)s") % {"previous": previous}
    return f"{head} — {tail}."


def _none_in_year(table: Table) -> str:
    """The reading of a chart drawn for a year with no new production (its bars show the years around it)."""
    return _("No new productions opened in %(year)s.") % {"year": table.year} if table.rows else ""


def _top(table: Table, *, column: int = 1) -> tuple[str, int] | None:
    rows = [row for row in table.finest_rows() if _n(row[column]) > 0]
    if not rows:
        return None
    best = max(rows, key=lambda row: _n(row[column]))
    return str(best[0]), _n(best[column])


def productions_by_site(table: Table) -> str:
    top = _top(table)
    if top is None:
        return _none_in_year(table)
    return _("Most new productions in %(year)s opened at %(name)s: %(count)s.") % {
        "year": table.year,
        "name": quote(top[0]),
        "count": format_number(top[1]),
    }


def productions_by_industry(table: Table) -> str:
    top = _top(table)
    if top is None:
        return _none_in_year(table)
    return _("The industry with most new productions in %(year)s: %(name)s (%(count)s).") % {
        "year": table.year,
        "name": top[0],
        "count": format_number(top[1]),
    }


def production_shares(table: Table) -> str:
    if len(table.rows) < 2:
        return ""
    if table.rows[1][2] is None:  # no production opened in the year: no share to speak of
        return _none_in_year(table)
    return _("%(share)s of the productions opened in %(year)s substitute imports.") % {
        "share": format_percent(table.rows[1][2]),
        "year": table.year,
    }


def sites(table: Table) -> str:
    top = _top(table)
    if top is None:
        return ""
    return ngettext(
        "%(name)s has the most residents: %(count)s company.",
        "%(name)s has the most residents: %(count)s companies.",
        top[1],
    ) % {"name": quote(top[0]), "count": format_number(top[1])}


def corporations(table: Table) -> str:
    top = _top(table)
    if top is None:
        return ""
    return ngettext(
        "%(name)s: %(count)s enterprise in Moscow.",
        "%(name)s: %(count)s enterprises in Moscow.",
        top[1],
    ) % {"name": quote(top[0]), "count": format_number(top[1])}


def label_counts(table: Table) -> str:
    top = _top(table)
    if top is None:
        return ""
    return _("Most often: %(name)s (%(count)s).") % {"name": quote(top[0]), "count": format_number(top[1])}


def tourism_by_year(table: Table) -> str:
    if not table.rows:
        return ""
    year, visitors = table.rows[-1][0], _n(table.rows[-1][3])
    return ngettext(
        "%(count)s visitor came to the factories in %(year)s.",
        "%(count)s visitors came to the factories in %(year)s.",
        visitors,
    ) % {"count": format_number(visitors), "year": year}


READINGS: dict[str, Callable[[Table], str]] = {
    "productions-by-year": productions_by_year,
    "productions-by-site": productions_by_site,
    "productions-by-industry": productions_by_industry,
    "production-shares": production_shares,
    "sites": sites,
    "corporations": corporations,
    "projects-by-status": label_counts,
    "projects-by-category": label_counts,
    "projects-per-partner": label_counts,
    "tourism-formats": label_counts,
    "tourism-by-year": tourism_by_year,
}


def reading(table: Table) -> str:
    read = READINGS.get(table.key)
    return read(table) if read else ""
