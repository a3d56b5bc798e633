"""Company API: what a representative does in the cabinet, for a company token (its own organisation only).

A manager creates the token in the cabinet («Representatives and API tokens»); it is sent as
`Authorization: Bearer mp_…`. Every operation acts for the token's organisation; another organisation's
records answer 404, exactly as if they did not exist.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, File, Path, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status as Reply
from ninja.security import HttpBearer
from pydantic import ConfigDict, field_validator

from mosprom.core.api_kit import (
    DATE_WINDOW_PATTERN,
    NON_BLANK_PATTERN,
    READ_ERRORS,
    WEBSITE_HELP,
    WEBSITE_PATTERN,
    WRITE_ERRORS,
    ErrorOut,
    InputSchema,
    Pagination,
    money_field,
    to_money,
)
from mosprom.core.audit import set_request_actor
from mosprom.core.errors import NotFound, Refused
from mosprom.core.models import ApiToken
from mosprom.registry.models import Site, Status, StatusKind

from . import selectors, services
from .models import Application, CompanyToken, HostApplication, ProductionReport, ProfileProposal

router = Router(tags=["company"])
READ = {401: ErrorOut, **READ_ERRORS}
MAX_ID = 2**31 - 1


class CompanyTokenAuth(HttpBearer):
    openapi_description = (
        "Company API token: `Authorization: Bearer mp_…`, created by a manager in the company cabinet. "
        "It acts for one organisation only."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        digest = hashlib.sha256(token.encode()).hexdigest()
        found = (
            CompanyToken.objects.select_related("api_token__user", "organisation")
            .filter(api_token__digest=digest, api_token__revoked=False)
            .first()
        )
        if found is None or not found.api_token.user.is_active:
            return None
        if selectors.representation(found.api_token.user, found.organisation_id) is None:
            return None  # the person who created it no longer represents the organisation
        ApiToken.objects.filter(pk=found.api_token_id).update(last_used_at=timezone.now())
        request.user = found.api_token.user
        set_request_actor(found.api_token.user)
        return found


AUTH = CompanyTokenAuth()


def _ctx(request: HttpRequest) -> tuple[Any, Any]:
    token: CompanyToken = request.auth  # type: ignore[attr-defined]
    return token.api_token.user, token.organisation


# --- schemas -------------------------------------------------------------------------------------------------


class CompanyOut(Schema):
    id: int
    short_name: str
    full_name: str
    inn: str | None = None
    website: str = ""
    description: str = ""
    is_host: bool = Field(..., description="True when the organisation may publish tours.")


class EventOut(Schema):
    stage: str
    side: str = Field(..., description="`company` or `operator`.")
    message: str = ""
    created_at: datetime


class DocumentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int


class ApplicationOut(Schema):
    id: int
    kind: str = Field(..., description="Code of the kind of status.", examples=["city-technopark"])
    site: str | None = Field(None, description="Slug of the site.")
    stage: str = Field(
        ...,
        description="draft → completeness → (info_requested ↔) → expert_review → approved | rejected.",
        examples=["completeness"],
    )
    answers: dict[str, Any] = Field(default_factory=dict, description="Questionnaire answers by question code.")
    stage_changed_at: datetime
    submitted_at: datetime | None = None
    documents: list[DocumentOut] = Field(default_factory=list)
    events: list[EventOut] = Field(default_factory=list)

    @staticmethod
    def resolve_kind(obj: Application) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_site(obj: Application) -> str | None:
        return obj.site.slug if obj.site_id and obj.site else None

    @staticmethod
    def resolve_documents(obj: Application) -> list[Any]:
        return list(obj.documents.all())

    @staticmethod
    def resolve_events(obj: Application) -> list[Any]:
        return list(obj.events.all())


class ApplicationIn(InputSchema):
    kind: str = Field(..., max_length=60, description="Code of the kind of status.", examples=["city-technopark"])
    site: str | None = Field(None, max_length=120, description="Slug of the site, if the status is for a site.")
    answers: dict[str, str | int | float] = Field(default_factory=dict, description="Answers by question code.")


class AnswersIn(InputSchema):
    answers: dict[str, str | int | float] = Field(..., description="Answers by question code.")


class MessageIn(InputSchema):
    message: str = Field(..., min_length=1, max_length=5000, json_schema_extra={"pattern": NON_BLANK_PATTERN})


class ProfileIn(InputSchema):
    """At least one field; a proposal that changes nothing (`{}`, only nulls, or today's values) is answered
    409 `nothing_changed`; an unknown site 404 `site_not_found`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    description: str | None = Field(None, max_length=10000)
    website: str | None = Field(
        None,
        max_length=200,
        description=WEBSITE_HELP,
        json_schema_extra={"pattern": WEBSITE_PATTERN},
        examples=["https://example.ru/about"],
    )
    contacts: str | None = Field(None, max_length=300)
    site: str | None = Field(None, max_length=120, description="Slug of the site the company works at.")


class DecisionOut(Schema):
    id: int
    state: str = Field(..., description="pending, accepted or rejected.")
    decision_comment: str = ""
    created_at: datetime
    decided_at: datetime | None = None


class ProfileProposalOut(DecisionOut):
    changes: dict[str, str] = Field(..., description="Proposed values by field: description, website, contacts, site.")


class ProductionReportIn(InputSchema):
    product: str = Field(..., min_length=1, max_length=300, json_schema_extra={"pattern": NON_BLANK_PATTERN})
    site: str | None = Field(None, max_length=120, description="Slug of the site.")
    opened_on: date | None = Field(
        None,
        description="Date the production opened, 1900-01-01 to 2100-12-31 (422 otherwise); more than a year ahead "
        "of today it cannot be reported yet: 409 `not_yet_reportable`.",
        json_schema_extra={"pattern": DATE_WINDOW_PATTERN},
    )
    import_substitution: bool = False
    no_domestic_analogue: bool = False
    jobs: int | None = Field(None, ge=0, le=10_000_000)

    @field_validator("opened_on")
    @classmethod
    def _in_the_window(cls, value: date | None) -> date | None:
        if value is not None and not date(1900, 1, 1) <= value <= date(2100, 12, 31):
            raise ValueError("outside 1900-01-01 … 2100-12-31")
        return value


class ProductionReportOut(DecisionOut):
    product: str
    opened_on: date | None = None
    jobs: int | None = None


class StatusOut(Schema):
    id: int
    kind: str
    state: str
    granted_on: date
    valid_until: date | None = None
    report_year: int | None = Field(
        None, description="The year whose report is due now (this year's, ahead, when last year's is not owed)."
    )
    report_deadline: date | None = Field(None, description="The deadline of the kind of status for that report.")
    report_open: bool = Field(True, description="False while that year has not ended: the report cannot be filed yet.")
    report_asks_output: bool = Field(False, description="The kind of status asks for the year's output.")
    report_filed: bool = False
    report_overdue: bool = False


class ReportIn(InputSchema):
    year: int = Field(..., ge=2000, le=2100)
    jobs: int = Field(..., ge=0, le=10_000_000)
    productions_launched: int = Field(..., ge=0, le=100_000)
    investment: float = money_field(..., le=999_999_999_999.99, description="Investment in the year.")
    output: float | None = money_field(None, le=999_999_999_999.99, description="Output in the year.")


class ReportOut(DecisionOut):
    year: int
    late: bool
    meets_obligations: bool

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.report.year)

    @staticmethod
    def resolve_meets_obligations(obj: Any) -> bool:
        return bool(obj.report.meets_obligations)


