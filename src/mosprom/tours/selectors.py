"""Reads of the tours part. Seats left are computed here from the rows, never stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear, Greatest
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext as _

from mosprom.core.errors import Refused
from mosprom.core.roles import is_operator
from mosprom.registry import search
from mosprom.registry.models import Organisation
from mosprom.registry.roles import host_organisation_ids

from . import rules, tickets
from .models import Feedback, Format, Registration, Season, Session, Tour, WaitlistEntry

MOSCOW = rules.MOSCOW
BOOKED_REG_STATES = [Registration.State.CONFIRMED, Registration.State.CHECKED_IN]


# --- seats ------------------------------------------------------------------------------------------
#
# What takes a seat: a registration held, confirmed or checked in, and a waitlist offer (TAKING_* below). The
# services keep `Session.seats_taken` equal to that sum under the session lock (`seats_taken_recount` is the
# sum itself, for the recount and the tests). A hold or an offer past its deadline stops taking its seats at
# once, before the expiry task marks it: `seats_booked` and `with_seats` subtract those "lapsed" seats, so
# availability is exact to the second while the catalogue reads one stored figure per session.

TAKING_REG_STATES = [Registration.State.HELD, Registration.State.CONFIRMED, Registration.State.CHECKED_IN]
TAKING_ENTRY_STATES = [WaitlistEntry.State.OFFERED]


def _lapsed_registrations(now: datetime) -> QuerySet[Registration]:
    return Registration.objects.filter(state=Registration.State.HELD, hold_expires_at__lte=now)


def _lapsed_offers(now: datetime) -> QuerySet[WaitlistEntry]:
    return WaitlistEntry.objects.filter(state=WaitlistEntry.State.OFFERED, offer_expires_at__lte=now)


def seats_taken_recount(session_id: int) -> int:
    """The seats that the session's rows take, counted from the rows (what `Session.seats_taken` must equal)."""
    regs = Registration.objects.filter(session_id=session_id, state__in=TAKING_REG_STATES)
    offers = WaitlistEntry.objects.filter(session_id=session_id, state__in=TAKING_ENTRY_STATES)
    return int(regs.aggregate(s=Sum("party_size"))["s"] or 0) + int(offers.aggregate(s=Sum("party_size"))["s"] or 0)


def seats_taken_recount_expression() -> Any:
    """`seats_taken_recount` as an expression over Session rows (one UPDATE recounts any number of sessions)."""
    regs = (
        Registration.objects.filter(session=OuterRef("pk"), state__in=TAKING_REG_STATES)
        .order_by()
        .values("session")
        .annotate(s=Sum("party_size"))
        .values("s")
    )
    offers = (
        WaitlistEntry.objects.filter(session=OuterRef("pk"), state__in=TAKING_ENTRY_STATES)
        .order_by()
        .values("session")
        .annotate(s=Sum("party_size"))
        .values("s")
    )
    return Coalesce(Subquery(regs, output_field=IntegerField()), Value(0)) + Coalesce(
        Subquery(offers, output_field=IntegerField()), Value(0)
    )


def seats_lapsed(session_id: int, *, now: datetime) -> int:
    """Seats of holds and offers past their deadline that still count in the tally (the expiry task's work)."""
    at = connection.ops.adapt_datetimefield_value(now)
    # Only the models' own table names are interpolated; every value is a parameter.
    sql = (
        f"SELECT COALESCE((SELECT SUM(party_size) FROM {Registration._meta.db_table} WHERE session_id = %s"  # noqa: S608
        " AND state = %s AND hold_expires_at <= %s), 0)"
        f" + COALESCE((SELECT SUM(party_size) FROM {WaitlistEntry._meta.db_table} WHERE session_id = %s"
        " AND state = %s AND offer_expires_at <= %s), 0)"
    )
    params: list[Any] = [
        session_id,
        Registration.State.HELD.value,
        at,
        session_id,
        WaitlistEntry.State.OFFERED.value,
        at,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0] or 0)


