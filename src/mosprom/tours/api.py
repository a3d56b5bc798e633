"""Public read API of tours and sessions (with seats left), and registration through the same service."""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from mosprom.core import limits
from mosprom.core.api_kit import NON_BLANK_PATTERN, READ_ERRORS, WRITE_ERRORS, InputSchema, Pagination
from mosprom.core.errors import NotFound

from . import rules, selectors, services
from .models import Session, Tour

router = Router(tags=["tours"])

PHONE_PATTERN = r"^\+7[ -]?\(?9[0-9]{2}\)?[ -]?[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{2}$"
MAX_ID = 2**31 - 1


class TourFilters(Schema):
    q: str = Field("", description="Words to find in the title, description, host or address (case and ё folded).")
    format: str = Field("", description="Format slug, e.g. `excursion`, `lecture`, `master-class`.")
    industry: str = Field("", description="Industry slug of the host company.")
    site: str = Field("", description="Site slug.")
    district: str = Field("", description="Administrative district code, e.g. `zao`.")
    date_from: date | None = Field(None, description="Only tours with a session on or after this date.")
    date_to: date | None = Field(None, description="Only tours with a session on or before this date.")
    free: bool = Field(False, description="Only tours with a session still open for registration and free seats.")
    age: int | None = Field(None, ge=0, le=120, description="Age of the youngest visitor: tours allowed for that age.")


class SessionFilters(Schema):
    tour: str = Field("", description="Tour slug.")
    date_from: date | None = Field(None, description="Sessions on or after this date (Moscow time).")
    date_to: date | None = Field(None, description="Sessions on or before this date (Moscow time).")
    free: bool = Field(False, description="Only sessions open for registration with free seats.")


class SessionOut(Schema):
    id: int = Field(description="Session id.")
    tour: str = Field(description="Tour slug.")
    starts_at: datetime = Field(description="Start, with time zone.")
    capacity: int = Field(description="Seats in total.")
    seats_left: int = Field(description="Free seats now (capacity minus held, confirmed and offered seats).")
    state: str = Field(description="`scheduled` or `cancelled`.")
    registration_open: bool = Field(
        description="Whether a visitor can register now: tour and session state, lead time and the season's opening."
    )
    registration_refusal: str | None = Field(
        None,
        description="When registration is not open, the stable code a registration would be refused with "
        "(`not_yet_open`, `closed`, `session_started`, `session_cancelled`, `tour_not_published`).",
    )
    registration_closes_at: datetime = Field(description="When registration closes (Moscow midnight N days before).")


class TourOut(Schema):
    id: int
    slug: str = Field(description="Stable identifier used in URLs.")
    title: str
    host: str = Field(description="Short name of the host company.")
    host_is_demo: bool = Field(description="True for synthetic demo hosts.")
    format: str = Field(description="Format slug.")
    format_name: str = Field(description="Format name in the request language.")
    online: bool = Field(description="Online event (the link comes with the ticket).")
    site: str | None = Field(None, description="Site slug, if the tour is at a site of the registry.")
    address: str
    min_age: int = Field(description="Minimum age in years (0: any).")
    duration_minutes: int
    url: str = Field(description="Public page of the tour.")
    next_session: SessionOut | None = Field(None, description="The next session open for registration, if any.")


class TourDetailOut(TourOut):
    description: str
    meeting_point: str
    accessibility: str
    what_to_bring: str
    sessions: list[SessionOut] = Field(description="Upcoming sessions.")


class RegistrationIn(InputSchema):
    name: str = Field(
        description="Visitor's name (at least one character other than a space).",
        min_length=1,
        json_schema_extra={"pattern": NON_BLANK_PATTERN},  # enforced by rules.validate_visitor (422)
        examples=["Анна Петрова"],
    )
    email: str = Field(
        description="E-mail for the confirmation link and the ticket.",
        json_schema_extra={"format": "email"},
        examples=["anna@example.com"],
    )
    phone: str = Field(
        description="Phone. Declared: a Russian mobile number (`+7 9XX XXX-XX-XX`, spaces, brackets and dashes "
        "optional); any other number valid in Russia or abroad is accepted as well.",
        json_schema_extra={"pattern": PHONE_PATTERN},
        examples=["+7 916 123-45-67"],
    )
    party_size: int = Field(
        1, ge=1, le=settings.TOURS_MAX_PARTY_SIZE, description="People in the party, including the visitor."
    )
    group_name: str = Field("", description="School or organisation for organised groups.")
    group_leader: str = Field("", description="Group leader.")
    consent: bool = Field(
        description="Consent to the processing of personal data (must be true: false is refused with 422).",
        json_schema_extra={"const": True},
    )


class RegistrationOut(Schema):
    state: str = Field(description="`held` until the visitor opens the link in the e-mail; then `confirmed`.")
    created: bool = Field(description="False when this e-mail was already registered (the e-mail is re-sent).")
    party_size: int
    hold_expires_at: datetime | None = Field(None, description="Held seats are released at this moment.")


def _session_out(session: Session, now: datetime) -> dict[str, Any]:
    state = getattr(session, "registration", None) or rules.registration_state(session, now=now)
    return {
        "id": session.pk,
        "tour": session.tour.slug,
        "starts_at": session.starts_at,
        "capacity": session.capacity,
        "seats_left": getattr(session, "seats_left", 0),
        "state": session.state,
        "registration_open": state.is_open,
        "registration_refusal": None if state.is_open else state.code,
        "registration_closes_at": rules.registration_closes_at(session.starts_at),
    }


