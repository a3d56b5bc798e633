"""XLSX export and import of a partner's road map.

The workbook has three sheets: projects, duties, milestones (the last one only for operators).
Headers and the values of category and status are written in the current language and read in
either language (or as the stored codes). This module only reads: `parse_roadmap` checks a file and returns a
`RoadmapPlan` (what is new, changed, unchanged and missing, or the problems with their sheet, row and column);
`services.roadmap_import` writes the plan through the project, duty and milestone services, all or nothing.
The template's example row (code X-001, title «Example: …») is skipped.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from mosprom.core.exports import unneutralise, xlsx_append
from mosprom.registry.models import Organisation, Site

from .models import Agreement, Duty, Milestone, Project

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000

PROJECT_COLUMNS: list[tuple[str, Promise]] = [
    ("code", gettext_lazy("Code")),
    ("title", gettext_lazy("Title")),
    ("partner", gettext_lazy("Partner (slug)")),
    ("category", gettext_lazy("Category")),
    ("status", gettext_lazy("Status")),
    ("agreement", gettext_lazy("Agreement (slug)")),
    ("site", gettext_lazy("Site (slug)")),
    ("investment", gettext_lazy("Investment, million roubles")),
    ("planned_start", gettext_lazy("Planned start")),
    ("planned_end", gettext_lazy("Planned end")),
    ("actual_start", gettext_lazy("Actual start")),
    ("actual_end", gettext_lazy("Actual end")),
    ("description", gettext_lazy("Description")),
]
DUTY_COLUMNS: list[tuple[str, Promise]] = [
    ("project", gettext_lazy("Project code")),
    ("organisation", gettext_lazy("Party (slug)")),
    ("text", gettext_lazy("Duty")),
]
MILESTONE_COLUMNS: list[tuple[str, Promise]] = [
    ("project", gettext_lazy("Project code")),
    ("title", gettext_lazy("Milestone")),
    ("responsible", gettext_lazy("Responsible party (slug)")),
    ("due_on", gettext_lazy("Due on")),
    ("done_on", gettext_lazy("Done on")),
]
REQUIRED = {
    "projects": {"code", "title", "category", "status"},
    "duties": {"project", "organisation", "text"},
    "milestones": {"project", "title", "due_on"},
}
SHEETS: list[tuple[str, Promise, list[tuple[str, Promise]]]] = [
    ("projects", gettext_lazy("Projects"), PROJECT_COLUMNS),
    ("duties", gettext_lazy("Duties"), DUTY_COLUMNS),
    ("milestones", gettext_lazy("Milestones"), MILESTONE_COLUMNS),
]
DATE_FORMAT = "DD.MM.YYYY"
# The template's example row: shown to explain the columns, skipped by the import.
EXAMPLE_CODE = "X-001"
EXAMPLE_TITLE = gettext_lazy("Example: charging stations in the industrial zone")


def _in_all_languages(label: Promise) -> set[str]:
    names = set()
    for code in ("ru", "en"):
        with translation.override(code):
            names.add(str(label).strip().casefold())
    return names


def _choice_lookup(choices: Any) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices:
        lookup[value.casefold()] = value
        for name in _in_all_languages(label):
            lookup[name] = value
    return lookup


# --- export ----------------------------------------------------------------------------------


def _header(ws: Any, columns: list[tuple[str, Promise]]) -> None:
    ws.append([str(label) for _key, label in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3F2F1")
    ws.freeze_panes = "A2"
    for i, (key, _label) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 48 if key in ("title", "description", "text") else 18


def _date_cells(ws: Any, columns: list[tuple[str, Promise]]) -> None:
    for i, (key, _label) in enumerate(columns, start=1):
        if key in ("planned_start", "planned_end", "actual_start", "actual_end", "due_on", "done_on"):
            for row in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                for cell in row:
                    cell.number_format = DATE_FORMAT


def roadmap_workbook(*, partner: Organisation, projects: QuerySet[Project] | None, with_milestones: bool) -> bytes:
    """The road map as an XLSX file; `projects=None` gives the empty template."""
    wb = Workbook()
    ws_projects = wb.active
    ws_projects.title = str(SHEETS[0][1])
    ws_duties = wb.create_sheet(str(SHEETS[1][1]))
    _header(ws_projects, PROJECT_COLUMNS)
    _header(ws_duties, DUTY_COLUMNS)
    ws_milestones = None
    if with_milestones:
        ws_milestones = wb.create_sheet(str(SHEETS[2][1]))
        _header(ws_milestones, MILESTONE_COLUMNS)
    if projects is not None:
        projects = projects.select_related("agreement", "site").prefetch_related(
            "duties__organisation", "milestones__responsible"
        )
        for p in projects.order_by("code"):
            xlsx_append(
                ws_projects,
                [
                    p.code,
                    p.title,
                    partner.slug,
                    str(p.get_category_display()),
                    str(p.get_status_display()),
                    p.agreement.slug if p.agreement else None,
                    p.site.slug if p.site else None,
                    float(p.investment) if p.investment is not None else None,
                    p.planned_start,
                    p.planned_end,
                    p.actual_start,
                    p.actual_end,
                    p.description or None,
                ],
            )
            for d in p.duties.all():
                xlsx_append(ws_duties, [p.code, d.organisation.slug, d.text])
            if ws_milestones is not None:
                for m in p.milestones.all():
                    xlsx_append(
                        ws_milestones,
                        [p.code, m.title, m.responsible.slug if m.responsible else None, m.due_on, m.done_on],
                    )
    else:
        xlsx_append(
            ws_projects,
            [
                EXAMPLE_CODE,
                str(EXAMPLE_TITLE),
                partner.slug,
                str(Project.Category.TRANSPORT.label),
                str(Project.Status.PREPARATION.label),
                None,
                None,
                100,
                date(2027, 1, 1),
                date(2028, 12, 31),
                None,
                None,
                None,
            ],
        )
        xlsx_append(ws_duties, [EXAMPLE_CODE, partner.slug, _("Supplies the equipment")])
        if ws_milestones is not None:
            xlsx_append(ws_milestones, [EXAMPLE_CODE, _("Design approved"), partner.slug, date(2027, 6, 30), None])
    for ws, columns in ((ws_projects, PROJECT_COLUMNS), (ws_duties, DUTY_COLUMNS), (ws_milestones, MILESTONE_COLUMNS)):
        if ws is not None:
            _date_cells(ws, columns)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}"
        if self.row:
            where += ", " + _("row %(row)s") % {"row": self.row}
        if self.column:
            where += ", " + _("column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass
class ProjectRow:
    """One valid project row: the values a project will have after the import."""

    code: str
    values: dict[str, Any]
    title: str
    changes: list[str] = field(default_factory=list)  # labels of what changes for an existing project


@dataclass
class RoadmapPlan:
    """What importing a file would do: checked rows, and the difference from the road map as it is.

    Built by `parse_roadmap` without writing anything; `services.roadmap_import` applies it.
    """

    errors: list[RowError] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)
    duties: dict[str, list[tuple[Organisation, str]]] = field(default_factory=dict)
    milestones: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    has_milestones: bool = False
    new: list[ProjectRow] = field(default_factory=list)
    changed: list[ProjectRow] = field(default_factory=list)
    unchanged: list[ProjectRow] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # codes of the partner's projects that are not in the file
    removed_titles: dict[str, str] = field(default_factory=dict)
    examples_skipped: int = 0
    delete_missing: bool = False
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return len(self.new)

    @property
    def updated(self) -> int:
        return len(self.changed) + len(self.unchanged)

    @property
    def duty_count(self) -> int:
        return sum(len(v) for v in self.duties.values())

    @property
    def milestone_count(self) -> int:
        return sum(len(v) for v in self.milestones.values())

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed or (self.removed and self.delete_missing))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unneutralise(str(value).strip())  # our exports prefix formula-like text with an apostrophe


def _parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Sheet:
    """One worksheet read into dicts keyed by column key, with the column letters remembered."""

    def __init__(self, key: str, title: str, columns: list[tuple[str, Promise]], ws: Any, plan: RoadmapPlan):
        self.key = key
        self.title = title
        self.plan = plan
        self.letters: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.rows: list[tuple[int, dict[str, Any]]] = []
        known: dict[str, str] = {}
        for col_key, label in columns:
            known[col_key] = col_key
            for name in _in_all_languages(label):
                known[name] = col_key
            self.labels[col_key] = str(label)
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            self.error(None, "", _("The sheet is empty: the first row must hold the column headers."))
            return
        index: dict[int, str] = {}
        for i, raw in enumerate(header):
            name = _cell_text(raw)
            if not name:
                continue
            found = known.get(name.casefold())
            letter = get_column_letter(i + 1)
            if found is None:
                self.error(1, letter, _("Unknown column «%(name)s».") % {"name": name})
            elif found in index.values():
                self.error(1, letter, _("The column «%(name)s» appears twice.") % {"name": name})
            else:
                index[i] = found
                self.letters[found] = letter
        for missing in sorted(REQUIRED[key] - set(index.values())):
            self.error(1, "", _("The required column «%(name)s» is missing.") % {"name": self.labels[missing]})
        for number, values in enumerate(rows, start=2):
            if number > MAX_IMPORT_ROWS + 1:
                self.error(number, "", _("Too many rows: at most %(n)s are accepted.") % {"n": MAX_IMPORT_ROWS})
                break
            row = {index[i]: v for i, v in enumerate(values) if i in index}
            if all(_cell_text(v) == "" for v in row.values()):
                continue
            self.rows.append((number, row))

    def column(self, col_key: str) -> str:
        letter = self.letters.get(col_key, "")
        label = self.labels.get(col_key, col_key)
        return f"{letter} «{label}»" if letter else f"«{label}»"

    def error(self, row: int | None, column: str, message: str) -> None:
        self.plan.errors.append(RowError(sheet=self.title, row=row, column=column, message=message))

    def cell_error(self, row: int, col_key: str, message: str) -> None:
        self.error(row, self.column(col_key), message)


def _open_workbook(file: IO[bytes], plan: RoadmapPlan) -> Any:
    data = file.read(MAX_IMPORT_BYTES + 1)
    if not data:
        plan.errors.append(RowError("", None, "", _("The file is empty.")))
        return None
    if len(data) > MAX_IMPORT_BYTES:
        plan.errors.append(
            RowError("", None, "", _("The file is too big: at most %(mb)s MB.") % {"mb": MAX_IMPORT_BYTES // 2**20})
        )
        return None
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, IndexError):
        plan.errors.append(RowError("", None, "", _("This is not an XLSX file. Download the template and fill it in.")))
        return None


def _find_sheet(wb: Any, position: int, label: Promise) -> Any:
    names = _in_all_languages(label)
    for ws in wb.worksheets:
        if ws.title.strip().casefold() in names:
            return ws
    if position < len(wb.worksheets):
        return wb.worksheets[position]
    return None


def parse_roadmap(*, partner: Organisation, file: IO[bytes]) -> RoadmapPlan:
    """Read and check a road-map file; say what it would change. Reads the database, never writes to it."""
    plan = RoadmapPlan()
    wb = _open_workbook(file, plan)
    if wb is None:
        return plan
    sheets: dict[str, _Sheet] = {}
    for position, (key, label, columns) in enumerate(SHEETS):
        ws = _find_sheet(wb, position, label)
        if ws is None:
            if key == "projects":
                plan.errors.append(RowError(str(label), None, "", _("The sheet of projects is missing.")))
            continue
        sheets[key] = _Sheet(key, str(label), columns, ws, plan)
    wb.close()
    if plan.errors:
        return plan
    _check(partner, sheets, plan)
    if plan.errors:
        plan.projects, plan.duties, plan.milestones = [], {}, {}
        plan.new, plan.changed, plan.unchanged, plan.removed = [], [], [], []
    return plan


def _lookups() -> tuple[dict[str, str], dict[str, str]]:
    return _choice_lookup(Project.Category.choices), _choice_lookup(Project.Status.choices)


FIELD_TO_COLUMN = {
    "planned_end": "planned_end",
    "planned_start": "planned_start",
    "actual_end": "actual_end",
    "actual_start": "actual_start",
    "investment": "investment",
    "title": "title",
    "code": "code",
    "category": "category",
    "status": "status",
    "description": "description",
    "organisation": "organisation",
    "text": "text",
    "due_on": "due_on",
    "done_on": "done_on",
    "responsible": "responsible",
}


def _validation_errors(sheet: _Sheet, row: int, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            column = FIELD_TO_COLUMN.get(name, "")
            for e in errors:
                for message in e.messages:
                    if column:
                        sheet.cell_error(row, column, str(message))
                    else:
                        sheet.error(row, "", str(message))
    else:
        for message in exc.messages:
            sheet.error(row, "", str(message))


def _example_titles() -> set[str]:
    return _in_all_languages(EXAMPLE_TITLE)


def _check(partner: Organisation, sheets: dict[str, _Sheet], plan: RoadmapPlan) -> None:
    categories, statuses = _lookups()
    orgs = {o.slug: o for o in Organisation.objects.all().only("id", "slug", "short_name")}
    sites = {s.slug: s for s in Site.objects.all().only("id", "slug")}
    agreements = {a.slug: a for a in Agreement.objects.all().only("id", "slug")}
    existing = {
        p.code: p
        for p in Project.objects.filter(partner=partner).prefetch_related("duties", "milestones").order_by("code")
    }
    in_file: dict[str, Project] = {}
    failed_codes: set[str] = set()
    example_codes: set[str] = set()
    projects_sheet = sheets["projects"]
    for number, row in projects_sheet.rows:
        code = _cell_text(row.get("code"))
        if code == EXAMPLE_CODE and _cell_text(row.get("title")).casefold() in _example_titles():
            example_codes.add(code)
            plan.examples_skipped += 1
            continue
        errors_before = len(plan.errors)
        if not code:
            projects_sheet.cell_error(number, "code", _("The code is required."))
        elif code in in_file:
            projects_sheet.cell_error(number, "code", _("The code %(code)s appears twice.") % {"code": code})
        partner_slug = _cell_text(row.get("partner"))
        if partner_slug and partner_slug != partner.slug:
            if partner_slug not in orgs:
                projects_sheet.cell_error(number, "partner", _("Unknown partner «%(slug)s».") % {"slug": partner_slug})
            else:
                projects_sheet.cell_error(
                    number,
                    "partner",
                    _("This row belongs to the road map of «%(other)s», not «%(partner)s».")
                    % {"other": orgs[partner_slug].short_name, "partner": partner.short_name},
                )
        values: dict[str, Any] = {
            "title": _cell_text(row.get("title")),
            "description": _cell_text(row.get("description")),
        }
        category = _cell_text(row.get("category"))
        if category.casefold() not in categories:
            projects_sheet.cell_error(number, "category", _("Unknown category «%(value)s».") % {"value": category})
        else:
            values["category"] = categories[category.casefold()]
        status = _cell_text(row.get("status"))
        if status.casefold() not in statuses:
            projects_sheet.cell_error(number, "status", _("Unknown status «%(value)s».") % {"value": status})
        else:
            values["status"] = statuses[status.casefold()]
        agreement_slug = _cell_text(row.get("agreement"))
        values["agreement"] = None
        if agreement_slug:
            if agreement_slug not in agreements:
                projects_sheet.cell_error(
                    number, "agreement", _("Unknown agreement «%(slug)s».") % {"slug": agreement_slug}
                )
            else:
                values["agreement"] = agreements[agreement_slug]
        site_slug = _cell_text(row.get("site"))
        values["site"] = None
        if site_slug:
            if site_slug not in sites:
                projects_sheet.cell_error(number, "site", _("Unknown site «%(slug)s».") % {"slug": site_slug})
            else:
                values["site"] = sites[site_slug]
        raw_investment = _cell_text(row.get("investment")).replace(" ", "").replace("\u00a0", "").replace(",", ".")
        values["investment"] = None
        if raw_investment:
            try:
                values["investment"] = Decimal(raw_investment).quantize(Decimal("0.01"))
            except InvalidOperation:
                projects_sheet.cell_error(
                    number, "investment", _("«%(value)s» is not a number.") % {"value": raw_investment}
                )
        for key in ("planned_start", "planned_end", "actual_start", "actual_end"):
            try:
                values[key] = _parse_date(row.get(key))
            except ValueError as exc:
                projects_sheet.cell_error(
                    number, key, _("«%(value)s» is not a date (use DD.MM.YYYY).") % {"value": exc.args[0]}
                )
        if len(plan.errors) > errors_before:
            failed_codes.add(code)
            continue
        current = existing.get(code)
        candidate = Project(pk=current.pk if current else None, partner=partner, code=code, **values)
        candidate._state.adding = current is None  # an existing project does not collide with itself
        try:
            candidate.full_clean(validate_unique=False)
        except ValidationError as exc:
            _validation_errors(projects_sheet, number, exc)
            failed_codes.add(code)
            continue
        in_file[code] = candidate
        plan.projects.append(ProjectRow(code=code, values=values, title=values["title"]))

    def project_for(sheet: _Sheet, number: int, row: dict[str, Any]) -> Project | None:
        code = _cell_text(row.get("project"))
        project = in_file.get(code)
        if project is None and code not in failed_codes and code not in example_codes:
            sheet.cell_error(
                number, "project", _("The project «%(code)s» is not on the sheet of projects.") % {"code": code}
            )
        return project

    def org_for(sheet: _Sheet, number: int, key: str, row: dict[str, Any], required: bool) -> Organisation | None:
        slug = _cell_text(row.get(key))
        if not slug:
            if required:
                sheet.cell_error(number, key, _("This column is required."))
            return None
        if slug not in orgs:
            sheet.cell_error(number, key, _("Unknown partner «%(slug)s».") % {"slug": slug})
            return None
        return orgs[slug]

    duties_sheet = sheets.get("duties")
    if duties_sheet is not None:
        for number, row in duties_sheet.rows:
            if _cell_text(row.get("project")) in example_codes:
                continue
            target = project_for(duties_sheet, number, row)
            organisation = org_for(duties_sheet, number, "organisation", row, True)
            text = _cell_text(row.get("text"))
            if not text:
                duties_sheet.cell_error(number, "text", _("This column is required."))
            if target is None or organisation is None or not text:
                continue
            try:
                Duty(project=target, organisation=organisation, text=text).full_clean(exclude=["project"])
            except ValidationError as exc:
                _validation_errors(duties_sheet, number, exc)
                continue
            plan.duties.setdefault(target.code, []).append((organisation, text))
    milestones_sheet = sheets.get("milestones")
    plan.has_milestones = milestones_sheet is not None
    if milestones_sheet is not None:
        for number, row in milestones_sheet.rows:
            if _cell_text(row.get("project")) in example_codes:
                continue
            errors_before = len(plan.errors)
            owner = project_for(milestones_sheet, number, row)
            responsible = org_for(milestones_sheet, number, "responsible", row, False)
            title = _cell_text(row.get("title"))
            if not title:
                milestones_sheet.cell_error(number, "title", _("This column is required."))
            dates: dict[str, date | None] = {}
            for key in ("due_on", "done_on"):
                try:
                    dates[key] = _parse_date(row.get(key))
                except ValueError as exc:
                    milestones_sheet.cell_error(
                        number, key, _("«%(value)s» is not a date (use DD.MM.YYYY).") % {"value": exc.args[0]}
                    )
            if "due_on" in dates and dates["due_on"] is None:
                milestones_sheet.cell_error(number, "due_on", _("This column is required."))
            due_on = dates.get("due_on")
            if len(plan.errors) > errors_before or owner is None or due_on is None:
                continue
            item = {"title": title, "responsible": responsible, "due_on": due_on, "done_on": dates.get("done_on")}
            try:
                Milestone(project=owner, **item).full_clean(exclude=["project"])
            except ValidationError as exc:
                _validation_errors(milestones_sheet, number, exc)
                continue
            plan.milestones.setdefault(owner.code, []).append(item)
    _compare(plan, existing)


def _compare(plan: RoadmapPlan, existing: dict[str, Project]) -> None:
    """Sort the file's projects into new, changed and unchanged, naming what changes; list those not in the file."""
    labels = {key: str(label) for key, label in PROJECT_COLUMNS}
    for row in plan.projects:
        current = existing.get(row.code)
        if current is None:
            plan.new.append(row)
            continue
        for name, value in row.values.items():
            before = getattr(current, f"{name}_id") if name in ("agreement", "site") else getattr(current, name)
            after = value.pk if name in ("agreement", "site") and value is not None else value
            if before != after:
                row.changes.append(labels.get(name, name))
        duties_before = sorted((d.organisation_id, d.text) for d in current.duties.all())
        duties_after = sorted((o.pk, t) for o, t in plan.duties.get(row.code, []))
        if duties_before != duties_after:
            row.changes.append(str(SHEETS[1][1]))
        if plan.has_milestones:
            milestones_before = sorted(
                (m.title, m.responsible_id, m.due_on, m.done_on) for m in current.milestones.all()
            )
            milestones_after = sorted(
                (m["title"], m["responsible"].pk if m["responsible"] else None, m["due_on"], m["done_on"])
                for m in plan.milestones.get(row.code, [])
            )
            if milestones_before != milestones_after:
                row.changes.append(str(SHEETS[2][1]))
        (plan.changed if row.changes else plan.unchanged).append(row)
    in_file = {row.code for row in plan.projects}
    for code, project in existing.items():
        if code not in in_file:
            plan.removed.append(code)
            plan.removed_titles[code] = project.title
