"""KPI selectors: the ONE place where the figures are computed.

The dashboard, the printable report, the CSV/XLSX exports and the /api/v1/kpi/ endpoints all call these
functions. Each public selector is cached under the data version (see cache.py), so a figure is computed once
per change of the underlying data and never shown stale after an edit.

Every selector runs a constant number of queries, whatever the size of the registry.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import FieldError
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from mosprom.registry.models import Organisation, Production, Residency, Site

from .cache import cached_kpi

YEAR_MIN = 2000


# --- years --------------------------------------------------------------------------------------------------


def year_max() -> int:
    return timezone.localdate().year


class YearOutOfRange(ValueError):
    """The requested year is not a number or lies outside [YEAR_MIN, this year]."""

    def __init__(self, raw: object) -> None:
        self.raw = raw
        super().__init__(_("Choose a year from %(first)s to %(last)s.") % {"first": YEAR_MIN, "last": year_max()})


def parse_year(raw: object, *, default: int | None = None) -> int:
    """Validate a year from a query string. Empty → `default` (or the latest year with data)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default if default is not None else default_year()
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        raise YearOutOfRange(raw) from None
    if not YEAR_MIN <= year <= year_max():
        raise YearOutOfRange(raw)
    return year


def default_year() -> int:
    """The last complete year with a new production (the figures press releases quote); when there is none, the
    current year if it has one, else the current year all the same."""
    return cached_kpi("default_year", _default_year, year_max(), depends=("registry",))


def _default_year() -> int:
    this_year = year_max()
    return max((y for y in _production_years() if y < this_year), default=this_year)


def year_choices() -> list[int]:
    """Years offered by the year selector: from the first production (or 5 years back) to this year, newest first."""
    return cached_kpi("year_choices", _year_choices, year_max(), depends=("registry",))


def _year_choices() -> list[int]:
    last = year_max()
    first = min((y for y in _production_years() if y >= YEAR_MIN), default=last)
    start = min(first, last - 4)
    return list(range(last, max(start, YEAR_MIN) - 1, -1))


# --- arithmetic ---------------------------------------------------------------------------------------------


