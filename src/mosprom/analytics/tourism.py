"""The tourism KPIs from the `TourismDay` summary (issue 12): a few thousand day rows instead of every registration.

The figures are the same as `tours.selectors.programme_kpis()` (tests/analytics/test_tourism_summary.py holds
them equal on the same data); only where they are summed from differs:

- `TourismDay` keeps, per session day (Europe/Moscow) and format, the booked (confirmed + checked-in)
  registrations, the checked-in ones and their visitors;
- every change that can move those numbers marks its day dirty **in the same transaction** (signals below:
  a registration saved or deleted in a booked, cancelled or checked-in state, a session saved or deleted — a
  cancellation's bulk update of its registrations included — a tour whose format changes);
- `programme_kpis()` first recomputes the dirty days (each from the registrations of that day's sessions,
  through the index on the session start), then sums. Days before today are wholly past; today's sessions
  are split at `now` with one small query, so the attendance rate is exact to the minute.

The recompute and the sums run in one transaction, so they read the primary even where the KPIs are otherwise
read from a replica (core.db_router keeps reads inside `atomic()` on the primary). Loaders that bypass signals (bulk_create, COPY, raw SQL) call `mark_all()`; the first migration marks
everything, so a database that had registrations before the summary existed is summed correctly at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Avg, Count, Min, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from .models import TourismDay, TourismDirtyDay

MOSCOW = ZoneInfo("Europe/Moscow")
BOOKED = ("confirmed", "checked_in")
DISPATCH_PREFIX = "analytics-tourism-day"


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, MOSCOW).date()


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=MOSCOW)
    return start, start + timedelta(days=1)


# --- marking -------------------------------------------------------------------------------------------------


def mark_days(days: Iterable[date | None]) -> None:
    """Mark days (None: every day) to be recomputed before the next read; part of the caller's transaction."""
    wanted = set(days)
    if wanted:
        TourismDirtyDay.objects.bulk_create([TourismDirtyDay(day=d) for d in wanted])


def mark_all() -> None:
    mark_days([None])


def _on_registration(sender: Any, instance: Any, **kwargs: Any) -> None:
    # A new hold changes no booked figure: skip the write on the hot path of the booking rush.
    if kwargs.get("signal") is post_save and instance.state == "held":
        return
    if type(instance).session.is_cached(instance):
        starts_at = instance.session.starts_at
    else:
        from mosprom.tours.models import Session

        starts_at = Session.objects.filter(pk=instance.session_id).values_list("starts_at", flat=True).first()
    mark_days([local_day(starts_at) if starts_at else None])


