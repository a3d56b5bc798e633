"""Read-only open data: agreements and road-map projects (public fields only: no milestones, no notes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from mosprom.core.api_errors import ApiError
from mosprom.registry.models import Organisation

from .models import Agreement, AgreementParty, Direction, Project
from .selectors import _active_q

router = Router(tags=["partnerships"])


def _enum(values: list[str]) -> Any:
    """Document the allowed values while the handler answers unknown ones with its own 422 code."""
    return {"enum": list(values)}


class ErrorOut(Schema):
    code: str = Field(..., description="Stable machine-readable error code.", examples=["unknown_category"])
    message: str = Field(..., description="Human-readable explanation in the request's language.")
    details: Any = Field(None, description="Optional details, e.g. the invalid fields.")


class PartyOut(Schema):
    organisation: str = Field(..., description="Slug of the organisation in the registry.", examples=["rosatom"])
    name: str = Field(..., description="Short name of the organisation.", examples=["Госкорпорация «Росатом»"])
    role: str = Field(..., description="Role of the party.", examples=["state_corporation"])


class DirectionOut(Schema):
    text: str = Field(..., description="A direction of joint work or an obligation.")
    responsible: str | None = Field(None, description="Slug of the responsible party, if one.")


class DutyOut(Schema):
    organisation: str = Field(..., description="Slug of the party.", examples=["moscow-government"])
    name: str = Field(..., description="Short name of the party.")
    duty: str = Field(..., description="What this party does.", examples=["Москва возводит корпус завода"])


class AgreementOut(Schema):
    slug: str = Field(..., examples=["moscow-rosatom-kamaz-2023"])
    title: str
    kind: str = Field(..., description="cooperation, offset, memorandum, strategic_session or other.")
    signed_on: date = Field(..., examples=["2023-09-29"])
    term_years: int | None = Field(None, description="Term in years, if set by a term.")
    ends_on: date | None = Field(None, description="End date (computed from the term when the term is given).")
    status: str = Field(..., description="active, expired or terminated, as of today.", examples=["active"])
    summary: str
    source_url: str
    parties: list[PartyOut]
    directions: list[DirectionOut]
    projects_count: int = Field(..., description="Road-map projects under this agreement.")
    is_demo: bool = Field(..., description="True for synthetic demo records.")


class AgreementPage(Schema):
    count: int = Field(..., description="Number of agreements matching the filters.")
    items: list[AgreementOut]


class ProjectOut(Schema):
    id: int
    code: str = Field(..., examples=["RA-001"])
    title: str
    partner: str = Field(..., description="Slug of the partner organisation.", examples=["rosatom"])
    agreement: str | None = Field(None, description="Slug of the agreement the project follows from.")
    category: str = Field(..., examples=["production"])
    status: str = Field(..., examples=["implementation"])
    site: str | None = Field(None, description="Slug of the registry site.", examples=["pechatniki"])
    investment: Decimal | None = Field(None, description="Investment, million roubles.")
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    description: str
    duties: list[DutyOut] = Field(..., description="Split of duties between the parties.")
    is_demo: bool


class ProjectPage(Schema):
    count: int = Field(..., description="Number of projects matching the filters.")
    items: list[ProjectOut]


class AgreementFilters(Schema):
    partner: str | None = Field(
        None, description="Slug of a party organisation; unknown: 422 `unknown_partner`.", examples=["rosatom"]
    )
    kind: str | None = Field(
        None,
        description="Kind of agreement; an unknown value is answered 422 `unknown_kind`.",
        json_schema_extra=_enum(Agreement.Kind.values),
    )
    active: bool | None = Field(None, description="true: only agreements in force today; false: only the others.")
    limit: int = Field(50, ge=1, le=500, description="Page size.")
    offset: int = Field(0, ge=0, le=1_000_000, description="Items to skip.")


class ProjectFilters(Schema):
    partner: str | None = Field(
        None, description="Slug of the partner organisation; unknown: 422 `unknown_partner`.", examples=["rosatom"]
    )
    agreement: str | None = Field(None, description="Slug of the agreement; unknown: 422 `unknown_agreement`.")
    category: str | None = Field(
        None,
        description="Category; an unknown value is answered 422 `unknown_category`.",
        json_schema_extra=_enum(Project.Category.values),
    )
    status: str | None = Field(
        None,
        description="Status; an unknown value is answered 422 `unknown_status`.",
        json_schema_extra=_enum(Project.Status.values),
    )
    active: bool | None = Field(None, description="true: only open projects (not completed or cancelled).")
    limit: int = Field(50, ge=1, le=500, description="Page size.")
    offset: int = Field(0, ge=0, le=1_000_000, description="Items to skip.")


def _unknown(code: str, field: str, value: str, allowed: list[str] | None = None) -> ApiError:
    details = {"field": field, "value": value}
    if allowed is not None:
        details["allowed"] = ", ".join(allowed)
    return ApiError(
        422, code, _("Unknown value «%(value)s» of the filter %(field)s.") % {"value": value, "field": field}, details
    )


def _partner(slug: str) -> Organisation:
    partner = Organisation.objects.filter(slug=slug).first()
    if partner is None:
        raise _unknown("unknown_partner", "partner", slug)
    return partner


def _agreement_out(a: Agreement, today: date) -> dict[str, Any]:
    return {
        "slug": a.slug,
        "title": a.title,
        "kind": a.kind,
        "signed_on": a.signed_on,
        "term_years": a.term_years,
        "ends_on": a.ends_on,
        "status": a.status_on(today),
        "summary": a.summary,
        "source_url": a.source_url,
        "parties": [
            {"organisation": p.organisation.slug, "name": p.organisation.short_name, "role": p.role}
            for p in a.parties.all()
        ],
        "directions": [
            {"text": d.text, "responsible": d.responsible.slug if d.responsible else None} for d in a.directions.all()
        ],
        "projects_count": getattr(a, "projects_count", 0),
        "is_demo": a.is_demo,
    }


def _agreements() -> QuerySet[Agreement]:
    return Agreement.objects.annotate(projects_count=Count("projects", distinct=True)).prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation").order_by("order", "id")),
        Prefetch("directions", queryset=Direction.objects.select_related("responsible").order_by("order", "id")),
    )


@router.get(
    "/agreements",
    response={200: AgreementPage, 422: ErrorOut},
    summary="List agreements",
    description="Agreements of the city with its partners, newest first, with parties and directions.",
)
def list_agreements(request: HttpRequest, filters: Query[AgreementFilters]) -> Any:
    today = date.today()
    qs = _agreements()
    if filters.partner:
        qs = qs.filter(parties__organisation=_partner(filters.partner))
    if filters.kind:
        if filters.kind not in Agreement.Kind.values:
            raise _unknown("unknown_kind", "kind", filters.kind, Agreement.Kind.values)
        qs = qs.filter(kind=filters.kind)
    if filters.active is True:
        qs = qs.filter(_active_q(today))
    elif filters.active is False:
        qs = qs.exclude(_active_q(today))
    qs = qs.order_by("-signed_on", "slug")
    count = qs.count()
    items = [_agreement_out(a, today) for a in qs[filters.offset : filters.offset + filters.limit]]
    return {"count": count, "items": items}


@router.get(
    "/agreements/{slug}",
    response={200: AgreementOut, 404: ErrorOut, 422: ErrorOut},
    summary="One agreement",
)
def get_agreement(request: HttpRequest, slug: str) -> Any:
    agreement = _agreements().filter(slug=slug).first()
    if agreement is None:
        raise ApiError(404, "not_found", _("Not found."))
    return _agreement_out(agreement, date.today())


def _project_out(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "title": p.title,
        "partner": p.partner.slug,
        "agreement": p.agreement.slug if p.agreement else None,
        "category": p.category,
        "status": p.status,
        "site": p.site.slug if p.site else None,
        "investment": p.investment,
        "planned_start": p.planned_start,
        "planned_end": p.planned_end,
        "actual_start": p.actual_start,
        "actual_end": p.actual_end,
        "description": p.description,
        "duties": [
            {"organisation": d.organisation.slug, "name": d.organisation.short_name, "duty": d.text}
            for d in p.duties.all()
        ],
        "is_demo": p.is_demo,
    }


def _projects() -> QuerySet[Project]:
    return Project.objects.select_related("partner", "agreement", "site").prefetch_related("duties__organisation")


@router.get(
    "/projects",
    response={200: ProjectPage, 422: ErrorOut},
    summary="List road-map projects",
    description="Road-map projects with their public fields and split of duties (milestones are not public).",
)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> Any:
    qs = _projects()
    if filters.partner:
        qs = qs.filter(partner=_partner(filters.partner))
    if filters.agreement:
        agreement = Agreement.objects.filter(slug=filters.agreement).first()
        if agreement is None:
            raise _unknown("unknown_agreement", "agreement", filters.agreement)
        qs = qs.filter(agreement=agreement)
    if filters.category:
        if filters.category not in Project.Category.values:
            raise _unknown("unknown_category", "category", filters.category, Project.Category.values)
        qs = qs.filter(category=filters.category)
    if filters.status:
        if filters.status not in Project.Status.values:
            raise _unknown("unknown_status", "status", filters.status, Project.Status.values)
        qs = qs.filter(status=filters.status)
    if filters.active is True:
        qs = qs.exclude(status__in=Project.CLOSED_STATUSES)
    elif filters.active is False:
        qs = qs.filter(status__in=Project.CLOSED_STATUSES)
    qs = qs.order_by("partner__slug", "code", "id")
    count = qs.count()
    return {"count": count, "items": [_project_out(p) for p in qs[filters.offset : filters.offset + filters.limit]]}


@router.get(
    "/projects/{project_id}",
    response={200: ProjectOut, 404: ErrorOut, 422: ErrorOut},
    summary="One road-map project",
)
def get_project(request: HttpRequest, project_id: int) -> Any:
    project = _projects().filter(pk=project_id).first() if 0 < project_id < 2**62 else None
    if project is None:
        raise ApiError(404, "not_found", _("Not found."))
    return _project_out(project)
