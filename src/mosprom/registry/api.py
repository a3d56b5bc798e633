"""Registry API: sites, organisations, productions and statuses; operator writes through the same services."""

from datetime import date
from enum import Enum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as Reply

from mosprom.core.api_auth import OperatorTokenAuth
from mosprom.core.api_kit import (
    DATE_WINDOW_PATTERN,
    READ_ERRORS,
    WEBSITE_HELP,
    WEBSITE_PATTERN,
    WRITE_ERRORS,
    InputSchema,
    Pagination,
    money_field,
    to_money,
)
from mosprom.core.errors import NotFound, Refused

from . import rules, selectors, services
from .models import Industry, Organisation, Production, Site, Status

router = Router(tags=["registry"])

SLUG = r"^[-a-zA-Z0-9_]+$"

# Distinct enum names: Site.Kind and Organisation.Kind would both become «Kind» in the OpenAPI components.
SiteKind = Enum("SiteKind", {k.name: k.value for k in Site.Kind}, type=str)  # type: ignore[misc]
OrganisationKind = Enum("OrganisationKind", {k.name: k.value for k in Organisation.Kind}, type=str)  # type: ignore[misc]
StatusState = Enum("StatusState", {k.name: k.value for k in Status.State}, type=str)  # type: ignore[misc]
MAX_ID = 2**31 - 1
# The digits of an INN/OGRN are declared; their check digits cannot be (no JSON Schema can compute a checksum):
# digits that pass the pattern but fail the checksum name no taxpayer and are answered 409 `invalid_inn`/`invalid_ogrn`.
INN = r"^(?:[0-9]{10}|[0-9]{12})?$"
OGRN = r"^(?:[0-9]{13}|[0-9]{15})?$"
INN_HELP = "INN: 10 or 12 digits; wrong check digits: 409 `invalid_inn`."
OPENED_ON_HELP = "Date the production opened, from 1900-01-01 to 2100-12-31."
OGRN_HELP = "OGRN: 13 or 15 digits; wrong check digits: 409 `invalid_ogrn`."


# --- schemas -------------------------------------------------------------------------------------


class SiteOut(Schema):
    id: int
    slug: str = Field(..., examples=["rudnevo"])
    name: str = Field(..., examples=["Руднево"])
    kind: SiteKind = Field(..., description="Kind of site.")
    parent: str | None = Field(
        None, description="Slug of the site this one belongs to.", examples=["technopolis-moscow"]
    )
    district: str = Field("", description="Administrative district code (empty when unknown).")
    address: str = ""
    latitude: float | None = Field(None, ge=-90, le=90, examples=[55.722])
    longitude: float | None = Field(None, ge=-180, le=180, examples=[37.893])
    description: str = ""
    website: str = ""
    is_demo: bool = Field(..., description="True for synthetic demo records.")
    resident_count: int = Field(0, description="Current residents of this site (not of its sub-sites).")
    production_count: int = Field(0, description="Productions at this site (not at its sub-sites).")

    @staticmethod
    def resolve_parent(obj: Site) -> str | None:
        return obj.parent.slug if obj.parent_id and obj.parent else None

    @staticmethod
    def resolve_latitude(obj: Site) -> float | None:
        return float(obj.latitude) if obj.latitude is not None else None

    @staticmethod
    def resolve_longitude(obj: Site) -> float | None:
        return float(obj.longitude) if obj.longitude is not None else None

    @staticmethod
    def resolve_resident_count(obj: Site) -> int:
        return int(getattr(obj, "resident_count", 0) or 0)

    @staticmethod
    def resolve_production_count(obj: Site) -> int:
        return int(getattr(obj, "production_count", 0) or 0)


class SiteDetailOut(SiteOut):
    children: list[str] = Field(default_factory=list, description="Slugs of the sites inside this one.")

    @staticmethod
    def resolve_children(obj: Site) -> list[str]:
        return list(obj.children.order_by("name").values_list("slug", flat=True))


class OrganisationOut(Schema):
    id: int
    slug: str = Field(..., examples=["renera"])
    short_name: str = Field(..., examples=["«Рэнера»"])
    full_name: str
    kind: OrganisationKind
    inn: str | None = Field(None, description="INN (10 or 12 digits).", examples=["7706413348"])
    ogrn: str | None = Field(None, description="OGRN (13 or 15 digits).")
    parent: str | None = Field(None, description="Slug of the parent organisation.", examples=["rosatom"])
    industry: str | None = Field(None, description="Slug of the industry.", examples=["energy-storage"])
    website: str = ""
    employees: int | None = Field(None, ge=0, description="Employees in Moscow.")
    description: str = ""
    name_variants: list[str] = Field(default_factory=list)
    is_demo: bool

    @staticmethod
    def resolve_parent(obj: Organisation) -> str | None:
        return obj.parent.slug if obj.parent_id and obj.parent else None

    @staticmethod
    def resolve_industry(obj: Organisation) -> str | None:
        return obj.industry.slug if obj.industry_id and obj.industry else None

    @staticmethod
    def resolve_name_variants(obj: Organisation) -> list[str]:
        return [str(v) for v in (obj.name_variants or [])]


