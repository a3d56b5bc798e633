"""KPI endpoints of the open-data API: /api/v1/kpi/… — thin wrappers over analytics.selectors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view

from mosprom.core.api_errors import ApiError
from mosprom.core.api_kit import READ_ERRORS

from . import selectors
from .exports import fraction_percent
from .http import data_last_modified

router = Router(tags=["kpi"])


# --- schemas ------------------------------------------------------------------------------------------------


# The declared range of every `year`: from the first year of the figures to a fixed far bound (the schema must not
# change with the calendar); a year after the current one is answered 404 `year_out_of_range` (no figures yet).
YEAR_MAX_DECLARED = 2100


def _year_field(description: str, example: int) -> Any:
    return Field(None, ge=selectors.YEAR_MIN, le=YEAR_MAX_DECLARED, description=description, examples=[example])


class YearQuery(Schema):
    year: int | None = _year_field(
        "Calendar year, from 2000; a year after the current one is answered 404 `year_out_of_range`. "
        "Default: the latest year with a new production.",
        2023,
    )


class YearRangeQuery(Schema):
    from_year: int | None = _year_field(
        "First year, from 2000 (default: the first year with a production); after `to_year`: an empty list.", 2020
    )
    to_year: int | None = _year_field(
        "Last year, from 2000 (default: the latest year with data); a year after the current one is answered "
        "404 `year_out_of_range`.",
        2023,
    )


class ProductionsYearOut(Schema):
    year: int = Field(..., examples=[2023])
    count: int = Field(..., description="New productions opened in the year.", examples=[35])
    previous: int = Field(..., description="New productions opened in the year before.", examples=[27])
    change_percent: int | None = Field(
        ...,
        description="Change on the year before in whole percent, rounded half up; null when the year before had 0.",
        examples=[30],
    )
    jobs: int = Field(..., description="Jobs at the productions opened in the year.", examples=[1200])
    import_substitution: int = Field(..., description="Of them import-substituting.", examples=[12])
    no_domestic_analogue: int = Field(..., description="Of them with no domestic analogue.", examples=[4])


class SiteRefOut(Schema):
    id: int
    name: str = Field(..., examples=["ОЭЗ «Технополис Москва»"])
    slug: str = Field(..., examples=["technopolis-moskva"])
    kind: str = Field(..., description="Kind of site (sez, sez_site, technopolis, technopark, …).", examples=["sez"])
    level: int = Field(..., description="Depth in the site tree: 0 for a top-level site, 1 for an SEZ site…")
    parent_id: int | None = Field(..., description="The parent site (an SEZ for its sites).")
    is_demo: bool = Field(..., description="Synthetic demo record.")


class SiteProductionsOut(Schema):
    site: SiteRefOut | None = Field(..., description="The site; null for productions without a site.")
    count: int = Field(..., description="New productions in the year; a parent counts its children.", examples=[25])
    previous: int = Field(..., examples=[17])
    change_percent: int | None = Field(..., examples=[47])


class IndustryRefOut(Schema):
    id: int
    name: str = Field(..., examples=["Электроника"])
    name_en: str = Field("", description="The name in English; empty when not given.", examples=["Electronics"])
    slug: str = Field(..., examples=["electronics"])


class IndustryProductionsOut(Schema):
    industry: IndustryRefOut | None = Field(..., description="The industry; null when not given.")
    count: int = Field(..., examples=[30])
    previous: int = Field(..., examples=[20])
    change_percent: int | None = Field(..., examples=[50])


class ShareBlockOut(Schema):
    total: int = Field(..., examples=[35])
    import_substitution: int = Field(..., examples=[7])
    import_substitution_percent: float | None = Field(..., description="Percent, one decimal.", examples=[20.0])
    no_domestic_analogue: int = Field(..., examples=[3])
    no_domestic_analogue_percent: float | None = Field(..., examples=[8.6])


class SharesOut(Schema):
    year: ShareBlockOut = Field(..., description="Among the productions opened in the year.")
    all_time: ShareBlockOut = Field(..., description="Among all productions in the registry.")


class JobsOut(Schema):
    jobs_in_year: int = Field(..., description="Jobs at the productions opened in the year.", examples=[350])
    jobs_previous_year: int = Field(..., examples=[135])
    change_percent: int | None = Field(..., examples=[159])
    jobs_total: int = Field(..., description="Jobs at all productions in the registry.", examples=[12000])
    employees_known: int = Field(..., description="Staff in Moscow of the organisations that report it.")
    organisations_with_employees: int = Field(..., description="How many organisations report their staff.")


class SiteOverviewOut(Schema):
    site: SiteRefOut
    residents: int = Field(..., description="Organisations with a current residency here or at a child site.")
    productions: int = Field(..., description="Productions here or at a child site.", examples=[42])
    jobs: int = Field(..., examples=[3350])


class RegistryTotalsOut(Schema):
    sites: int
    organisations: int
    residents: int = Field(..., description="Distinct organisations with a current residency at any site.")
    productions: int
    jobs: int


class OrganisationRefOut(Schema):
    id: int
    short_name: str = Field(..., examples=["Росатом"])
    full_name: str = Field(..., examples=["Государственная корпорация по атомной энергии «Росатом»"])
    slug: str = Field(..., examples=["rosatom"])
    kind: str = Field(..., examples=["state_corporation"])
    is_demo: bool


class FootprintOut(Schema):
    organisation: OrganisationRefOut
    enterprises: int = Field(
        ...,
        description="The organisation and its subsidiaries with a production or residency in Moscow.",
        examples=[24],
    )
    subsidiaries: int = Field(..., description="Subsidiaries at any depth in the registry.", examples=[30])
    productions: int = Field(..., examples=[4])
    jobs: int = Field(..., description="Jobs at the group's productions.", examples=[1200])
    employees: int | None = Field(..., description="The group's staff in Moscow, where reported.", examples=[20000])
    total_staff: int | None = Field(..., description="The corporation's total staff, where known.")
    staff_share_percent: float | None = Field(
        ..., description="Staff in Moscow as a share of its total staff, where known.", examples=[14.0]
    )
    projects: int | None = Field(..., description="Road-map projects with a partner in the group.", examples=[680])


class LabelCountOut(Schema):
    label: str = Field(..., examples=["в работе"])
    count: int = Field(..., examples=[12])


class PartnershipsOut(Schema):
    agreements_active: int = Field(..., description="Agreements in force today.", examples=[5])
    agreements_expiring_within_days: int = Field(..., description="The horizon in days.", examples=[180])
    agreements_expiring: int = Field(..., description="Agreements in force that expire within the horizon.")
    projects_total: int = Field(..., examples=[40])
    projects_by_status: list[LabelCountOut]
    projects_by_category: list[LabelCountOut]
    average_progress: float | None = Field(
        ..., description="Average share of done milestones per project, %.", examples=[42.5]
    )
    overdue_milestones: int = Field(..., description="Milestones past their due date and not done.", examples=[3])


class TourismYearOut(Schema):
    year: int = Field(..., examples=[2025])
    new_hosts: int = Field(..., description="Companies that hosted their first tour that year.", examples=[10])
    registrations: int = Field(..., examples=[4800])
    visitors: int = Field(..., description="Visitors checked in.", examples=[4000])
    attendance_rate: float | None = Field(
        ...,
        description="Checked-in registrations as a share of the registrations for past sessions, %.",
        examples=[83.3],
    )


class FormatCountOut(Schema):
    format: str = Field(..., examples=["экскурсия"])
    registrations: int = Field(..., examples=[1200])


class TourismOut(Schema):
    host_companies: int = Field(..., description="Companies in the programme.", examples=[150])
    per_year: list[TourismYearOut]
    popular_formats: list[FormatCountOut]
    average_rating: float | None = Field(..., description="Average feedback rating, 1–5.", examples=[4.7])


class SummaryOut(Schema):
    year: int = Field(..., examples=[2023])
    new_productions: int = Field(..., examples=[35])
    new_productions_previous: int = Field(..., examples=[27])
    new_productions_change_percent: int | None = Field(..., examples=[30])
    jobs: JobsOut
    shares: SharesOut
    registry: RegistryTotalsOut
    partnerships: PartnershipsOut | None = Field(..., description="Null until the partnerships part holds data.")
    tourism: TourismOut | None = Field(..., description="Null until the tours part holds data.")


ERRORS: dict[int, Any] = READ_ERRORS


# --- helpers ------------------------------------------------------------------------------------------------


def _year(raw: int | None) -> int:
    try:
        return selectors.parse_year(raw)
    except selectors.YearOutOfRange as error:
        raise ApiError(404, "year_out_of_range", str(error)) from None


def _labels(counts: dict[Any, int] | None) -> list[dict[str, Any]]:
    return [
        {"label": str(k), "count": int(v)}
        for k, v in sorted((counts or {}).items(), key=lambda kv: (-kv[1], str(kv[0])))
    ]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def partnerships_out(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    expiring = data.get("agreements_expiring_within_days") or {}
    return {
        "agreements_active": int(data.get("agreements_active") or 0),
        "agreements_expiring_within_days": int(expiring.get("days", 180)),
        "agreements_expiring": int(expiring.get("count") or 0),
        "projects_total": int(data.get("projects_total") or 0),
        "projects_by_status": _labels(data.get("projects_by_status")),
        "projects_by_category": _labels(data.get("projects_by_category")),
        "average_progress": fraction_percent(data.get("average_progress")),
        "overdue_milestones": int(data.get("overdue_milestones") or 0),
    }


def tourism_out(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    keys = ("new_hosts_per_year", "registrations_per_year", "visitors_per_year", "attendance_rate_per_year")
    years = sorted({int(y) for k in keys for y in (data.get(k) or {})})

    def get(key: str, year: int) -> Any:
        values = data.get(key) or {}
        return values.get(year, values.get(str(year)))

    return {
        "host_companies": int(data.get("host_companies") or 0),
        "per_year": [
            {
                "year": y,
                "new_hosts": int(get("new_hosts_per_year", y) or 0),
                "registrations": int(get("registrations_per_year", y) or 0),
                "visitors": int(get("visitors_per_year", y) or 0),
                "attendance_rate": fraction_percent(get("attendance_rate_per_year", y)),
            }
            for y in years
        ],
        "popular_formats": [
            {"format": str(f["format"]), "registrations": int(f["registrations"])}
            for f in data.get("popular_formats") or []
        ],
        "average_rating": _decimal(data.get("average_rating")),
    }


def _not_available(part: str) -> ApiError:
    return ApiError(404, "not_available", _("Figures on %(part)s are not available yet.") % {"part": part})


# --- endpoints ----------------------------------------------------------------------------------------------


@router.get(
    "/kpi/summary",
    response={200: SummaryOut, **ERRORS},
    summary=gettext_noop("Key figures of a year"),
    description="New productions with the change on the year before (35 in 2023 vs 27 in 2022 → +30 %), jobs, "
    "shares of import-substituting and unique productions, registry totals, agreements and industrial tourism.",
)
@decorate_view(data_last_modified)
def kpi_summary(request: HttpRequest, filters: Query[YearQuery]) -> Any:
    data = selectors.summary(_year(filters.year))
    return {**data, "partnerships": partnerships_out(data["partnerships"]), "tourism": tourism_out(data["tourism"])}


@router.get(
    "/kpi/productions/by-year",
    response={200: list[ProductionsYearOut], **ERRORS},
    summary=gettext_noop("New productions per year"),
    description="One row per year from `from_year` to `to_year`, with the year-on-year change in whole percent.",
)
@decorate_view(data_last_modified)
def kpi_productions_by_year(request: HttpRequest, filters: Query[YearRangeQuery]) -> Any:
    last = _year(filters.to_year)
    first = _year(filters.from_year) if filters.from_year is not None else None
    if first is not None and first > last:
        return []  # an empty range of years
    return selectors.productions_by_year(last_year=last, first_year=first)


@router.get(
    "/kpi/productions/by-site",
    response={200: list[SiteProductionsOut], **ERRORS},
    summary=gettext_noop("New productions per site"),
    description="New productions in the year and the year before per site, in tree order; a special economic zone "
    "counts the productions of its sites. Productions without a site come last with `site: null`.",
)
@decorate_view(data_last_modified)
def kpi_productions_by_site(request: HttpRequest, filters: Query[YearQuery]) -> Any:
    return selectors.productions_by_site(_year(filters.year))


@router.get(
    "/kpi/productions/by-industry",
    response={200: list[IndustryProductionsOut], **ERRORS},
    summary=gettext_noop("New productions per industry"),
)
@decorate_view(data_last_modified)
def kpi_productions_by_industry(request: HttpRequest, filters: Query[YearQuery]) -> Any:
    return selectors.productions_by_industry(_year(filters.year))


@router.get(
    "/kpi/productions/shares",
    response={200: SharesOut, **ERRORS},
    summary=gettext_noop("Import-substituting and unique productions"),
    description="Counts and shares (percent, one decimal) among the productions opened in the year and overall.",
)
@decorate_view(data_last_modified)
def kpi_production_shares(request: HttpRequest, filters: Query[YearQuery]) -> Any:
    return selectors.production_shares(_year(filters.year))


@router.get("/kpi/jobs", response={200: JobsOut, **ERRORS}, summary=gettext_noop("Jobs"))
@decorate_view(data_last_modified)
def kpi_jobs(request: HttpRequest, filters: Query[YearQuery]) -> Any:
    return selectors.jobs_summary(_year(filters.year))


@router.get(
    "/kpi/sites",
    response={200: list[SiteOverviewOut], **READ_ERRORS},
    summary=gettext_noop("Residents and productions per site"),
    description="Current residents (distinct organisations), productions and jobs per site, in tree order; "
    "an SEZ counts its sites.",
)
@decorate_view(data_last_modified)
def kpi_sites(request: HttpRequest) -> Any:
    return selectors.sites_overview()


@router.get(
    "/kpi/corporations",
    response={200: list[FootprintOut], **READ_ERRORS},
    summary=gettext_noop("Corporations' footprint in Moscow"),
    description="Every group of companies (an organisation with subsidiaries, or a state corporation), largest first.",
)
@decorate_view(data_last_modified)
def kpi_corporations(request: HttpRequest) -> Any:
    return selectors.corporation_footprints()


@router.get(
    "/kpi/corporations/{slug}",
    response={200: FootprintOut, **READ_ERRORS},
    summary=gettext_noop("A corporation's footprint in Moscow"),
    description="Enterprises, subsidiaries, jobs, staff and its share where known, road-map projects.",
)
@decorate_view(data_last_modified)
def kpi_corporation(
    request: HttpRequest,
    slug: str = Path(..., description="Slug of the corporation (the head of the group).", examples=["rosatom"]),
) -> Any:
    from mosprom.registry.models import Organisation

    organisation_id = Organisation.objects.filter(slug=slug).values_list("id", flat=True).first()
    footprint = selectors.corporation_footprint(organisation_id) if organisation_id is not None else None
    if footprint is None:
        raise ApiError(404, "not_found", _("No organisation with this slug."))
    return footprint


@router.get(
    "/kpi/partnerships",
    response={200: PartnershipsOut, **READ_ERRORS},
    summary=gettext_noop("Agreements and road-map projects"),
    description="Agreements in force and expiring, projects by status and category, average progress, overdue "
    "milestones.",
)
@decorate_view(data_last_modified)
def kpi_partnerships(request: HttpRequest) -> Any:
    data = partnerships_out(selectors.partnerships_summary())
    if data is None:
        raise _not_available(_("agreements"))
    return data


@router.get(
    "/kpi/tourism",
    response={200: TourismOut, **READ_ERRORS},
    summary=gettext_noop("Industrial tourism"),
    description="Host companies, new hosts, registrations and visitors per year, attendance rate, popular formats, "
    "average rating.",
)
@decorate_view(data_last_modified)
def kpi_tourism(request: HttpRequest) -> Any:
    data = tourism_out(selectors.tourism_summary())
    if data is None:
        raise _not_available(_("industrial tours"))
    return data


__all__ = ["HttpResponse", "router"]