class HostApplicationIn(InputSchema):
    tours_offered: str = Field(..., min_length=1, max_length=5000, json_schema_extra={"pattern": NON_BLANK_PATTERN})
    capacity: int = Field(..., ge=1, le=1000)
    contact_name: str = Field(..., min_length=1, max_length=200, json_schema_extra={"pattern": NON_BLANK_PATTERN})
    contact_email: str = Field(..., min_length=3, max_length=254, json_schema_extra={"pattern": NON_BLANK_PATTERN})
    contact_phone: str = Field("", max_length=40)


# --- handlers ----------------------------------------------------------------------------------------------------


def _application(organisation: Any, pk: int) -> Application:
    app = (
        Application.objects.filter(organisation=organisation, pk=pk)
        .select_related("kind", "site")
        .prefetch_related("documents", "events")
        .first()
    )
    if app is None:
        raise NotFound("not_found", _("There is no such application."))
    return app


def _site(slug: str | None) -> Site | None:
    if not slug:
        return None
    site = Site.objects.filter(slug=slug).first()
    if site is None:
        raise NotFound("site_not_found", _("There is no such site."))
    return site


@router.get("/company", response={200: CompanyOut, **READ}, auth=AUTH, summary=gettext_noop("The token's organisation"))
def company(request: HttpRequest) -> Any:
    _user, org = _ctx(request)
    return {
        **{f: getattr(org, f) for f in ("id", "short_name", "full_name", "inn", "website", "description")},
        "is_host": selectors.is_host_organisation(org.pk),
    }


