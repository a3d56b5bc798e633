"""Tables of KPIs: ONE function per table builds its rows, and the page, the CSV and the XLSX all print them.

A `Table` holds raw values (int, Decimal, str, None); the page formats them in Russian, the CSV writes them as
plain machine-readable numbers, the XLSX as numeric cells. The numbers are therefore the same everywhere.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from mosprom.core.exports import rows_to_csv, xlsx_append
from mosprom.core.formatting import format_number, format_percent

from . import selectors

TEXT, INT, CHANGE, PERCENT, DECIMAL, AUTO = "text", "int", "change", "percent", "decimal", "auto"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = INT

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    year: int | None = None
    levels: list[int] = field(default_factory=list)  # indentation of the first cell (site tree)
    note: str = ""

    def display_rows(self) -> list[list[dict[str, Any]]]:
        """Rows as the page shows them: text with Russian number formats, plus the raw value and the label."""
        result = []
        for index, row in enumerate(self.rows):
            level = self.levels[index] if index < len(self.levels) else 0
            cells = []
            for column, value in zip(self.columns, row, strict=True):
                cells.append(
                    {
                        "text": format_cell(column, value),
                        "numeric": column.numeric,
                        "label": column.label,
                        "level": level if column is self.columns[0] else 0,
                    }
                )
            result.append(cells)
        return result

    def finest_rows(self) -> list[list[Any]]:
        """Rows of a site tree that have no child rows: the finest breakdown, nothing counted twice."""
        rows = []
        for index, row in enumerate(self.rows):
            level = self.levels[index] if index < len(self.levels) else 0
            next_level = self.levels[index + 1] if index + 1 < len(self.levels) else -1
            if next_level <= level:
                rows.append(row)
        return rows

    def filename(self, extension: str) -> str:
        suffix = f"-{self.year}" if self.year else ""
        return f"mosprom-{self.key}{suffix}.{extension}"


def format_cell(column: Column, value: Any) -> str:
    if value is None:
        return "—"
    if column.kind == TEXT:
        return str(value)
    if column.kind == CHANGE:
        return format_percent(value, signed=True)
    if column.kind == PERCENT:
        return format_percent(value)
    if column.kind == DECIMAL or (column.kind == AUTO and isinstance(value, Decimal | float)):
        return format_number(value, 1)
    return format_number(value)


def _raw(value: Any) -> Any:
    """A value as CSV/XLSX hold it: numbers stay numbers, nothing is formatted."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# --- table builders -----------------------------------------------------------------------------------------


def _site_name(site: dict[str, Any] | None) -> str:
    return site["name"] if site else _("Without a site")


def productions_by_year_table(year: int, today: date | None = None) -> Table:
    rows = selectors.productions_by_year(last_year=year)
    return Table(
        key="productions-by-year",
        title=_("New productions per year"),
        year=year,
        columns=[
            Column(_("Year"), TEXT),
            Column(_("New productions")),
            Column(_("Change on the year before"), CHANGE),
            Column(_("Jobs")),
            Column(_("Import-substituting")),
            Column(_("No domestic analogue")),
        ],
        rows=[
            [
                str(r["year"]),
                r["count"],
                r["change_percent"],
                r["jobs"],
                r["import_substitution"],
                r["no_domestic_analogue"],
            ]
            for r in rows
        ],
    )


def productions_by_site_table(year: int, today: date | None = None) -> Table:
    rows = selectors.productions_by_site(year)
    return Table(
        key="productions-by-site",
        title=_("New productions by site in %(year)s") % {"year": year},
        year=year,
        note=_("A special economic zone counts the productions of all its sites."),
        columns=[
            Column(_("Site"), TEXT),
            Column(str(year)),
            Column(str(year - 1)),
            Column(_("Change on the year before"), CHANGE),
        ],
        rows=[[_site_name(r["site"]), r["count"], r["previous"], r["change_percent"]] for r in rows],
        levels=[r["site"]["level"] if r["site"] else 0 for r in rows],
    )


