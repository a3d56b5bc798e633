"""Read-only open data: agreements and road-map projects (public fields only: no milestones, no notes)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from mosprom.core.api_kit import READ_ERRORS, Pagination
from mosprom.core.errors import NotFound, Refused
from mosprom.registry.models import Organisation

from . import rules, selectors
from .models import Agreement, Project

router = Router(tags=["partnerships"])
SLUG = r"^[-a-zA-Z0-9_]+$"


def _enum(values: list[str]) -> Any:
    """Document the allowed values while the handler answers unknown ones with its own 422 code."""
    return {"enum": list(values)}


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


def _state(obj: Agreement) -> rules.AgreementState:
    state = getattr(obj, "state", None)
    if state is None:
        state = obj.state = rules.agreement_state(obj, date.today())  # type: ignore[attr-defined]
    return state


class AgreementOut(Schema):
    slug: str = Field(..., examples=["moscow-rosatom-kamaz-2023"])
    title: str
    kind: str = Field(..., description="cooperation, offset, memorandum, strategic_session or other.")
    signed_on: date = Field(..., examples=["2023-09-29"])
    term_years: int | None = Field(None, description="Term in years, if set by a term.")
    ends_on: date | None = Field(None, description="End date (computed from the term when the term is given).")
    status: str = Field(..., description="active, expired or terminated, as of today.", examples=["active"])
    days_left: int | None = Field(None, description="Days until the end date while in force; null if open-ended.")
    expiring: bool = Field(
        ..., description="In force and ends within PARTNERSHIPS_AGREEMENT_EXPIRING_DAYS days (180 by default)."
    )
    summary: str
    source_url: str
    parties: list[PartyOut]
    directions: list[DirectionOut]
    projects_count: int = Field(..., description="Road-map projects under this agreement.")
    is_demo: bool = Field(..., description="True for synthetic demo records.")

    @staticmethod
    def resolve_status(obj: Agreement) -> str:
        return _state(obj).status

    @staticmethod
    def resolve_days_left(obj: Agreement) -> int | None:
        return _state(obj).days_left

    @staticmethod
    def resolve_expiring(obj: Agreement) -> bool:
        return _state(obj).expiring

    @staticmethod
    def resolve_parties(obj: Agreement) -> list[dict[str, Any]]:
        return [
            {"organisation": p.organisation.slug, "name": p.organisation.short_name, "role": p.role}
            for p in obj.parties.all()
        ]

    @staticmethod
    def resolve_directions(obj: Agreement) -> list[dict[str, Any]]:
        return [
            {"text": d.text, "responsible": d.responsible.slug if d.responsible else None} for d in obj.directions.all()
        ]

    @staticmethod
    def resolve_projects_count(obj: Agreement) -> int:
        return int(getattr(obj, "projects_count", 0) or 0)


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

    @staticmethod
    def resolve_partner(obj: Project) -> str:
        return obj.partner.slug

    @staticmethod
    def resolve_agreement(obj: Project) -> str | None:
        return obj.agreement.slug if obj.agreement else None

    @staticmethod
    def resolve_site(obj: Project) -> str | None:
        return obj.site.slug if obj.site else None

    @staticmethod
    def resolve_duties(obj: Project) -> list[dict[str, Any]]:
        return [
            {"organisation": d.organisation.slug, "name": d.organisation.short_name, "duty": d.text}
            for d in obj.duties.all()
        ]


class AgreementFilters(Schema):
    partner: str | None = Field(
        None,
        description="Slug of a party organisation; one that names nothing matches nothing (an empty list).",
        examples=["rosatom"],
    )
    kind: str | None = Field(
        None,
        description="Kind of agreement; an unknown value is answered 422 `unknown_kind`.",
        json_schema_extra=_enum(Agreement.Kind.values),
    )
    active: bool | None = Field(None, description="true: only agreements in force today; false: only the others.")


class ProjectFilters(Schema):
    partner: str | None = Field(
        None,
        description="Slug of the partner organisation; one that names nothing matches nothing (an empty list).",
        examples=["rosatom"],
    )
    agreement: str | None = Field(
        None, description="Slug of the agreement; one that names nothing matches nothing (an empty list)."
    )
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


def _unknown(code: str, field: str, value: str, allowed: list[str] | None = None) -> Refused:
    details = {"field": field, "value": value}
    if allowed is not None:
        details["allowed"] = ", ".join(allowed)
    return Refused(
        code,
        _("Unknown value «%(value)s» of the filter %(field)s.") % {"value": value, "field": field},
        status=422,
        details=details,
    )


def _choice(value: str | None, allowed: list[str], code: str, field: str) -> str | None:
    """A value outside the declared enum — the empty one included (`?kind=`) — is refused with 422 `code`."""
    if value is not None and value not in allowed:
        raise _unknown(code, field, value, allowed)
    return value


@router.get(
    "/agreements",
    response={200: list[AgreementOut], **READ_ERRORS},
    summary=gettext_noop("List agreements"),
    description="Agreements of the city with its partners, newest first, with parties and directions.",
)
@paginate(Pagination)
def list_agreements(request: HttpRequest, filters: Query[AgreementFilters]) -> Any:
    kind = _choice(filters.kind, Agreement.Kind.values, "unknown_kind", "kind")
    partner = Organisation.objects.filter(slug=filters.partner).first() if filters.partner else None
    if filters.partner and partner is None:
        return Agreement.objects.none()  # a slug that names nothing matches nothing
    return selectors.agreement_list(
        kind=kind,
        partner=partner,
        active=filters.active,
        with_directions=True,
    )


@router.get("/agreements/{slug}", response={200: AgreementOut, **READ_ERRORS}, summary=gettext_noop("One agreement"))
def get_agreement(request: HttpRequest, slug: str = Path(..., max_length=120, pattern=SLUG)) -> Any:
    agreement = selectors.agreement_list(with_directions=True).filter(slug=slug).first()
    if agreement is None:
        raise NotFound("not_found", _("Not found."))
    return agreement


@router.get(
    "/projects",
    response={200: list[ProjectOut], **READ_ERRORS},
    summary=gettext_noop("List road-map projects"),
    description="Road-map projects with their public fields and split of duties (milestones are not public).",
)
@paginate(Pagination)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> Any:
    category = _choice(filters.category, Project.Category.values, "unknown_category", "category")
    status = _choice(filters.status, Project.Status.values, "unknown_status", "status")
    partner = Organisation.objects.filter(slug=filters.partner).first() if filters.partner else None
    agreement = Agreement.objects.filter(slug=filters.agreement).first() if filters.agreement else None
    if (filters.partner and partner is None) or (filters.agreement and agreement is None):
        return Project.objects.none()  # a slug that names nothing matches nothing
    return selectors.project_list(
        partner=partner, agreement=agreement, category=category, status=status, active=filters.active
    )


@router.get(
    "/projects/{project_id}", response={200: ProjectOut, **READ_ERRORS}, summary=gettext_noop("One road-map project")
)
def get_project(request: HttpRequest, project_id: int) -> Any:
    project = selectors.project_list().filter(pk=project_id).first() if 0 < project_id < 2**31 else None
    if project is None:
        raise NotFound("not_found", _("Not found."))
    return project