def _before_session_save(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk:
        old = type(instance).objects.filter(pk=instance.pk).values_list("starts_at", flat=True).first()
        instance._tourism_old_day = local_day(old) if old else None


def _on_session(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("created"):
        return  # a new session has no registrations yet
    days: list[date | None] = [local_day(instance.starts_at)]
    old = getattr(instance, "_tourism_old_day", None)
    if old is not None:
        days.append(old)
    mark_days(days)


def _before_tour_save(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk:
        instance._tourism_old_format = (
            type(instance).objects.filter(pk=instance.pk).values_list("format_id", flat=True).first()
        )


def _on_tour(sender: Any, instance: Any, **kwargs: Any) -> None:
    old = getattr(instance, "_tourism_old_format", None)
    if old is None or old == instance.format_id:
        return
    from mosprom.tours.models import Session

    mark_days({local_day(s) for s in Session.objects.filter(tour=instance).values_list("starts_at", flat=True)})


def connect() -> None:
    from mosprom.tours.models import Registration, Session, Tour

    uid = DISPATCH_PREFIX
    post_save.connect(_on_registration, sender=Registration, dispatch_uid=f"{uid}:reg-save", weak=False)
    post_delete.connect(_on_registration, sender=Registration, dispatch_uid=f"{uid}:reg-delete", weak=False)
    pre_save.connect(_before_session_save, sender=Session, dispatch_uid=f"{uid}:session-pre", weak=False)
    post_save.connect(_on_session, sender=Session, dispatch_uid=f"{uid}:session-save", weak=False)
    post_delete.connect(_on_session, sender=Session, dispatch_uid=f"{uid}:session-delete", weak=False)
    pre_save.connect(_before_tour_save, sender=Tour, dispatch_uid=f"{uid}:tour-pre", weak=False)
    post_save.connect(_on_tour, sender=Tour, dispatch_uid=f"{uid}:tour-save", weak=False)


# --- recomputing ---------------------------------------------------------------------------------------------


def _day_rows(days: list[date] | None) -> list[TourismDay]:
    """TourismDay rows computed from the registrations (of `days`' sessions, or of every session)."""
    from mosprom.tours.models import Registration

    qs = Registration.objects.filter(state__in=BOOKED)
    if days is not None:
        window = Q()
        for day in days:
            start, end = _day_bounds(day)
            window |= Q(session__starts_at__gte=start, session__starts_at__lt=end)
        qs = qs.filter(window)
    rows = (
        qs.annotate(day=TruncDate("session__starts_at", tzinfo=MOSCOW))
        .values("day", "session__tour__format_id")
        .annotate(
            booked=Count("id"),
            checked_in=Count("id", filter=Q(state="checked_in")),
            visitors=Sum("party_size", filter=Q(state="checked_in")),
        )
        .order_by()
    )
    return [
        TourismDay(
            day=r["day"],
            format_id=r["session__tour__format_id"],
            booked=r["booked"],
            checked_in=r["checked_in"],
            visitors=r["visitors"] or 0,
        )
        for r in rows
    ]


def refresh() -> int:
    """Recompute the dirty days (every day after mark_all()); returns how many days were recomputed (-1: all)."""
    with transaction.atomic():
        dirty = list(TourismDirtyDay.objects.values_list("pk", "day"))
        if not dirty:
            return 0
        # Claim the marks first: a change committed after this point marks its day again.
        TourismDirtyDay.objects.filter(pk__in=[pk for pk, _day in dirty]).delete()
        days = None if any(day is None for _pk, day in dirty) else sorted({day for _pk, day in dirty if day})
        rows = _day_rows(days)
        # Zero the days, then upsert: two refreshes at once (the periodic task and a reader) wait for each
        # other's rows instead of colliding on the unique (day, format); both write figures from committed data.
        stale = TourismDay.objects.all() if days is None else TourismDay.objects.filter(day__in=days)
        stale.update(booked=0, checked_in=0, visitors=0)
        TourismDay.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["day", "format"],
            update_fields=["booked", "checked_in", "visitors"],
        )
    return -1 if days is None else len(days)


# --- the KPIs ------------------------------------------------------------------------------------------------


def programme_kpis(*, now: datetime | None = None) -> dict[str, Any]:
    """The same figures as tours.selectors.programme_kpis(), summed from TourismDay."""
    from mosprom.tours.models import Feedback, Format, Registration, Tour

    now = now or timezone.now()
    today = local_day(now)

    published = Tour.objects.filter(state=Tour.State.PUBLISHED)
    host_companies = published.values("host_id").distinct().count()
    # A host's first year is the year of its earliest published tour (one row per host, not per tour).
    new_hosts: dict[int, int] = defaultdict(int)
    for first in (
        published.values("host_id")
        .annotate(first=Min(Coalesce("published_at", "created_at")))
        .values_list("first", flat=True)
    ):
        new_hosts[timezone.localtime(first, MOSCOW).year] += 1

    # Recompute and sum in one transaction: its reads stay on the primary (core.db_router), so the sums see the
    # rows refresh() just wrote even when the KPIs are otherwise read from a lagging replica.
    with transaction.atomic():
        refresh()
        past = Q(day__lt=today)
        per_year: dict[int, dict[str, int]] = {
            int(row["year"]): {k: int(row[k] or 0) for k in ("n", "visitors", "past", "checked")}
            for row in TourismDay.objects.annotate(year=ExtractYear("day"))
            .values("year")
            .annotate(
                n=Sum("booked"),
                visitors=Sum("visitors"),
                past=Sum("booked", filter=past),
                checked=Sum("checked_in", filter=past),
            )
            .order_by()
        }
        per_format: dict[int, int] = dict(
            TourismDay.objects.values("format_id").annotate(n=Sum("booked")).order_by().values_list("format_id", "n")
        )
        # Today's sessions: those already started count as past (to the minute, as the registrations would).
        start, _end = _day_bounds(today)
        started_today = Registration.objects.filter(
            state__in=BOOKED, session__starts_at__gte=start, session__starts_at__lt=now
        ).aggregate(past=Count("id"), checked=Count("id", filter=Q(state="checked_in")))
        if started_today["past"]:
            per_year.setdefault(today.year, {"n": 0, "visitors": 0, "past": 0, "checked": 0})
            per_year[today.year]["past"] += started_today["past"]
            per_year[today.year]["checked"] += started_today["checked"]

    registrations: dict[int, int] = {}
    visitors_per_year: dict[int, int] = {}
    attendance: dict[int, float] = {}
    for year in sorted(per_year):
        figures = per_year[year]
        if not figures["n"]:
            continue
        registrations[year] = figures["n"]
        visitors_per_year[year] = figures["visitors"]
        if figures["past"]:
            attendance[year] = figures["checked"] / figures["past"]
    names = dict(Format.objects.filter(pk__in=per_format).values_list("pk", "name"))
    ranked = sorted(((n, names[pk]) for pk, n in per_format.items() if n and pk in names), key=lambda r: (-r[0], r[1]))
    formats = [{"format": name, "registrations": n} for n, name in ranked]
    avg = Feedback.objects.aggregate(a=Avg("rating"))["a"]
    return {
        "host_companies": host_companies,
        "new_hosts_per_year": dict(sorted(new_hosts.items())),
        "registrations_per_year": registrations,
        "visitors_per_year": visitors_per_year,
        "attendance_rate_per_year": attendance,
        "popular_formats": formats,
        "average_rating": float(avg) if avg is not None else None,
    }
