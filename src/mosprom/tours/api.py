"""Public read API of tours and sessions (with seats left), and registration through the same service."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from mosprom.core.api_errors import ApiError

from . import selectors, services
from .models import Session, Tour

router = Router(tags=["tours"])


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
    registration_open: bool = Field(description="Whether registration is still open (the lead-time rule).")
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


class RegistrationIn(Schema):
    name: str = Field(description="Visitor's name.")
    email: str = Field(description="E-mail for the confirmation link and the ticket.")
    phone: str = Field(description="Phone, Russian or international format.")
    party_size: int = Field(1, description="People in the party, including the visitor.")
    group_name: str = Field("", description="School or organisation for organised groups.")
    group_leader: str = Field("", description="Group leader.")
    consent: bool = Field(description="Consent to the processing of personal data (must be true).")


class RegistrationOut(Schema):
    state: str = Field(description="`held` until the visitor opens the link in the e-mail; then `confirmed`.")
    created: bool = Field(description="False when this e-mail was already registered (the e-mail is re-sent).")
    party_size: int
    hold_expires_at: datetime | None = Field(None, description="Held seats are released at this moment.")


def _session_out(session: Session, now: datetime) -> dict[str, Any]:
    closes = services.registration_closes_at(session)
    return {
        "id": session.pk,
        "tour": session.tour.slug,
        "starts_at": session.starts_at,
        "capacity": session.capacity,
        "seats_left": getattr(session, "seats_left", 0),
        "state": session.state,
        "registration_open": session.state == Session.State.SCHEDULED and now < closes,
        "registration_closes_at": closes,
    }


def _tour_out(tour: Tour, now: datetime) -> dict[str, Any]:
    nxt = getattr(tour, "next_session", None)
    if nxt is not None:
        nxt.tour = tour
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
        "next_session": _session_out(nxt, now) if nxt is not None and getattr(nxt, "is_open", False) else None,
    }


@router.get("/tours", response=list[TourOut], summary="Published tours with their next session")
@paginate(PageNumberPagination, page_size=20)
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


@router.get("/tours/{slug}", response=TourDetailOut, summary="One published tour with its upcoming sessions")
def get_tour(request: HttpRequest, slug: str) -> dict[str, Any]:
    tour = selectors.tour_detail_public(slug=slug)
    if tour is None:
        raise ApiError(404, "not_found", _("No published tour has this identifier."))
    now = timezone.now()
    sessions = selectors.tour_sessions_public(tour, now=now)
    for s in sessions:
        s.tour = tour
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


@router.get("/tour-sessions", response=list[SessionOut], summary="Upcoming sessions with seats left")
@paginate(PageNumberPagination, page_size=50)
def list_sessions(request: HttpRequest, filters: Query[SessionFilters]) -> Any:
    now = timezone.now()
    qs = selectors.upcoming_sessions(now=now).select_related("tour")
    if filters.tour:
        qs = qs.filter(tour__slug=filters.tour)
    if filters.date_from:
        qs = qs.filter(starts_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(starts_at__date__lte=filters.date_to)
    if filters.free:
        qs = qs.filter(**{"seats_left__gt": 0}).filter(starts_at__gte=selectors.closes_after(now))
    return _LazySessions(qs, now)


class _LazySessions(_LazyTours):
    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_session_out(s, self.now) for s in self.qs[item]]


@router.get("/tour-sessions/{session_id}", response=SessionOut, summary="One session with seats left")
def get_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    now = timezone.now()
    session = (
        selectors.with_seats(Session.objects.filter(tour__state=Tour.State.PUBLISHED), now=now)
        .select_related("tour")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise ApiError(404, "not_found", _("No session has this id."))
    return _session_out(session, now)


@router.post(
    "/tour-sessions/{session_id}/registrations",
    response={201: RegistrationOut, 200: RegistrationOut},
    summary="Register for a session (the confirmation link is e-mailed)",
)
def register(request: HttpRequest, session_id: int, payload: RegistrationIn) -> Status[dict[str, Any]]:
    if not Session.objects.filter(pk=session_id, tour__state=Tour.State.PUBLISHED).exists():
        raise ApiError(404, "not_found", _("No session has this id."))
    try:
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
        )
    except services.NotEnoughSeats as exc:
        raise ApiError(409, "not_enough_seats", exc.messages[0], {"seats_left": exc.seats_left}) from exc
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise ApiError(409, exc.code or "refused", " ".join(exc.messages)) from exc
        raise
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