def _localized(named: dict[str, Any]) -> str:
    """The English name on English pages and files when there is one (industries), else the Russian one."""
    if (get_language() or "ru").startswith("en") and named.get("name_en"):
        return str(named["name_en"])
    return str(named["name"])


def productions_by_industry_table(year: int, today: date | None = None) -> Table:
    rows = selectors.productions_by_industry(year)
    return Table(
        key="productions-by-industry",
        title=_("New productions by industry in %(year)s") % {"year": year},
        year=year,
        columns=[
            Column(_("Industry"), TEXT),
            Column(str(year)),
            Column(str(year - 1)),
            Column(_("Change on the year before"), CHANGE),
        ],
        rows=[
            [
                _localized(r["industry"]) if r["industry"] else _("Not specified"),
                r["count"],
                r["previous"],
                r["change_percent"],
            ]
            for r in rows
        ],
    )


def production_shares_table(year: int, today: date | None = None) -> Table:
    shares = selectors.production_shares(year)
    y, a = shares["year"], shares["all_time"]
    return Table(
        key="production-shares",
        title=_("Import substitution and unique products"),
        year=year,
        columns=[
            Column(_("Productions"), TEXT),
            Column(_("Opened in %(year)s") % {"year": year}),
            Column(_("Share in %(year)s") % {"year": year}, PERCENT),
            Column(_("All years")),
            Column(_("Share, all years"), PERCENT),
        ],
        rows=[
            [
                _("All new productions"),
                y["total"],
                None if not y["total"] else Decimal("100.0"),
                a["total"],
                None if not a["total"] else Decimal("100.0"),
            ],
            [
                _("Import-substituting"),
                y["import_substitution"],
                y["import_substitution_percent"],
                a["import_substitution"],
                a["import_substitution_percent"],
            ],
            [
                _("No domestic analogue"),
                y["no_domestic_analogue"],
                y["no_domestic_analogue_percent"],
                a["no_domestic_analogue"],
                a["no_domestic_analogue_percent"],
            ],
        ],
    )


def sites_table(year: int | None = None, today: date | None = None) -> Table:
    rows = selectors.sites_overview(today)
    return Table(
        key="sites",
        title=_("Residents and productions by site"),
        note=_("A special economic zone counts the residents and productions of all its sites."),
        columns=[
            Column(_("Site"), TEXT),
            Column(_("Residents")),
            Column(_("Productions")),
            Column(_("Jobs")),
        ],
        rows=[[r["site"]["name"], r["residents"], r["productions"], r["jobs"]] for r in rows],
        levels=[r["site"]["level"] for r in rows],
    )


def corporations_table(year: int | None = None, today: date | None = None) -> Table:
    rows = selectors.corporation_footprints(today)
    return Table(
        key="corporations",
        title=_("Corporations in Moscow"),
        note=_("Enterprises: the company and its subsidiaries with a production or a residency in Moscow."),
        columns=[
            Column(_("Corporation"), TEXT),
            Column(_("Enterprises")),
            Column(_("Subsidiaries")),
            Column(_("Productions")),
            Column(_("Jobs")),
            Column(_("Staff in Moscow")),
            Column(_("Share of its staff"), PERCENT),
            Column(_("Road-map projects")),
        ],
        rows=[
            [
                r["organisation"]["short_name"],
                r["enterprises"],
                r["subsidiaries"],
                r["productions"],
                r["jobs"],
                r["employees"],
                r["staff_share_percent"],
                r["projects"],
            ]
            for r in rows
        ],
    )