class OrganisationIn(InputSchema):
    short_name: str = Field(..., min_length=1, max_length=200, examples=["ООО «Пример»"])
    full_name: str = Field("", max_length=400)
    slug: str = Field("", max_length=120, pattern=r"^[-a-zA-Z0-9_]*$", description="Made from the name when empty.")
    kind: OrganisationKind = OrganisationKind.COMPANY  # type: ignore[attr-defined]
    inn: str | None = Field(None, pattern=INN, description=INN_HELP, examples=["7706413348"])
    ogrn: str | None = Field(None, pattern=OGRN, description=OGRN_HELP)
    parent: str | None = Field(None, max_length=120, pattern=SLUG, description="Slug of the parent organisation.")
    industry: str | None = Field(None, max_length=120, pattern=SLUG, description="Slug of the industry.")
    website: str = Field("", max_length=200, description=WEBSITE_HELP, json_schema_extra={"pattern": WEBSITE_PATTERN})
    employees: int | None = Field(None, ge=0, le=10_000_000)
    description: str = Field("", max_length=10_000)
    name_variants: list[str] = Field(default_factory=list, max_length=50)


class OrganisationPatch(InputSchema):
    short_name: str | None = Field(None, min_length=1, max_length=200)
    full_name: str | None = Field(None, min_length=1, max_length=400)
    kind: OrganisationKind | None = None
    inn: str | None = Field(None, pattern=INN, description=INN_HELP)
    ogrn: str | None = Field(None, pattern=OGRN, description=OGRN_HELP)
    parent: str | None = Field(None, max_length=120, pattern=SLUG)
    industry: str | None = Field(None, max_length=120, pattern=SLUG)
    website: str | None = Field(
        None, max_length=200, description=WEBSITE_HELP, json_schema_extra={"pattern": WEBSITE_PATTERN}
    )
    employees: int | None = Field(None, ge=0, le=10_000_000)
    description: str | None = Field(None, max_length=10_000)
    name_variants: list[str] | None = Field(None, max_length=50)


class ProductionOut(Schema):
    id: int
    product: str = Field(..., examples=["Банкоматы"])
    organisation: str = Field(..., description="Slug of the organisation.", examples=["rudnevo-atm"])
    organisation_name: str
    site: str | None = Field(None, description="Slug of the site.", examples=["rudnevo"])
    industry: str | None = Field(None, description="Slug of the industry.")
    opened_on: date | None = Field(None, examples=["2023-07-01"])
    import_substitution: bool
    no_domestic_analogue: bool
    jobs: int | None = Field(None, ge=0)
    investment: float | None = Field(None, ge=0, description="Investment, million roubles.")
    description: str = ""
    source: str = ""
    is_demo: bool

    @staticmethod
    def resolve_organisation(obj: Production) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_organisation_name(obj: Production) -> str:
        return obj.organisation.short_name

    @staticmethod
    def resolve_site(obj: Production) -> str | None:
        return obj.site.slug if obj.site_id and obj.site else None

    @staticmethod
    def resolve_industry(obj: Production) -> str | None:
        return obj.industry.slug if obj.industry_id and obj.industry else None

    @staticmethod
    def resolve_investment(obj: Production) -> float | None:
        return float(obj.investment) if obj.investment is not None else None


class ProductionIn(InputSchema):
    organisation: str = Field(..., max_length=120, pattern=SLUG, examples=["renera"])
    product: str = Field(..., min_length=1, max_length=300, examples=["Накопители энергии"])
    site: str | None = Field(None, max_length=120, pattern=SLUG, examples=["rudnevo"])
    industry: str | None = Field(None, max_length=120, pattern=SLUG)
    opened_on: date | None = Field(
        None,
        ge=date(1900, 1, 1),
        le=date(2100, 12, 31),
        json_schema_extra={"pattern": DATE_WINDOW_PATTERN},
        description=OPENED_ON_HELP,
    )
    import_substitution: bool = False
    no_domestic_analogue: bool = False
    jobs: int | None = Field(None, ge=0, le=10_000_000)
    investment: float | None = money_field(None, le=999_999_999_999, description="Investment, million roubles.")
    description: str = Field("", max_length=10_000)