def seats_booked(session: Session | int, *, now: datetime | None = None) -> int:
    """Held (unexpired) + confirmed + checked-in party sizes + unexpired waitlist offers.

    One hand-written statement (it runs in locked transactions, where the ORM's compilation cost more than the
    query): the session's stored tally minus its lapsed holds and offers. `with_seats` is the same figure for
    lists; tests prove they agree with a count over the rows.
    """
    now = now or timezone.now()
    session_id = session if isinstance(session, int) else session.pk
    at = connection.ops.adapt_datetimefield_value(now)
    # Only the models' own table names are interpolated; every value is a parameter.
    sql = (
        f"SELECT s.seats_taken - COALESCE((SELECT SUM(party_size) FROM {Registration._meta.db_table}"  # noqa: S608
        " WHERE session_id = s.id AND state = %s AND hold_expires_at <= %s), 0)"
        f" - COALESCE((SELECT SUM(party_size) FROM {WaitlistEntry._meta.db_table}"
        " WHERE session_id = s.id AND state = %s AND offer_expires_at <= %s), 0)"
        f" FROM {Session._meta.db_table} s WHERE s.id = %s"
    )
    params: list[Any] = [Registration.State.HELD.value, at, WaitlistEntry.State.OFFERED.value, at, session_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


def seats_left(session: Session, *, now: datetime | None = None) -> int:
    return max(session.capacity - seats_booked(session, now=now), 0)


def with_seats(qs: QuerySet[Session], *, now: datetime | None = None) -> QuerySet[Session]:
    """Annotate `booked` and `seats_left` (one query for any number of rows): the stored tally minus the lapsed
    holds and offers (two small correlated subqueries on partial indexes)."""
    now = now or timezone.now()
    lapsed_regs = (
        _lapsed_registrations(now)
        .filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(s=Sum("party_size"))
        .values("s")
    )
    lapsed_offers = (
        _lapsed_offers(now)
        .filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(s=Sum("party_size"))
        .values("s")
    )
    booked = (
        F("seats_taken")
        - Coalesce(Subquery(lapsed_regs, output_field=IntegerField()), Value(0))
        - Coalesce(Subquery(lapsed_offers, output_field=IntegerField()), Value(0))
    )
    return qs.annotate(booked=booked).annotate(
        seats_left=Greatest(F("capacity") - F("booked"), Value(0), output_field=IntegerField())
    )


def free_seats_q(now: datetime, prefix: str = "") -> Q:
    """`seats_left > 0` as a filter on Session rows that reads the stored tally first: a session below its
    capacity has free seats; a full one only if some hold or offer of it has lapsed (the tally never exceeds the
    capacity: a database check). The lapsed ones are looked up once for all sessions (a hashed sub-plan over the
    partial indexes), not per session."""
    p = prefix
    return (
        Q(**{f"{p}seats_taken__lt": F(f"{p}capacity")})
        | Q(**{f"{p}pk__in": _lapsed_registrations(now).values("session_id")})
        | Q(**{f"{p}pk__in": _lapsed_offers(now).values("session_id")})
    )


def upcoming_sessions(*, now: datetime | None = None) -> QuerySet[Session]:
    now = now or timezone.now()
    return with_seats(
        Session.objects.filter(state=Session.State.SCHEDULED, starts_at__gt=now, tour__state=Tour.State.PUBLISHED),
        now=now,
    ).order_by("starts_at", "id")


def with_registration_state(sessions: Iterable[Session], *, now: datetime) -> list[Session]:
    """Set `registration` (rules.Open/Closed) and `is_open` on each session: the flags every page and the API show.

    Each session needs its tour and the tour's season loaded (select_related or set by the caller).
    """
    out = []
    for session in sessions:
        state = rules.registration_state(session, now=now)
        session.registration = state  # type: ignore[attr-defined]
        session.is_open = state.is_open  # type: ignore[attr-defined]
        out.append(session)
    return out


def session_list_public(
    *,
    tour_slug: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    free_only: bool = False,
    now: datetime | None = None,
) -> QuerySet[Session]:
    """Upcoming sessions of published tours with seats; `free_only`: open for registration with free seats."""
    now = now or timezone.now()
    qs = upcoming_sessions(now=now).select_related("tour__season")
    if tour_slug:
        qs = qs.filter(tour__slug=tour_slug)
    if date_from:
        qs = qs.filter(starts_at__gte=datetime.combine(date_from, time.min, tzinfo=MOSCOW))
    if date_to:
        qs = qs.filter(starts_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=MOSCOW))
    if free_only:
        qs = qs.filter(rules.registration_open_q(now)).filter(free_seats_q(now))
    return qs


