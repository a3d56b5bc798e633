"""Dashboard pages, printable report and downloads. Thin: the figures come from selectors via exports' tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mosprom.core.exports import csv_delimiter, download_response
from mosprom.core.permissions import operator_required
from mosprom.core.roles import is_operator

from . import charts, exports, readings, selectors
from .cache import data_changed_at

# Tables only operators may see or download (names of partners are the department's working data).
OPERATOR_TABLES = {"projects-per-partner"}
TOP_N = 8


# The dashboard's sections, navigated one at a time (the printable report shows them all).
GROUPS: list[tuple[str, Any]] = [
    ("overview", gettext_lazy("Overview")),
    ("industry", gettext_lazy("Industry")),
    ("partnerships", gettext_lazy("Partnerships")),
    ("tourism", gettext_lazy("Industrial tourism")),
]
GROUP_OF = {
    "productions-by-year": "overview",
    "production-shares": "overview",
    "productions-by-site": "industry",
    "productions-by-industry": "industry",
    "sites": "industry",
    "corporations": "industry",
    "partnerships": "partnerships",
    "projects-by-status": "partnerships",
    "projects-by-category": "partnerships",
    "projects-per-partner": "partnerships",
    "tourism-by-year": "tourism",
    "tourism-formats": "tourism",
}


@dataclass
class Section:
    table: exports.Table
    chart: str = ""
    anchor: str = ""

    @property
    def group(self) -> str:
        return GROUP_OF.get(self.anchor, "overview")

    @property
    def reading(self) -> str:
        return readings.reading(self.table)


def _year(request: HttpRequest) -> tuple[int, str]:
    """The year asked for in ?year=, or the default with a translated message when it is not acceptable."""
    try:
        return selectors.parse_year(request.GET.get("year")), ""
    except selectors.YearOutOfRange as error:
        return selectors.default_year(), str(error)


def _chart_productions_by_year(table: exports.Table) -> str:
    rows = table.rows[-TOP_N:]
    return charts.column_chart([r[0] for r in rows], [(_("New productions"), [r[1] for r in rows])], title=table.title)


def _chart_stacked_kinds(year: int) -> str:
    rows = selectors.productions_by_year(last_year=year)[-TOP_N:]
    return charts.column_chart(
        [str(r["year"]) for r in rows],
        [
            (_("Import-substituting"), [r["import_substitution"] for r in rows]),
            (_("Other"), [r["count"] - r["import_substitution"] for r in rows]),
        ],
        title=_("New productions: import-substituting and other"),
        stacked=True,
    )


def _chart_by_site(table: exports.Table, year: int) -> str:
    rows = sorted(table.finest_rows(), key=lambda r: (-r[1], -r[2]))[:TOP_N]
    if not rows:
        return ""
    return charts.bar_chart(
        [r[0] for r in rows],
        [(str(year), [r[1] for r in rows]), (str(year - 1), [r[2] for r in rows])],
        title=table.title,
    )


def _chart_by_industry(table: exports.Table, year: int) -> str:
    rows = table.rows[:TOP_N]
    if not rows:
        return ""
    return charts.bar_chart(
        [r[0] for r in rows],
        [(str(year), [r[1] for r in rows]), (str(year - 1), [r[2] for r in rows])],
        title=table.title,
    )


def _chart_sites(table: exports.Table) -> str:
    rows = sorted(table.finest_rows(), key=lambda r: -r[1])[:TOP_N]
    if not rows:
        return ""
    return charts.bar_chart([r[0] for r in rows], [(_("Residents"), [r[1] for r in rows])], title=table.title)


def _chart_counts(table: exports.Table | None) -> str:
    if table is None or not table.rows:
        return ""
    rows = table.rows[:TOP_N]
    return charts.bar_chart([r[0] for r in rows], [(table.columns[1].label, [r[1] for r in rows])], title=table.title)


def _chart_tourism(table: exports.Table | None) -> str:
    if table is None or not table.rows:
        return ""
    rows = table.rows[-TOP_N:]
    return charts.line_chart(
        [r[0] for r in rows],
        [(_("Registrations"), [r[2] for r in rows]), (_("Visitors"), [r[3] for r in rows])],
        title=table.title,
    )


def build_sections(year: int, *, detailed: bool) -> list[Section]:
    """The sections of the dashboard (public) or of the operator view (detailed) for `year`."""
    t = exports.TABLES
    sections: list[Section] = []
    by_year = t["productions-by-year"](year)
    assert by_year is not None
    sections.append(Section(by_year, _chart_productions_by_year(by_year), "productions-by-year"))
    shares = t["production-shares"](year)
    assert shares is not None
    sections.append(Section(shares, _chart_stacked_kinds(year), "production-shares"))
    by_site = t["productions-by-site"](year)
    assert by_site is not None
    sections.append(Section(by_site, _chart_by_site(by_site, year), "productions-by-site"))
    by_industry = t["productions-by-industry"](year)
    assert by_industry is not None
    sections.append(Section(by_industry, _chart_by_industry(by_industry, year), "productions-by-industry"))
    sites = t["sites"](year)
    assert sites is not None
    sections.append(Section(sites, _chart_sites(sites), "sites"))
    corporations = t["corporations"](year)
    assert corporations is not None
    sections.append(Section(corporations, "", "corporations"))
    partnerships = t["partnerships"](year)
    if partnerships is not None:
        sections.append(Section(partnerships, "", "partnerships"))
        for key in ("projects-by-status", "projects-by-category"):
            table = t[key](year)
            if table is not None:
                sections.append(Section(table, _chart_counts(table), key))
        if detailed:
            table = t["projects-per-partner"](year)
            if table is not None:
                sections.append(Section(table, _chart_counts(table), "projects-per-partner"))
    tourism = t["tourism-by-year"](year)
    if tourism is not None:
        sections.append(Section(tourism, _chart_tourism(tourism), "tourism-by-year"))
        formats = t["tourism-formats"](year)
        if formats is not None:
            sections.append(Section(formats, _chart_counts(formats), "tourism-formats"))
    return sections


def _context(request: HttpRequest, *, detailed: bool, grouped: bool = True) -> tuple[dict[str, Any], int]:
    year, error = _year(request)
    summary = selectors.summary(year)
    group = request.GET.get("section") or "overview"
    if grouped and group not in dict(GROUPS):
        raise Http404
    sections = build_sections(year, detailed=detailed)
    present = {section.group for section in sections} | {"overview"}
    context = {
        # strings: an int would be printed with a thousands separator («2 023») in Russian
        "year": str(year),
        "years": [str(y) for y in selectors.year_choices()],
        "year_error": error,
        "summary": summary,
        "summary_table": exports.summary_table(year),
        "sections": [s for s in sections if s.group == group] if grouped else sections,
        "groups": [(key, label) for key, label in GROUPS if key in present],
        "group": group if grouped else "",
        "detailed": detailed,
        "today": timezone.localdate(),
        "data_changed_at": data_changed_at(),
        "partnerships_missing": summary["partnerships"] is None,
        "tourism_missing": summary["tourism"] is None,
    }
    return context, 400 if error else 200


def dashboard(request: HttpRequest) -> HttpResponse:
    """The figures; an operator also sees the department's working tables (projects per partner)."""
    context, status = _context(request, detailed=is_operator(request.user))
    return render(request, "analytics/dashboard.html", context, status=status)


@operator_required
def operator_home(request: HttpRequest) -> HttpResponse:
    """The former «operator view»: what waits for an operator is the back-office's home («Что ждёт решения»),
    and the operator's extra figures are on the dashboard itself — one place for each."""
    return redirect("admin:index")


def report(request: HttpRequest) -> HttpResponse:
    context, status = _context(request, detailed=False, grouped=False)
    return render(request, "analytics/report.html", context, status=status)


def export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    if key not in exports.TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    if key in OPERATOR_TABLES and not is_operator(request.user):
        raise Http404
    try:
        year = selectors.parse_year(request.GET.get("year"))
    except selectors.YearOutOfRange as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    table = exports.build_table(key, year)
    if table is None:
        raise Http404
    content = exports.to_csv(table, delimiter=csv_delimiter(request)) if fmt == "csv" else exports.to_xlsx(table)
    return download_response(content, filename=table.filename(fmt))