class ProductionPatch(InputSchema):
    product: str | None = Field(None, min_length=1, max_length=300)
    site: str | None = Field(None, max_length=120, pattern=SLUG)
    industry: str | None = Field(None, max_length=120, pattern=SLUG)
    opened_on: date | None = Field(
        None,
        ge=date(1900, 1, 1),
        le=date(2100, 12, 31),
        json_schema_extra={"pattern": DATE_WINDOW_PATTERN},
        description=OPENED_ON_HELP,
    )
    import_substitution: bool | None = None
    no_domestic_analogue: bool | None = None
    jobs: int | None = Field(None, ge=0, le=10_000_000)
    investment: float | None = money_field(None, le=999_999_999_999, description="Investment, million roubles.")
    description: str | None = Field(None, max_length=10_000)


def _term(obj: Status) -> rules.StatusTerm:
    term = getattr(obj, "term", None)
    if term is None:
        term = obj.term = rules.status_term(obj, timezone.localdate())  # type: ignore[attr-defined]
    return term


class StatusOut(Schema):
    id: int
    kind: str = Field(..., description="Code of the kind of status.", examples=["city-technopark"])
    kind_name: str = Field(..., examples=["Городской технопарк"])
    holder: str = Field(..., description="Slug of the holder organisation.")
    holder_name: str
    site: str | None = None
    number: str = ""
    granted_on: date
    valid_until: date | None = None
    state: StatusState = Field(..., description="Stored state: active, flagged, revoked or expired.")
    effective_state: StatusState = Field(
        ..., description="State today: a held status past its end date is `expired` (see `in_force`)."
    )
    in_force: bool = Field(..., description="Held (active or flagged) and not past `valid_until`, as of today.")
    days_left: int | None = Field(None, ge=0, description="Days until `valid_until` while in force; null if none.")
    expiring: bool = Field(..., description="In force and ends within REGISTRY_STATUS_EXPIRING_DAYS days.")
    term_years: int | None = Field(None, description="Term the kind of status is granted for, in years.")
    benefits: str = Field("", description="Benefits (льготы) that come with this kind of status.")
    flag_reason: str = ""
    obliged_jobs: int = Field(..., ge=0)
    obliged_productions: int = Field(..., ge=0)
    obliged_investment: float = Field(..., ge=0, description="Million roubles.")
    is_demo: bool

    @staticmethod
    def resolve_kind(obj: Status) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj: Status) -> str:
        return obj.kind.name

    @staticmethod
    def resolve_holder(obj: Status) -> str:
        return obj.holder.slug

    @staticmethod
    def resolve_holder_name(obj: Status) -> str:
        return obj.holder.short_name

    @staticmethod
    def resolve_site(obj: Status) -> str | None:
        return obj.site.slug if obj.site_id and obj.site else None

    @staticmethod
    def resolve_obliged_investment(obj: Status) -> float:
        return float(obj.obliged_investment)

    @staticmethod
    def resolve_effective_state(obj: Status) -> str:
        return _term(obj).state

    @staticmethod
    def resolve_in_force(obj: Status) -> bool:
        return _term(obj).in_force

    @staticmethod
    def resolve_days_left(obj: Status) -> int | None:
        return _term(obj).days_left

    @staticmethod
    def resolve_expiring(obj: Status) -> bool:
        return _term(obj).expiring

    @staticmethod
    def resolve_term_years(obj: Status) -> int | None:
        return obj.kind.term_years

    @staticmethod
    def resolve_benefits(obj: Status) -> str:
        return obj.kind.benefits


# --- helpers -------------------------------------------------------------------------------------


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """Enum members from the schemas become their plain values before they reach a service."""
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in data.items()}


def _ref(model: Any, slug: str | None, field: str, *, lookup: str = "slug") -> Any:
    if not slug:
        return None
    obj = model.objects.filter(**{lookup: slug}).first()
    if obj is None:
        message = _("There is no «%(value)s».") % {"value": slug}
        raise Refused("unknown_reference", message, status=404, details=[{"loc": ["body", field], "msg": message}])
    return obj


def _actor(request: HttpRequest) -> Any:
    """The owner of the API token that authenticated this write (set by OperatorTokenAuth)."""
    return getattr(request, "auth", None)