def public_session_exists(*, session_id: int) -> bool:
    return Session.objects.filter(pk=session_id, tour__state=Tour.State.PUBLISHED).exists()


def session_public(*, session_id: int, now: datetime | None = None) -> Session | None:
    """One session of a published tour, with seats and its registration flags."""
    now = now or timezone.now()
    session = (
        with_seats(Session.objects.filter(pk=session_id, tour__state=Tour.State.PUBLISHED), now=now)
        .select_related("tour__season")
        .first()
    )
    if session is not None:
        with_registration_state([session], now=now)
    return session


def current_season(*, today: date | None = None) -> Season | None:
    today = today or timezone.localtime(timezone.now(), MOSCOW).date()
    season = Season.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on").first()
    if season is None:
        season = Season.objects.filter(starts_on__gt=today).order_by("starts_on").first()
    return season


class TourPageQuerySet(QuerySet[Tour]):
    """A slice (a page) is read in two steps: the ordered ids from the tours table alone (the filters, the sort
    key and LIMIT/OFFSET over narrow rows), then those rows with their joins. Sorting every published tour with
    its host, site, format and season joined cost more than the rest of the catalogue together."""

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice) and self._result_cache is None and self._iterable_class is ModelIterable:
            ids = list(self.values_list("pk", flat=True)[k])
            rows = {tour.pk: tour for tour in QuerySet.__getitem__(self.filter(pk__in=ids), slice(None))}
            return [rows[pk] for pk in ids if pk in rows]
        return super().__getitem__(k)


ALLOWED_FILTERS = {"q", "format", "industry", "site", "district", "date_from", "date_to", "free", "age", "page"}