@router.get(
    "/company/applications",
    response={200: list[ApplicationOut], **READ},
    auth=AUTH,
    summary=gettext_noop("The organisation's status applications"),
)
@paginate(Pagination)
def list_applications(request: HttpRequest) -> Any:
    _user, org = _ctx(request)
    return (
        Application.objects.filter(organisation=org)
        .select_related("kind", "site")
        .prefetch_related("documents", "events")
        .order_by("-stage_changed_at", "-id")
    )


@router.post(
    "/company/applications",
    response={201: ApplicationOut, **WRITE_ERRORS},
    auth=AUTH,
    summary=gettext_noop("Start a status application (a draft)"),
)
def create_application(request: HttpRequest, payload: ApplicationIn) -> Any:
    user, org = _ctx(request)
    kind = StatusKind.objects.filter(code=payload.kind).first()
    if kind is None:
        raise NotFound("kind_not_found", _("There is no such kind of status."))
    app = services.application_create(actor=user, organisation=org, kind=kind, site=_site(payload.site))
    if payload.answers:
        services.application_save_answers(actor=user, application=app, answers=payload.answers)
    return Reply(201, _application(org, app.pk))


@router.get(
    "/company/applications/{application_id}",
    response={200: ApplicationOut, **READ},
    auth=AUTH,
    summary=gettext_noop("One application with its documents and history"),
)
def get_application(request: HttpRequest, application_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    _user, org = _ctx(request)
    return _application(org, application_id)


@router.put(
    "/company/applications/{application_id}/answers",
    response={200: ApplicationOut, **WRITE_ERRORS},
    auth=AUTH,
    summary=gettext_noop("Replace the questionnaire answers (draft or when information was requested)"),
)
def put_answers(request: HttpRequest, payload: AnswersIn, application_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    user, org = _ctx(request)
    services.application_save_answers(
        actor=user, application=_application(org, application_id), answers=payload.answers
    )
    return _application(org, application_id)


@router.post(
    "/company/applications/{application_id}/documents",
    response={201: DocumentOut, **WRITE_ERRORS},
    auth=AUTH,
    summary=gettext_noop("Attach a document (PDF, PNG or JPEG; its content is checked, not only its name)"),
)
def add_document(
    request: HttpRequest,
    application_id: int = Path(..., ge=1, le=MAX_ID),
    file: UploadedFile = File(...),  # noqa: B008
) -> Any:
    user, org = _ctx(request)
    doc = services.application_add_document(actor=user, application=_application(org, application_id), upload=file)
    return Reply(201, doc)


@router.post(
    "/company/applications/{application_id}/submit",
    response={200: ApplicationOut, **WRITE_ERRORS},
    auth=AUTH,
    summary=gettext_noop("Submit the draft to the department (once)"),
)
def submit_application(request: HttpRequest, application_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    user, org = _ctx(request)
    services.application_submit(actor=user, application=_application(org, application_id))
    return _application(org, application_id)


@router.post(
    "/company/applications/{application_id}/answer",
    response={200: ApplicationOut, **WRITE_ERRORS},
    auth=AUTH,
    summary=gettext_noop("Answer the department's request for more information"),
)
def answer_application(
    request: HttpRequest, payload: MessageIn, application_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    user, org = _ctx(request)
    services.application_answer(actor=user, application=_application(org, application_id), message=payload.message)
    return _application(org, application_id)


@router.get(
    "/company/profile-proposals",
    response={200: list[ProfileProposalOut], **READ},
    auth=AUTH,
    summary=gettext_noop("The organisation's profile change proposals and their decisions"),
)
@paginate(Pagination)
def list_profile_proposals(request: HttpRequest) -> Any:
    _user, org = _ctx(request)
    return ProfileProposal.objects.filter(organisation=org).order_by("-created_at", "-id")


@router.get(
    "/company/host-applications",
    response={200: list[DecisionOut], **READ},
    auth=AUTH,
    summary=gettext_noop("The organisation's applications to host tours and their decisions"),
)
@paginate(Pagination)
def list_host_applications(request: HttpRequest) -> Any:
    _user, org = _ctx(request)
    return HostApplication.objects.filter(organisation=org).order_by("-created_at", "-id")


@router.post(
    "/company/profile-proposals",
    response={201: ProfileProposalOut, **WRITE_ERRORS},
    auth=AUTH,
    summary=gettext_noop("Propose changes to the public profile (an operator decides)"),
)
def propose_profile(request: HttpRequest, payload: ProfileIn) -> Any:
    user, org = _ctx(request)
    changes = {k: v for k, v in payload.model_dump().items() if v is not None}
    _site(changes.get("site"))
    try:
        return Reply(201, services.profile_propose(actor=user, organisation=org, changes=changes))
    except Refused as refusal:
        if refusal.code == "nothing_changed":  # the profile already is what is proposed: a conflict, not bad input
            raise Refused(refusal.code, str(refusal.message), status=409) from refusal
        raise


@router.get(
    "/company/production-reports",
    response={200: list[ProductionReportOut], **READ},
    auth=AUTH,
    summary=gettext_noop("Productions reported by the organisation and their decisions"),
)
@paginate(Pagination)
def list_production_reports(request: HttpRequest) -> Any:
    _user, org = _ctx(request)
    return ProductionReport.objects.filter(organisation=org).order_by("-created_at", "-id")


@router.post(
    "/company/production-reports",
    response={201: ProductionReportOut, **WRITE_ERRORS},
    auth=AUTH,
    summary=gettext_noop("Report a production (an operator decides)"),
)
def report_production(request: HttpRequest, payload: ProductionReportIn) -> Any:
    user, org = _ctx(request)
    data = payload.model_dump()
    data["site"] = _site(data.get("site"))
    if data["opened_on"] and data["opened_on"] > timezone.localdate() + timedelta(days=366):
        # Declared, but not yet: like a registration that is `not_yet_open`, a conflict with today, not bad input.
        raise Refused("not_yet_reportable", _("Enter a real date."), status=409)
    return Reply(
        201, services.production_report_create(actor=user, organisation=org, product=data.pop("product"), **data)
    )


@router.get(
    "/company/statuses",
    response={200: list[StatusOut], **READ},
    auth=AUTH,
    summary=gettext_noop("The organisation's statuses and the annual report due for each"),
)
def list_statuses(request: HttpRequest) -> Any:
    _user, org = _ctx(request)
    return [
        {
            "id": d.status.pk,
            "kind": d.status.kind.code,
            "state": d.status.state,
            "granted_on": d.status.granted_on,
            "valid_until": d.status.valid_until,
            "report_year": d.year,
            "report_deadline": d.deadline,
            "report_open": not d.upcoming,
            "report_asks_output": d.asks_output,
            "report_filed": d.report is not None,
            "report_overdue": d.overdue,
        }
        for d in selectors.reports_due(org)
    ]


@router.post(
    "/company/statuses/{status_id}/reports",
    response={201: ReportOut, **WRITE_ERRORS},
    auth=AUTH,
    summary=gettext_noop("File the annual report of a status"),
)
def file_report(request: HttpRequest, payload: ReportIn, status_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    user, org = _ctx(request)
    status = Status.objects.filter(pk=status_id, holder=org).select_related("kind", "holder").first()
    if status is None:
        raise NotFound("not_found", _("There is no such status."))
    data = payload.model_dump()
    data.update(investment=to_money(data["investment"]), output=to_money(data["output"]))
    filing = services.annual_report_file(actor=user, status=status, **data)
    return Reply(201, filing)


@router.post(
    "/company/host-application",
    response={201: DecisionOut, **WRITE_ERRORS},
    auth=AUTH,
    summary=gettext_noop("Apply to host factory tours (Open#Mosprom)"),
)
def apply_host(request: HttpRequest, payload: HostApplicationIn) -> Any:
    user, org = _ctx(request)
    return Reply(201, services.host_application_submit(actor=user, organisation=org, **payload.model_dump()))