def _service_call(func: Any, **kwargs: Any) -> Any:
    """Run a service; a duplicate INN and check digits that name no taxpayer become 409 (`duplicate_inn`,
    `invalid_inn`, `invalid_ogrn`), other validation problems 422."""
    try:
        return func(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                for error in errors:
                    if error.code in ("duplicate_inn", "invalid_inn", "invalid_ogrn"):
                        message = " ".join(error.messages)
                        raise Refused(
                            error.code, message, status=409, details=[{"loc": ["body", field], "msg": message}]
                        ) from exc
        raise


# --- sites ---------------------------------------------------------------------------------------


@router.get("/sites", response={200: list[SiteOut], **READ_ERRORS}, summary=gettext_noop("List sites"))
@paginate(Pagination)
def list_sites(
    request: HttpRequest,
    kind: SiteKind | None = Query(None, description="Only sites of this kind."),  # noqa: B008
    parent: str | None = Query(None, max_length=120, pattern=SLUG, description="Only sites inside this site."),
    q: str | None = Query(None, max_length=200, description="Words to find in the name or address."),
) -> Any:
    try:
        return selectors.site_list(kind=kind.value if kind else "", parent=parent or "", q=q or "")
    except selectors.UnknownFilterValue:
        return Site.objects.none()  # a slug that names nothing matches nothing


@router.get("/sites/{slug}", response={200: SiteDetailOut, **READ_ERRORS}, summary=gettext_noop("One site"))
def get_site(request: HttpRequest, slug: str = Path(..., max_length=120, pattern=SLUG)) -> Any:
    site = selectors.site_list_annotated().filter(slug=slug).first()
    if site is None:
        raise NotFound("not_found", _("There is no such site."))
    return site


# --- organisations -------------------------------------------------------------------------------


@router.get(
    "/organisations", response={200: list[OrganisationOut], **READ_ERRORS}, summary=gettext_noop("List organisations")
)
@paginate(Pagination)
def list_organisations(
    request: HttpRequest,
    q: str | None = Query(None, max_length=200, description="Name, name variant or INN; case and ё/е folded."),
    kind: OrganisationKind | None = Query(None, description="Only organisations of this kind."),  # noqa: B008
    site: str | None = Query(None, max_length=120, pattern=SLUG, description="Residents of this site or its sites."),
    industry: str | None = Query(None, max_length=120, pattern=SLUG, description="Slug of the industry."),
) -> Any:
    try:
        return selectors.organisation_list(
            q=q or "", kind=kind.value if kind else "", site=site or "", industry=industry or ""
        )
    except selectors.UnknownFilterValue:
        return Organisation.objects.none()  # a slug that names nothing matches nothing


@router.get(
    "/organisations/{slug}", response={200: OrganisationOut, **READ_ERRORS}, summary=gettext_noop("One organisation")
)
def get_organisation(request: HttpRequest, slug: str = Path(..., max_length=120, pattern=SLUG)) -> Any:
    organisation = selectors.organisation_get(slug)
    if organisation is None:
        raise NotFound("not_found", _("There is no such organisation."))
    return organisation


@router.post(
    "/organisations",
    response={201: OrganisationOut, **WRITE_ERRORS},
    auth=OperatorTokenAuth(),
    summary=gettext_noop("Create an organisation (operators)"),
)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Any:
    data = _plain(payload.model_dump())
    with transaction.atomic():
        data["parent"] = _ref(Organisation, data.get("parent"), "parent")
        data["industry"] = _ref(Industry, data.get("industry"), "industry")
        organisation = _service_call(services.organisation_create, actor=_actor(request), **data)
    return Reply(201, organisation)


@router.patch(
    "/organisations/{slug}",
    response={200: OrganisationOut, **WRITE_ERRORS},
    auth=OperatorTokenAuth(),
    summary=gettext_noop("Update an organisation (operators)"),
)
def update_organisation(
    request: HttpRequest, payload: OrganisationPatch, slug: str = Path(..., max_length=120, pattern=SLUG)
) -> Any:
    organisation = selectors.organisation_get(slug)
    if organisation is None:
        raise NotFound("not_found", _("There is no such organisation."))
    data = _plain(payload.model_dump(exclude_unset=True))
    for required in ("short_name", "full_name", "kind"):
        if required in data and data[required] is None:
            data.pop(required)
    with transaction.atomic():
        if "parent" in data:
            data["parent"] = _ref(Organisation, data["parent"], "parent")
        if "industry" in data:
            data["industry"] = _ref(Industry, data["industry"], "industry")
        for text in ("website", "description"):
            if text in data and data[text] is None:
                data[text] = ""
        if "name_variants" in data and data["name_variants"] is None:
            data["name_variants"] = []
        organisation = _service_call(
            services.organisation_update, organisation=organisation, actor=_actor(request), **data
        )
    return Reply(200, organisation)


# --- productions ---------------------------------------------------------------------------------


@router.get(
    "/productions", response={200: list[ProductionOut], **READ_ERRORS}, summary=gettext_noop("List productions")
)
@paginate(Pagination)
def list_productions(
    request: HttpRequest,
    year: int | None = Query(None, ge=1900, le=2100, description="Year the production opened."),
    site: str | None = Query(None, max_length=120, pattern=SLUG, description="Site slug (includes its sites)."),
    industry: str | None = Query(None, max_length=120, pattern=SLUG, description="Industry slug."),
    organisation: str | None = Query(None, max_length=120, pattern=SLUG, description="Organisation slug."),
    import_substitution: bool | None = Query(None, description="Filter by the import-substitution flag."),
    no_domestic_analogue: bool | None = Query(None, description="Filter by the no-domestic-analogue flag."),
    q: str | None = Query(None, max_length=200, description="Words to find in the product."),
) -> Any:
    try:
        return selectors.production_list(
            year=year,
            site=site or "",
            industry=industry or "",
            organisation=organisation or "",
            import_substitution=import_substitution,
            no_domestic_analogue=no_domestic_analogue,
            q=q or "",
        )
    except selectors.UnknownFilterValue:
        return Production.objects.none()  # a slug that names nothing matches nothing


def _production(production_id: int) -> Production:
    production = selectors.production_get(production_id)
    if production is None:
        raise NotFound("not_found", _("There is no such production."))
    return production


@router.get(
    "/productions/{production_id}", response={200: ProductionOut, **READ_ERRORS}, summary=gettext_noop("One production")
)
def get_production(request: HttpRequest, production_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    return _production(production_id)


@router.post(
    "/productions",
    response={201: ProductionOut, **WRITE_ERRORS},
    auth=OperatorTokenAuth(),
    summary=gettext_noop("Create a production (operators)"),
)
def create_production(request: HttpRequest, payload: ProductionIn) -> Any:
    data = payload.model_dump()
    data["investment"] = to_money(data["investment"])
    with transaction.atomic():
        data["organisation"] = _ref(Organisation, data["organisation"], "organisation")
        data["site"] = _ref(Site, data.get("site"), "site")
        data["industry"] = _ref(Industry, data.get("industry"), "industry")
        production = _service_call(services.production_create, actor=_actor(request), **data)
    return Reply(201, _production(production.pk))


@router.patch(
    "/productions/{production_id}",
    response={200: ProductionOut, **WRITE_ERRORS},
    auth=OperatorTokenAuth(),
    summary=gettext_noop("Update a production (operators)"),
)
def update_production(
    request: HttpRequest, payload: ProductionPatch, production_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    production = _production(production_id)
    data = payload.model_dump(exclude_unset=True)
    for flag in ("product", "import_substitution", "no_domestic_analogue"):
        if flag in data and data[flag] is None:
            data.pop(flag)
    if "description" in data and data["description"] is None:
        data["description"] = ""
    if "investment" in data:
        data["investment"] = to_money(data["investment"])
    with transaction.atomic():
        if "site" in data:
            data["site"] = _ref(Site, data["site"], "site")
        if "industry" in data:
            data["industry"] = _ref(Industry, data["industry"], "industry")
        _service_call(services.production_update, production=production, actor=_actor(request), **data)
    return Reply(200, _production(production_id))


# --- statuses ------------------------------------------------------------------------------------


@router.get("/statuses", response={200: list[StatusOut], **READ_ERRORS}, summary=gettext_noop("List statuses"))
@paginate(Pagination)
def list_statuses(
    request: HttpRequest,
    kind: str | None = Query(None, max_length=60, pattern=SLUG, description="Code of the kind of status."),
    state: StatusState | None = Query(None, description="State of the status."),  # noqa: B008
    holder: str | None = Query(None, max_length=120, pattern=SLUG, description="Slug of the holder."),
    in_force: bool | None = Query(None, description="true: only statuses in force today; false: only the others."),
) -> Any:
    try:
        return selectors.status_list(
            kind=kind or "", state=state.value if state else "", holder=holder or "", in_force=in_force
        )
    except selectors.UnknownFilterValue:
        return Status.objects.none()  # a slug that names nothing matches nothing


@router.get("/statuses/{status_id}", response={200: StatusOut, **READ_ERRORS}, summary=gettext_noop("One status"))
def get_status(request: HttpRequest, status_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    status = selectors.status_get(status_id)
    if status is None:
        raise NotFound("not_found", _("There is no such status."))
    return status