def yoy_percent(current: int, previous: int) -> int | None:
    """Year-on-year change in whole percent, rounded half up (35 vs 27 → +30); None when the previous year is 0."""
    if not previous:
        return None
    change = (Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)
    return int(change.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_percent(part: int | None, whole: int | None, places: int = 1) -> Decimal | None:
    """`part` as a percentage of `whole`, rounded half up to `places` decimals; None when `whole` is 0/unknown."""
    if not whole or part is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(quantum, rounding=ROUND_HALF_UP)


# --- sites --------------------------------------------------------------------------------------------------


def _sites() -> list[dict[str, Any]]:
    """All sites in tree order (parents first, children under them) with their `level` and ancestors."""
    rows: list[dict[str, Any]] = [
        dict(r) for r in Site.objects.order_by("name").values("id", "name", "slug", "kind", "parent_id", "is_demo")
    ]
    by_parent: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    ids = {r["id"] for r in rows}
    for r in rows:
        parent = r["parent_id"] if r["parent_id"] in ids else None
        by_parent[parent].append(r)
    ordered: list[dict[str, Any]] = []

    def walk(parent: int | None, level: int, ancestors: tuple[int, ...]) -> None:
        for r in by_parent.get(parent, []):
            if r["id"] in ancestors:  # a cycle would be a data error; never loop
                continue
            ordered.append({**r, "level": level, "ancestors": ancestors})
            walk(r["id"], level + 1, (*ancestors, r["id"]))

    walk(None, 0, ())
    return ordered


def _rollup_targets(sites: list[dict[str, Any]]) -> dict[int, tuple[int, ...]]:
    """site id → the ids a figure at that site counts for: itself and every ancestor (an SEZ counts its sites)."""
    return {s["id"]: (*s["ancestors"], s["id"]) for s in sites}


def _site_label(site: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": site["id"],
        "name": site["name"],
        "slug": site["slug"],
        "kind": site["kind"],
        "level": site["level"],
        "parent_id": site["parent_id"],
        "is_demo": site["is_demo"],
    }


# --- productions --------------------------------------------------------------------------------------------


def productions_by_year(last_year: int | None = None, first_year: int | None = None) -> list[dict[str, Any]]:
    """New productions per year (oldest first) with the change on the year before, jobs and the special kinds.

    Each row: year, count, previous, change_percent, jobs, import_substitution, no_domestic_analogue.
    """
    return cached_kpi(
        "productions_by_year",
        lambda: _productions_by_year(last_year, first_year),
        last_year,
        first_year,
        depends=("registry",),
    )


def _production_years() -> dict[int, dict[str, Any]]:
    """New productions per opening year (count, jobs, the special kinds): one aggregate over the productions,
    cached once per version of the registry, from which the year selector, the default year and every range of
    `productions_by_year` are read (they were four scans of the productions table per cold dashboard)."""
    return cached_kpi("production_years", _production_years_compute, year_max(), depends=("registry",))


def _production_years_compute() -> dict[int, dict[str, Any]]:
    return {
        int(row["y"]): dict(row)
        for row in Production.objects.filter(opened_on__isnull=False)
        .annotate(y=ExtractYear("opened_on"))
        .values("y")
        .annotate(
            n=Count("id"),
            jobs_sum=Sum("jobs"),
            imp=Count("id", filter=Q(import_substitution=True)),
            noan=Count("id", filter=Q(no_domestic_analogue=True)),
        )
        .order_by("y")
    }


def _productions_by_year(last_year: int | None, first_year: int | None) -> list[dict[str, Any]]:
    last = last_year or default_year()
    stats = {year: row for year, row in _production_years().items() if year <= last}
    first = first_year or min([y for y in stats if y >= YEAR_MIN] or [last])
    first = max(min(first, last), YEAR_MIN)
    rows = []
    for year in range(first, last + 1):
        row = stats.get(year, {})
        previous = stats.get(year - 1, {}).get("n", 0)
        count = row.get("n", 0)
        rows.append(
            {
                "year": year,
                "count": count,
                "previous": previous,
                "change_percent": yoy_percent(count, previous),
                "jobs": row.get("jobs_sum") or 0,
                "import_substitution": row.get("imp", 0),
                "no_domestic_analogue": row.get("noan", 0),
            }
        )
    return rows


def productions_by_site(year: int) -> list[dict[str, Any]]:
    """New productions in `year` and the year before per site, in tree order; a parent counts its children.

    Each row: site (id, name, slug, kind, level, parent_id), count, previous, change_percent.
    Sites with nothing in either year are left out; productions without a site come last (site None).
    """
    return cached_kpi("productions_by_site", lambda: _productions_by_site(year), year, depends=("registry",))


def _productions_by_site(year: int) -> list[dict[str, Any]]:
    sites = _sites()
    targets = _rollup_targets(sites)
    counts: dict[tuple[int | None, int], int] = defaultdict(int)
    for row in (
        Production.objects.filter(opened_on__year__in=[year - 1, year])
        .annotate(y=ExtractYear("opened_on"))
        .values("site_id", "y")
        .annotate(n=Count("id"))
        .order_by()
    ):
        site_id = row["site_id"]
        for target in targets.get(site_id, (None,)) if site_id is not None else (None,):
            counts[(target, row["y"])] += row["n"]
    rows = []
    for site in sites:
        count, previous = counts.get((site["id"], year), 0), counts.get((site["id"], year - 1), 0)
        if count or previous:
            rows.append(
                {
                    "site": _site_label(site),
                    "count": count,
                    "previous": previous,
                    "change_percent": yoy_percent(count, previous),
                }
            )
    count, previous = counts.get((None, year), 0), counts.get((None, year - 1), 0)
    if count or previous:
        rows.append(
            {"site": None, "count": count, "previous": previous, "change_percent": yoy_percent(count, previous)}
        )
    return rows


def productions_by_industry(year: int) -> list[dict[str, Any]]:
    """New productions in `year` and the year before per industry, most first (industry None = not given)."""
    return cached_kpi("productions_by_industry", lambda: _productions_by_industry(year), year, depends=("registry",))


def _productions_by_industry(year: int) -> list[dict[str, Any]]:
    counts: dict[tuple[int | None, int], int] = defaultdict(int)
    names: dict[int | None, tuple[str, str, str]] = {}
    for row in (
        Production.objects.filter(opened_on__year__in=[year - 1, year])
        .annotate(y=ExtractYear("opened_on"))
        .values("industry_id", "industry__name", "industry__name_en", "industry__slug", "y")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[(row["industry_id"], row["y"])] += row["n"]
        if row["industry_id"] is not None:
            names[row["industry_id"]] = (row["industry__name"], row["industry__name_en"], row["industry__slug"])
    rows: list[dict[str, Any]] = []
    for industry_id in {key[0] for key in counts}:
        count, previous = counts.get((industry_id, year), 0), counts.get((industry_id, year - 1), 0)
        name, name_en, slug = names.get(industry_id, (None, None, None))
        rows.append(
            {
                "industry": {"id": industry_id, "name": name, "name_en": name_en or "", "slug": slug}
                if industry_id is not None
                else None,
                "count": count,
                "previous": previous,
                "change_percent": yoy_percent(count, previous),
            }
        )
    rows.sort(key=lambda r: (r["industry"] is None, -r["count"], -r["previous"], (r["industry"] or {}).get("name")))
    return rows


def production_shares(year: int) -> dict[str, Any]:
    """Share of import-substituting and "no domestic analogue" productions among those opened in `year`, and overall.

    {"year": {...}, "all_time": {...}} each with total, import_substitution, import_substitution_percent,
    no_domestic_analogue, no_domestic_analogue_percent (percent to one decimal, None when total is 0).
    """
    return cached_kpi("production_shares", lambda: _production_shares(year), year, depends=("registry",))


def _production_shares(year: int) -> dict[str, Any]:
    agg = Production.objects.aggregate(
        total=Count("id"),
        imp=Count("id", filter=Q(import_substitution=True)),
        noan=Count("id", filter=Q(no_domestic_analogue=True)),
        y_total=Count("id", filter=Q(opened_on__year=year)),
        y_imp=Count("id", filter=Q(opened_on__year=year, import_substitution=True)),
        y_noan=Count("id", filter=Q(opened_on__year=year, no_domestic_analogue=True)),
    )

    def block(total: int, imp: int, noan: int) -> dict[str, Any]:
        return {
            "total": total,
            "import_substitution": imp,
            "import_substitution_percent": share_percent(imp, total),
            "no_domestic_analogue": noan,
            "no_domestic_analogue_percent": share_percent(noan, total),
        }

    return {
        "year": block(agg["y_total"], agg["y_imp"], agg["y_noan"]),
        "all_time": block(agg["total"], agg["imp"], agg["noan"]),
    }


def jobs_summary(year: int) -> dict[str, Any]:
    """Jobs at productions opened in `year` and the year before, at all productions, and staff where known.

    jobs_in_year, jobs_previous_year, change_percent, jobs_total (all productions), employees_known (sum of the
    organisations' staff in Moscow where given) and organisations_with_employees.
    """
    return cached_kpi("jobs_summary", lambda: _jobs_summary(year), year, depends=("registry",))


def _jobs_summary(year: int) -> dict[str, Any]:
    agg = Production.objects.aggregate(
        total=Sum("jobs"),
        in_year=Sum("jobs", filter=Q(opened_on__year=year)),
        previous=Sum("jobs", filter=Q(opened_on__year=year - 1)),
    )
    staff = Organisation.objects.filter(employees__isnull=False).aggregate(n=Count("id"), s=Sum("employees"))
    in_year, previous = agg["in_year"] or 0, agg["previous"] or 0
    return {
        "jobs_in_year": in_year,
        "jobs_previous_year": previous,
        "change_percent": yoy_percent(in_year, previous),
        "jobs_total": agg["total"] or 0,
        "employees_known": staff["s"] or 0,
        "organisations_with_employees": staff["n"],
    }


# --- residents and productions per site ---------------------------------------------------------------------


def sites_overview(today: date | None = None) -> list[dict[str, Any]]:
    """Per site in tree order: current residents, productions and jobs; a parent counts its children.

    Residents are distinct organisations with a residency current on `today` at the site or below it.
    """
    on = today or timezone.localdate()
    return cached_kpi("sites_overview", lambda: _sites_overview(on), on, depends=("registry",))


def _sites_overview(on: date) -> list[dict[str, Any]]:
    sites = _sites()
    targets = _rollup_targets(sites)
    residents: dict[int, set[int]] = defaultdict(set)
    for site_id, org_id in (
        Residency.objects.filter(Q(since__isnull=True) | Q(since__lte=on), Q(until__isnull=True) | Q(until__gte=on))
        .values_list("site_id", "organisation_id")
        .distinct()
    ):
        for target in targets.get(site_id, ()):
            residents[target].add(org_id)
    productions: dict[int, int] = defaultdict(int)
    jobs: dict[int, int] = defaultdict(int)
    for row in (
        Production.objects.filter(site__isnull=False)
        .values("site_id")
        .annotate(n=Count("id"), j=Sum("jobs"))
        .order_by()
    ):
        for target in targets.get(row["site_id"], ()):
            productions[target] += row["n"]
            jobs[target] += row["j"] or 0
    return [
        {
            "site": _site_label(site),
            "residents": len(residents.get(site["id"], ())),
            "productions": productions.get(site["id"], 0),
            "jobs": jobs.get(site["id"], 0),
        }
        for site in sites
    ]


def registry_totals(today: date | None = None) -> dict[str, int]:
    """Sites, organisations, current residents (distinct), productions and their jobs in the whole registry."""
    on = today or timezone.localdate()
    return cached_kpi("registry_totals", lambda: _registry_totals(on), on, depends=("registry",))


def _registry_totals(on: date) -> dict[str, int]:
    production = Production.objects.aggregate(n=Count("id"), j=Sum("jobs"))
    residents = (
        Residency.objects.filter(Q(since__isnull=True) | Q(since__lte=on), Q(until__isnull=True) | Q(until__gte=on))
        .values("organisation_id")
        .distinct()
        .count()
    )
    return {
        "sites": Site.objects.count(),
        "organisations": Organisation.objects.count(),
        "residents": residents,
        "productions": production["n"],
        "jobs": production["j"] or 0,
    }


# --- corporations -------------------------------------------------------------------------------------------

# A group of companies is headed by a business; a ministry or a university with a subordinate body is not one.
CORPORATE_KINDS = {Organisation.Kind.COMPANY, Organisation.Kind.STATE_CORPORATION, Organisation.Kind.JOINT_STOCK}


def corporation_footprints(today: date | None = None) -> list[dict[str, Any]]:
    """The footprint in Moscow of every group of companies (an organisation with subsidiaries, or a state
    corporation), largest first. See `corporation_footprint` for the fields."""
    on = today or timezone.localdate()
    return cached_kpi(
        "corporation_footprints", lambda: _corporation_footprints(on, None), on, depends=("registry", "partnerships")
    )


def corporation_footprint(organisation_id: int, today: date | None = None) -> dict[str, Any] | None:
    """A corporation's footprint in Moscow: the organisation and all its subsidiaries (at any depth).

    enterprises — members of the group with a production or a current residency in Moscow;
    subsidiaries — all subsidiaries in the registry; jobs — jobs at the group's productions; productions;
    employees — the group's staff in Moscow where given; staff_share_percent — employees as a share of the
    corporation's total staff where that is known (else None); projects — road-map projects with a partner in
    the group (None while the partnerships part is not installed).
    """
    on = today or timezone.localdate()
    rows = cached_kpi(
        "corporation_footprint",
        lambda: _corporation_footprints(on, organisation_id),
        on,
        organisation_id,
        depends=("registry", "partnerships"),
    )
    return rows[0] if rows else None


def _corporation_footprints(on: date, only: int | None) -> list[dict[str, Any]]:
    fields = ["id", "parent_id", "short_name", "full_name", "slug", "kind", "employees", "staff_total", "is_demo"]
    orgs = {o["id"]: o for o in Organisation.objects.values(*fields)}
    children: dict[int, list[int]] = defaultdict(list)
    for o in orgs.values():
        if o["parent_id"] in orgs:
            children[o["parent_id"]].append(o["id"])
    if only is not None:
        if only not in orgs:
            return []
        heads = [only]
    else:
        heads = [
            o["id"]
            for o in orgs.values()
            if (children.get(o["id"]) and o["parent_id"] not in orgs)
            or o["kind"] == Organisation.Kind.STATE_CORPORATION
        ]
    prod: dict[int, tuple[int, int]] = {
        row["organisation_id"]: (row["n"], row["j"] or 0)
        for row in Production.objects.values("organisation_id").annotate(n=Count("id"), j=Sum("jobs")).order_by()
    }
    resident_orgs = set(
        Residency.objects.filter(
            Q(since__isnull=True) | Q(since__lte=on), Q(until__isnull=True) | Q(until__gte=on)
        ).values_list("organisation_id", flat=True)
    )
    projects_by_org = partner_project_counts()

    result: list[dict[str, Any]] = []
    for head in heads:
        group: list[int] = []
        stack, seen = [head], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            group.append(current)
            stack.extend(children.get(current, ()))
        enterprises = [g for g in group if g in prod or g in resident_orgs]
        employees_known = [orgs[g]["employees"] for g in group if orgs[g]["employees"] is not None]
        employees = sum(employees_known) if employees_known else None
        total_staff = orgs[head]["staff_total"]
        head_row = orgs[head]
        result.append(
            {
                "organisation": {
                    "id": head,
                    "short_name": head_row["short_name"],
                    "full_name": head_row["full_name"],
                    "slug": head_row["slug"],
                    "kind": head_row["kind"],
                    "is_demo": head_row["is_demo"],
                },
                "enterprises": len(enterprises),
                "subsidiaries": len(group) - 1,
                "productions": sum(prod.get(g, (0, 0))[0] for g in group),
                "jobs": sum(prod.get(g, (0, 0))[1] for g in group),
                "employees": employees,
                "total_staff": total_staff,
                "staff_share_percent": share_percent(employees, total_staff) if employees is not None else None,
                "projects": sum(projects_by_org.get(g, 0) for g in group) if projects_by_org is not None else None,
            }
        )
    result.sort(key=lambda r: (-r["enterprises"], -r["jobs"], r["organisation"]["short_name"]))
    return result


def partner_project_counts() -> dict[int, int] | None:
    """organisation id → number of road-map projects it is a partner in; None without the partnerships part."""
    module = _optional("mosprom.partnerships.selectors")
    counter = getattr(module, "project_counts_by_organisation", None) if module else None
    if counter is not None:
        return dict(counter())
    return _partner_project_counts_from_models()


def _partner_project_counts_from_models() -> dict[int, int] | None:
    """Count projects per partner organisation straight from the partnerships models when they exist."""
    from django.apps import apps

    try:
        project = apps.get_model("partnerships", "Project")
    except LookupError:
        return None
    for path in ("partner", "organisation", "agreement__partner", "roadmap__agreement__partner", "roadmap__partner"):
        try:
            rows = project.objects.values(f"{path}_id" if "__" not in path else f"{path}__id").annotate(n=Count("id"))
            key = f"{path}_id" if "__" not in path else f"{path}__id"
            return {r[key]: r["n"] for r in rows.order_by() if r[key] is not None}
        except FieldError:  # the field does not exist under this name; try the next
            continue
    return None


# --- partnerships and tours (provided by their parts) -------------------------------------------------------


def _optional(module_name: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except ImportError:
        return None


def partnerships_summary(today: date | None = None) -> dict[str, Any] | None:
    """Agreements and road-map projects (from partnerships.selectors.partnership_kpis); None when not installed."""
    module = _optional("mosprom.partnerships.selectors")
    compute = getattr(module, "partnership_kpis", None) if module else None
    if compute is None:
        return None
    on = today or timezone.localdate()
    return cached_kpi("partnerships_summary", lambda: dict(compute(today=on)), on, depends=("registry", "partnerships"))


def tourism_summary() -> dict[str, Any] | None:
    """Industrial tourism figures (tours.selectors.programme_kpis' figures, summed from the TourismDay summary
    of analytics/tourism.py instead of every registration); None when the tours part is not installed."""
    if _optional("mosprom.tours.selectors") is None:
        return None
    from .tourism import programme_kpis as compute

    # keyed by the hour too: attendance counts sessions that are already past
    return cached_kpi(
        "tourism_summary", lambda: dict(compute()), timezone.now().strftime("%Y%m%d%H"), depends=("registry", "tours")
    )


# --- the summary the dashboard and the report open with -----------------------------------------------------


def summary(year: int, today: date | None = None) -> dict[str, Any]:
    """Headline figures for `year`: new productions with YoY, jobs, shares, registry totals, agreements, tours."""
    on = today or timezone.localdate()
    by_year = {r["year"]: r for r in productions_by_year(last_year=year, first_year=max(YEAR_MIN, year - 1))}
    current = by_year[year]
    return {
        "year": year,
        "new_productions": current["count"],
        "new_productions_previous": current["previous"],
        "new_productions_change_percent": current["change_percent"],
        "jobs": jobs_summary(year),
        "shares": production_shares(year),
        "registry": registry_totals(on),
        "partnerships": partnerships_summary(on),
        "tourism": tourism_summary(),
    }


def top(rows: Iterable[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    return list(rows)[:n]