def _tour_out(tour: Tour, now: datetime) -> dict[str, Any]:
    nxt = getattr(tour, "next_session", None)
    return {
        "id": tour.pk,
        "slug": tour.slug,
        "title": tour.title,
        "host": tour.host.short_name,
        "host_is_demo": tour.host.is_demo,
        "format": tour.format.slug,
        "format_name": tour.format.display_name,
        "online": tour.format.is_online,
        "site": tour.site.slug if tour.site else None,
        "address": tour.address,
        "min_age": tour.min_age,
        "duration_minutes": tour.duration_minutes,
        "url": tour.get_absolute_url(),
        "next_session": _session_out(nxt, now) if nxt is not None and nxt.is_open else None,
    }


@router.get(
    "/tours",
    response={200: list[TourOut], **READ_ERRORS},
    summary=gettext_noop("Published tours with their next session"),
)
@paginate(Pagination, page_size=20)
def list_tours(request: HttpRequest, filters: Query[TourFilters]) -> Any:
    now = timezone.now()
    qs = selectors.tour_list_public(
        q=filters.q,
        format_slug=filters.format,
        industry=filters.industry,
        site=filters.site,
        district=filters.district,
        date_from=filters.date_from,
        date_to=filters.date_to,
        free_only=filters.free,
        age=filters.age,
        now=now,
    )
    return _LazyTours(qs, now)


class _LazyTours:
    """Lets the paginator slice the queryset, then attaches the next sessions to that page only."""

    def __init__(self, qs: Any, now: datetime) -> None:
        self.qs = qs
        self.now = now

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        tours = list(self.qs[item])
        selectors.attach_next_sessions(tours, now=self.now)
        return [_tour_out(t, self.now) for t in tours]


@router.get(
    "/tours/{slug}",
    response={200: TourDetailOut, **READ_ERRORS},
    summary=gettext_noop("One published tour with its upcoming sessions"),
)
def get_tour(request: HttpRequest, slug: str) -> dict[str, Any]:
    tour = selectors.tour_detail_public(slug=slug)
    if tour is None:
        raise NotFound("not_found", _("No published tour has this identifier."))
    now = timezone.now()
    sessions = selectors.tour_sessions_public(tour, now=now)
    selectors.attach_next_sessions([tour], now=now)
    body = _tour_out(tour, now)
    body.update(
        {
            "description": tour.description,
            "meeting_point": tour.meeting_point,
            "accessibility": tour.accessibility,
            "what_to_bring": tour.what_to_bring,
            "sessions": [_session_out(s, now) for s in sessions],
        }
    )
    return body


@router.get(
    "/tour-sessions",
    response={200: list[SessionOut], **READ_ERRORS},
    summary=gettext_noop("Upcoming sessions with seats left"),
)
@paginate(Pagination, page_size=50)
def list_sessions(request: HttpRequest, filters: Query[SessionFilters]) -> Any:
    now = timezone.now()
    qs = selectors.session_list_public(
        tour_slug=filters.tour,
        date_from=filters.date_from,
        date_to=filters.date_to,
        free_only=filters.free,
        now=now,
    )
    return _LazySessions(qs, now)


class _LazySessions(_LazyTours):
    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        sessions = selectors.with_registration_state(self.qs[item], now=self.now)
        return [_session_out(s, self.now) for s in sessions]


@router.get(
    "/tour-sessions/{session_id}",
    response={200: SessionOut, **READ_ERRORS},
    summary=gettext_noop("One session with seats left"),
)
def get_session(request: HttpRequest, session_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    now = timezone.now()
    session = selectors.session_public(session_id=session_id, now=now)
    if session is None:
        raise NotFound("not_found", _("No session has this id."))
    return _session_out(session, now)


@router.post(
    "/tour-sessions/{session_id}/registrations",
    response={201: RegistrationOut, 200: RegistrationOut, **WRITE_ERRORS},
    summary=gettext_noop("Register for a session (the confirmation link is e-mailed)"),
    description="Refusals answer `{code, message, details}`: 409 `not_enough_seats` (with `details.seats_left`), "
    "`not_yet_open`, `closed`, `session_started`, `session_cancelled`; 422 for invalid fields; 404 for an "
    "unknown session.",
)
def register(
    request: HttpRequest, payload: RegistrationIn, session_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[dict[str, Any]]:
    if not selectors.public_session_exists(session_id=session_id):
        raise NotFound("not_found", _("No session has this id."))
    limits.throttle(request, "registration", email=payload.email)
    seats = payload.party_size or 1
    limits.check_held_seats(request, session_id=session_id, email=payload.email, seats=seats)
    outcome = services.registration_create(
        session_id=session_id,
        name=payload.name,
        email=payload.email,
        phone=payload.phone,
        party_size=payload.party_size,
        consent=payload.consent,
        group_name=payload.group_name,
        group_leader=payload.group_leader,
        language=get_language() or "ru",
        actor=request.user if getattr(request, "user", None) else None,
    )
    if outcome.created:
        limits.add_held_seats(request, session_id=session_id, email=payload.email, seats=seats)
    r = outcome.registration
    return Status(
        201 if outcome.created else 200,
        {
            "state": r.state,
            "created": outcome.created,
            "party_size": r.party_size,
            "hold_expires_at": r.hold_expires_at,
        },
    )