def tour_list_public(
    *,
    q: str = "",
    format_slug: str = "",
    industry: str = "",
    site: str = "",
    district: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    free_only: bool = False,
    age: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Tour]:
    """Published tours with filters; `age` keeps tours whose minimum age is at most that age."""
    now = now or timezone.now()
    qs = (
        TourPageQuerySet(Tour)
        .filter(state=Tour.State.PUBLISHED)
        .select_related("host", "site", "format", "season", "host__industry", "host__parent")
    )
    qs = qs.filter(search.match_q(q))
    if format_slug:
        qs = qs.filter(format__slug=format_slug)
    if industry:
        qs = qs.filter(host__industry__slug=industry)
    if site:
        qs = qs.filter(site__slug=site)
    if district:
        qs = qs.filter(site__district=district)
    if age is not None:
        qs = qs.filter(min_age__lte=age)
    sessions = Session.objects.filter(state=Session.State.SCHEDULED, starts_at__gt=now)
    if date_from:
        sessions = sessions.filter(starts_at__gte=datetime.combine(date_from, time.min, tzinfo=MOSCOW))
    if date_to:
        sessions = sessions.filter(starts_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=MOSCOW))
    if free_only:
        sessions = sessions.filter(rules.registration_open_q(now)).filter(free_seats_q(now))
    if date_from or date_to or free_only:
        qs = qs.filter(Exists(sessions.filter(tour=OuterRef("pk"))))
    if search.query_terms(q):
        return qs.annotate(relevance=search.relevance(q)).order_by("-relevance", "title", "id")
    # by default the soonest tours first (then those with no upcoming session, by title)
    next_start = (
        Session.objects.filter(tour=OuterRef("pk"), state=Session.State.SCHEDULED, starts_at__gt=now)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return qs.annotate(next_start=Subquery(next_start)).order_by(F("next_start").asc(nulls_last=True), "title", "id")


def catalogue_filter_choices() -> dict[str, Any]:
    """What the catalogue's filters offer: only industries, sites and districts where a published tour is (every
    option finds what it names). Each is an EXISTS over an index per row of a small table, not a DISTINCT over
    the join of every published tour."""
    from mosprom.registry.models import Industry, Site

    published = Tour.objects.filter(state=Tour.State.PUBLISHED)
    sites_with_tours = Site.objects.filter(Exists(published.filter(site=OuterRef("pk"))))
    return {
        "formats": list(Format.objects.all()),
        "industries": list(Industry.objects.filter(Exists(published.filter(host__industry=OuterRef("pk"))))),
        "sites": list(sites_with_tours),
        "districts": {site.district for site in sites_with_tours.exclude(district="").only("district")},
    }


def tour_search_suggestions(*, q: str) -> list[str]:
    """Words of published tours' titles and of their hosts' (and parents') names nearest to a query that found
    nothing: «Ничего не найдено. Возможно, вы искали: …»."""
    published = Tour.objects.filter(state=Tour.State.PUBLISHED)
    fingerprint = published.aggregate(n=Count("id"), last=Max("updated_at"))

    def columns() -> list[str]:
        titles = list(published.values_list("search_title", flat=True))
        hosts = Organisation.objects.filter(Q(tours__in=published) | Q(subsidiaries__tours__in=published))
        return titles + list(hosts.distinct().values_list("search_title", flat=True))

    return search.suggestions(q, key="tours", fingerprint=fingerprint, columns=columns)


def _rank(session: Session) -> int:
    """Which session a card shows: the first one open with free seats, else the first open, else the next."""
    if getattr(session, "is_open", False):
        return 0 if getattr(session, "seats_left", 0) > 0 else 1
    return 2


def attach_next_sessions(tours: list[Tour], *, now: datetime | None = None) -> list[Tour]:
    """Set `tour.next_session` (with seats_left and the registration flags) on each tour with one extra query."""
    now = now or timezone.now()
    by_id = {t.pk: t for t in tours}
    by_tour: dict[int, Session] = {}
    for session in upcoming_sessions(now=now).filter(tour_id__in=list(by_id)):
        session.tour = by_id[session.tour_id]
        with_registration_state([session], now=now)
        current = by_tour.get(session.tour_id)
        if current is None or _rank(session) < _rank(current):
            by_tour[session.tour_id] = session
    for tour in tours:
        tour.next_session = by_tour.get(tour.pk)  # type: ignore[attr-defined]
    return tours


def tour_detail_public(*, slug: str) -> Tour | None:
    return (
        Tour.objects.filter(slug=slug, state=Tour.State.PUBLISHED)
        .select_related("host", "site", "format", "season")
        .prefetch_related("audiences")
        .first()
    )


def tour_sessions_public(tour: Tour, *, now: datetime | None = None) -> list[Session]:
    """The tour's next 30 sessions with seats and the registration flags (the tour must come with its season)."""
    now = now or timezone.now()
    sessions = list(upcoming_sessions(now=now).filter(tour=tour)[:30])
    for session in sessions:
        session.tour = tour
    return with_registration_state(sessions, now=now)


def home_highlights(*, limit: int = 3) -> dict[str, Any]:
    """The next tours with open seats for the home page (each annotated with `next_session`)."""
    now = timezone.now()
    tours = list(tour_list_public(free_only=True, now=now)[:50])
    attach_next_sessions(tours, now=now)
    tours = [t for t in tours if getattr(t, "next_session", None) is not None]
    tours.sort(key=lambda t: t.next_session.starts_at)  # type: ignore[attr-defined]
    return {"upcoming_tours": tours[:limit]}


def formats_all() -> QuerySet[Format]:
    return Format.objects.all()


# --- lookups by token or code ----------------------------------------------------------------------


def registration_by_token(token: str) -> Registration | None:
    return Registration.objects.filter(token=token).only("id", "session_id").first()


def waitlist_entry_by_token(token: str) -> WaitlistEntry | None:
    return WaitlistEntry.objects.filter(token=token).only("id", "session_id").first()


def registration_for_link(*, purpose: str, signed: str, now: datetime | None = None) -> Registration:
    """The registration behind a signed link, with its session and tour; refuses forged, expired or erased links."""
    token = tickets.unsign(purpose, signed, now=now)
    registration = (
        Registration.objects.select_related(
            "session__tour__format", "session__tour__host", "session__tour__site", "session__tour__season"
        )
        .filter(token=token)
        .first()
    )
    if registration is None:
        raise tickets.bad_link()
    if registration.purged_at is not None:
        raise Refused("erased", _("The personal data of this registration has been erased."), status=410)
    return registration


def waitlist_entry_for_link(*, signed: str, purpose: str = "offer", now: datetime | None = None) -> WaitlistEntry:
    token = tickets.unsign(purpose, signed, now=now)
    entry = WaitlistEntry.objects.select_related("session__tour__format").filter(token=token).first()
    if entry is None:
        raise tickets.bad_link()
    return entry


def registration_for_checkin(*, user: Any, code: str) -> Registration:
    """The ticket with this code, if it belongs to one of the user's host companies (operators: any)."""
    registration = (
        Registration.objects.select_related("session__tour__host", "session__tour__format")
        .filter(ticket_code=rules.normalise_code(code))
        .first()
    )
    if registration is None:
        raise Refused("unknown_code", _("No ticket has this code. Check the code and try again."), status=404)
    if not is_operator(user) and registration.session.tour.host_id not in host_organisation_ids(user):
        raise Refused("other_host", _("This ticket is for another host's session."), status=403)
    return registration


def visitor_data_export(*, registration: Registration) -> dict[str, Any]:
    """Everything the platform holds about the visitor's e-mail, as JSON-ready data."""
    rows = visitor_registrations(email=registration.email_normalised)
    return {
        "email": registration.email,
        "registrations": [
            {
                "tour": r.session.tour.title,
                "starts_at": r.session.starts_at.isoformat(),
                "name": r.name,
                "email": r.email,
                "phone": r.phone,
                "party_size": r.party_size,
                "group_name": r.group_name,
                "group_leader": r.group_leader,
                "state": r.state,
                "ticket_code": r.ticket_code,
                "consent_at": r.consent_at.isoformat() if r.consent_at else None,
                "consent_version": r.consent_version,
                "language": r.language,
                "created_at": r.created_at.isoformat(),
            }
            for r in rows
        ],
    }


def visitor_registrations(*, email: str) -> QuerySet[Registration]:
    if not email:
        return Registration.objects.none()
    return (
        Registration.objects.filter(email_normalised=email.lower(), purged_at__isnull=True)
        .select_related("session__tour")
        .order_by("-created_at")
    )


# --- host cabinet ---------------------------------------------------------------------------------


def host_tours(*, organisation_ids: set[int] | None) -> QuerySet[Tour]:
    """Tours of the host's organisations (None = all, for operators) with per-tour figures."""
    qs = Tour.objects.select_related("host", "format", "site")
    if organisation_ids is not None:
        qs = qs.filter(host_id__in=organisation_ids)
    return qs.annotate(
        registrations_count=Count(
            "sessions__registrations",
            filter=Q(sessions__registrations__state__in=BOOKED_REG_STATES),
            distinct=True,
        ),
    ).order_by("state", "title")


def host_upcoming_sessions(
    *, organisation_ids: set[int] | None, now: datetime | None = None, limit: int = 20
) -> QuerySet[Session]:
    """The next scheduled sessions of the host's organisations (None = all, for operators), with seats."""
    now = now or timezone.now()
    qs = Session.objects.filter(starts_at__gte=now, state=Session.State.SCHEDULED)
    if organisation_ids is not None:
        qs = qs.filter(tour__host_id__in=organisation_ids)
    return with_seats(qs.select_related("tour"), now=now).order_by("starts_at")[:limit]


def tour_figures(tours: list[Tour], *, now: datetime | None = None) -> dict[int, dict[str, Any]]:
    """Registrations, attendance rate (checked in / confirmed of past sessions) and average rating per tour."""
    now = now or timezone.now()
    ids = [t.pk for t in tours]
    figures: dict[int, dict[str, Any]] = {
        pk: {"registrations": 0, "past_booked": 0, "checked_in": 0, "rating": None, "no_shows": 0} for pk in ids
    }
    rows = (
        Registration.objects.filter(session__tour_id__in=ids, state__in=BOOKED_REG_STATES)
        .values("session__tour_id")
        .annotate(
            total=Count("id"),
            past=Count("id", filter=Q(session__starts_at__lt=now)),
            checked=Count("id", filter=Q(state=Registration.State.CHECKED_IN, session__starts_at__lt=now)),
        )
    )
    for row in rows:
        f = figures[row["session__tour_id"]]
        f["registrations"] = row["total"]
        f["past_booked"] = row["past"]
        f["checked_in"] = row["checked"]
        f["no_shows"] = row["past"] - row["checked"]
    for rating_row in (
        Feedback.objects.filter(registration__session__tour_id__in=ids)
        .values("registration__session__tour_id")
        .annotate(avg=Avg("rating"))
    ):
        figures[rating_row["registration__session__tour_id"]]["rating"] = rating_row["avg"]
    for f in figures.values():
        f["attendance_rate"] = (f["checked_in"] / f["past_booked"]) if f["past_booked"] else None
    return figures


def host_sessions(*, tour: Tour, now: datetime | None = None) -> QuerySet[Session]:
    return with_seats(Session.objects.filter(tour=tour), now=now).order_by("-starts_at")


def session_registrants(*, session: Session) -> QuerySet[Registration]:
    return Registration.objects.filter(session=session).order_by("created_at", "id")


def session_waitlist(*, session: Session) -> QuerySet[WaitlistEntry]:
    return WaitlistEntry.objects.filter(session=session).order_by("position", "id")


# --- programme KPIs for analytics -----------------------------------------------------------------


def programme_kpis(*, now: datetime | None = None) -> dict[str, Any]:
    """Figures of the programme for the analytics dashboard.

    host_companies: organisations with at least one published tour;
    new_hosts_per_year: hosts by the year of their first published tour;
    registrations_per_year: booked (confirmed or checked-in) registrations by session year;
    visitors_per_year: party sizes of checked-in registrations by session year;
    attendance_rate_per_year: checked-in / booked registrations of past sessions by session year;
    popular_formats: booked registrations per format, most popular first;
    average_rating: mean feedback rating (None without feedback).
    """
    now = now or timezone.now()
    published = Tour.objects.filter(state=Tour.State.PUBLISHED)
    host_companies = published.values("host_id").distinct().count()
    first_years: dict[int, int] = {}
    for host_id, published_at, created_at in published.values_list("host_id", "published_at", "created_at"):
        year = timezone.localtime(published_at or created_at, MOSCOW).year
        first_years[host_id] = min(year, first_years.get(host_id, year))
    new_hosts: dict[int, int] = defaultdict(int)
    for year in first_years.values():
        new_hosts[year] += 1

    booked = Registration.objects.filter(state__in=BOOKED_REG_STATES)
    registrations: dict[int, int] = {}
    visitors: dict[int, int] = {}
    attendance: dict[int, float] = {}
    rows = (
        booked.annotate(year=ExtractYear("session__starts_at", tzinfo=MOSCOW))
        .values("year")
        .annotate(
            n=Count("id"),
            visitors=Coalesce(Sum("party_size", filter=Q(state=Registration.State.CHECKED_IN)), Value(0)),
            past=Count("id", filter=Q(session__starts_at__lt=now)),
            checked=Count("id", filter=Q(session__starts_at__lt=now, state=Registration.State.CHECKED_IN)),
        )
        .order_by("year")
    )
    for row in rows:
        year = int(row["year"])
        registrations[year] = row["n"]
        visitors[year] = int(row["visitors"])
        if row["past"]:
            attendance[year] = row["checked"] / row["past"]
    formats = [
        {"format": row["session__tour__format__name"], "registrations": row["n"]}
        for row in booked.values("session__tour__format__name")
        .annotate(n=Count("id"))
        .order_by("-n", "session__tour__format__name")
    ]
    avg = Feedback.objects.aggregate(a=Avg("rating"))["a"]
    return {
        "host_companies": host_companies,
        "new_hosts_per_year": dict(sorted(new_hosts.items())),
        "registrations_per_year": registrations,
        "visitors_per_year": visitors,
        "attendance_rate_per_year": attendance,
        "popular_formats": formats,
        "average_rating": float(avg) if avg is not None else None,
    }


def prefetch_registrations() -> Prefetch:
    return Prefetch("registrations", queryset=Registration.objects.order_by("created_at"))


def tours_awaiting_moderation() -> QuerySet[Tour]:
    """A new host's tours an operator has to publish or return (oldest first)."""
    return Tour.objects.filter(state=Tour.State.MODERATION).select_related("host").order_by("updated_at", "id")


def waitlist_position(entry: WaitlistEntry) -> int:
    """The entry's place in its session's queue today (1 = next), counting only those still waiting or offered."""
    ahead = WaitlistEntry.objects.filter(
        session_id=entry.session_id,
        state__in=[WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED],
        position__lt=entry.position,
    ).count()
    return ahead + 1