def partnerships_table(year: int | None = None, today: date | None = None) -> Table | None:
    data = selectors.partnerships_summary(today)
    if data is None:
        return None
    expiring = data.get("agreements_expiring_within_days") or {}
    return Table(
        key="partnerships",
        title=_("Agreements and road maps"),
        columns=[Column(_("Indicator"), TEXT), Column(_("Value"), AUTO)],
        rows=[
            [_("Agreements in force"), data.get("agreements_active")],
            [
                ngettext(
                    "Agreements expiring within %(days)s day",
                    "Agreements expiring within %(days)s days",
                    expiring.get("days", 180),
                )
                % {"days": expiring.get("days", 180)},
                expiring.get("count"),
            ],
            [_("Road-map projects"), data.get("projects_total")],
            [_("Average progress, %"), fraction_percent(data.get("average_progress"))],
            [_("Overdue milestones"), data.get("overdue_milestones")],
        ],
    )


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"))


def fraction_percent(value: Any) -> Decimal | None:
    """A fraction from the other parts (0.835) as a percentage with one decimal (83.5)."""
    if value is None:
        return None
    return (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _label_counts_table(key: str, title: str, label: str, counts: dict[str, int] | None) -> Table | None:
    if counts is None:
        return None
    return Table(
        key=key,
        title=title,
        columns=[Column(label, TEXT), Column(_("Projects"))],
        rows=[[str(name), count] for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))],
    )


def projects_by_status_table(year: int | None = None, today: date | None = None) -> Table | None:
    data = selectors.partnerships_summary(today)
    return _label_counts_table(
        "projects-by-status", _("Road-map projects by status"), _("Status"), data and data.get("projects_by_status")
    )


def projects_by_category_table(year: int | None = None, today: date | None = None) -> Table | None:
    data = selectors.partnerships_summary(today)
    return _label_counts_table(
        "projects-by-category",
        _("Road-map projects by category"),
        _("Category"),
        data and data.get("projects_by_category"),
    )


def projects_per_partner_table(year: int | None = None, today: date | None = None) -> Table | None:
    data = selectors.partnerships_summary(today)
    return _label_counts_table(
        "projects-per-partner",
        _("Road-map projects per partner"),
        _("Partner"),
        data and data.get("projects_per_partner"),
    )


def tourism_by_year_table(year: int | None = None, today: date | None = None) -> Table | None:
    data = selectors.tourism_summary()
    if data is None:
        return None
    keys = ("new_hosts_per_year", "registrations_per_year", "visitors_per_year", "attendance_rate_per_year")
    years = sorted({int(y) for k in keys for y in (data.get(k) or {})})
    if year is not None:
        years = [y for y in years if y <= year]

    def get(k: str, y: int) -> Any:
        values = data.get(k) or {}
        return values.get(y, values.get(str(y)))

    return Table(
        key="tourism-by-year",
        title=_("Industrial tourism per year"),
        year=year,
        columns=[
            Column(_("Year"), TEXT),
            Column(_("New host companies")),
            Column(_("Registrations")),
            Column(_("Visitors")),
            Column(_("Attendance rate"), PERCENT),
        ],
        rows=[
            [
                str(y),
                get("new_hosts_per_year", y) or 0,
                get("registrations_per_year", y) or 0,
                get("visitors_per_year", y) or 0,
                fraction_percent(get("attendance_rate_per_year", y)),
            ]
            for y in years
        ],
    )


def tourism_formats_table(year: int | None = None, today: date | None = None) -> Table | None:
    data = selectors.tourism_summary()
    if data is None:
        return None
    return Table(
        key="tourism-formats",
        title=_("Popular tour formats"),
        columns=[Column(_("Format"), TEXT), Column(_("Registrations"))],
        rows=[[str(f["format"]), f["registrations"]] for f in data.get("popular_formats") or []],
    )


def summary_table(year: int, today: date | None = None) -> Table:
    """The key figures of the year: the first table of the dashboard and of the printable report."""
    s = selectors.summary(year, today)
    jobs, shares, registry = s["jobs"], s["shares"]["year"], s["registry"]
    rows: list[list[Any]] = [
        [_("New productions in %(year)s") % {"year": year}, s["new_productions"]],
        [_("New productions in %(year)s") % {"year": year - 1}, s["new_productions_previous"]],
        [_("Change on the year before, %"), s["new_productions_change_percent"]],
        [_("Jobs at the new productions"), jobs["jobs_in_year"]],
        [_("Import-substituting among the new, %"), shares["import_substitution_percent"]],
        [_("With no domestic analogue among the new, %"), shares["no_domestic_analogue_percent"]],
        [_("Sites"), registry["sites"]],
        [_("Residents of the sites"), registry["residents"]],
        [_("Productions in the registry"), registry["productions"]],
        [_("Jobs at all productions"), registry["jobs"]],
    ]
    partnerships = s["partnerships"]
    if partnerships is not None:
        rows += [
            [_("Agreements in force"), partnerships.get("agreements_active")],
            [_("Road-map projects"), partnerships.get("projects_total")],
            [_("Overdue milestones"), partnerships.get("overdue_milestones")],
        ]
    tourism = s["tourism"]
    if tourism is not None:
        rows += [
            [_("Host companies of the tours"), tourism.get("host_companies")],
            [
                _("Tour visitors in %(year)s") % {"year": year},
                (tourism.get("visitors_per_year") or {}).get(year, 0),
            ],
            [_("Average tour rating"), _decimal(tourism.get("average_rating"))],
        ]
    return Table(
        key="summary",
        title=_("Key figures of %(year)s") % {"year": year},
        year=year,
        columns=[Column(_("Indicator"), TEXT), Column(_("Value"), AUTO)],
        rows=[[label, _decimal(v) if isinstance(v, float | Decimal) else v] for label, v in rows],
    )


Builder = Callable[..., Table | None]

TABLES: dict[str, Builder] = {
    "summary": summary_table,
    "productions-by-year": productions_by_year_table,
    "productions-by-site": productions_by_site_table,
    "productions-by-industry": productions_by_industry_table,
    "production-shares": production_shares_table,
    "sites": sites_table,
    "corporations": corporations_table,
    "partnerships": partnerships_table,
    "projects-by-status": projects_by_status_table,
    "projects-by-category": projects_by_category_table,
    "projects-per-partner": projects_per_partner_table,
    "tourism-by-year": tourism_by_year_table,
    "tourism-formats": tourism_formats_table,
}
TABLE_TITLES = {"summary": gettext_lazy("Key figures")}


def build_table(key: str, year: int, today: date | None = None) -> Table | None:
    builder = TABLES.get(key)
    if builder is None:
        return None
    return builder(year, today)


# --- writers ------------------------------------------------------------------------------------------------


def to_csv(table: Table, *, delimiter: str = ",") -> bytes:
    """UTF-8 with a BOM (Excel opens Cyrillic correctly), comma-separated unless asked (`;` for Russian Excel),
    numbers unformatted."""
    return rows_to_csv(
        [c.label for c in table.columns],
        ([None if v is None else _raw(v) for v in row] for row in table.rows),
        delimiter=delimiter,
    )


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.key[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    generated = timezone.localtime().strftime("%d.%m.%Y %H:%M")
    sheet.append([_("Mosprom, generated %(when)s") % {"when": generated}])
    sheet.append([])
    header_row = 4
    sheet.append([c.label for c in table.columns])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        xlsx_append(sheet, [_raw(v) for v in row])
    for index, column in enumerate(table.columns, start=1):
        letter = sheet.cell(row=header_row, column=index).column_letter
        width = max([len(str(column.label))] + [len(str(r[index - 1] or "")) for r in table.rows]) + 2
        sheet.column_dimensions[letter].width = min(max(width, 10), 60)
        if column.numeric:
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.alignment = Alignment(horizontal="right")
                if column.kind == AUTO:
                    cell.number_format = "0.0" if isinstance(cell.value, float) else "#,##0"
                elif column.kind in (PERCENT, DECIMAL):
                    cell.number_format = "0.0"
                elif column.kind == INT:
                    cell.number_format = "#,##0"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_HEADER_ROW = 4
