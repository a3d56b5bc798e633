"""The registry's rules, in one place: a status's term (when it ends, whether it is in force, days left,
whether it ends soon) and the annual confirmation (its deadline, whether a report meets the obligations,
whether a status owes one, when it is late and when its holder is reminded).

Pure decisions: no writes, no request. Where lists are filtered in the database, the `Q` form sits right
beside the plain rule; tests/registry/test_rules.py checks that both agree.

The report deadline comes from the kind of status (`StatusKind.report_month`, `report_day`: that day of the year
after the reported one; `report_reminder_days`: when the holder is reminded). Setting: `REGISTRY_STATUS_EXPIRING_DAYS`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q

from mosprom.core.dates import add_years

if TYPE_CHECKING:
    from .models import Status, StatusKind

# = Status.State values
ACTIVE, FLAGGED, REVOKED, EXPIRED = "active", "flagged", "revoked", "expired"
HOLDING_STATES = (ACTIVE, FLAGGED)  # a flagged status is under review but still held


def expiring_days() -> int:
    return int(settings.REGISTRY_STATUS_EXPIRING_DAYS)


# --- the term of a status --------------------------------------------------------------------


def status_valid_until(*, granted_on: date, term_years: int | None) -> date | None:
    """A status granted for a term ends on the same day `term_years` later; without a term it has no end."""
    return add_years(granted_on, term_years) if term_years else None


@dataclass(frozen=True)
class StatusTerm:
    state: str  # the effective state: a held status past its end date is «expired»
    in_force: bool  # held (active or flagged) and not past its end date
    valid_until: date | None
    days_left: int | None  # days until the end date while in force; None without an end date
    expiring: bool  # in force and ends within REGISTRY_STATUS_EXPIRING_DAYS


def status_in_force(status: Status, today: date) -> bool:
    return status.state in HOLDING_STATES and (status.valid_until is None or status.valid_until >= today)


def status_term(status: Status, today: date) -> StatusTerm:
    in_force = status_in_force(status, today)
    state = status.state
    if status.state in HOLDING_STATES and not in_force:
        state = EXPIRED
    days_left = (status.valid_until - today).days if in_force and status.valid_until else None
    return StatusTerm(
        state=state,
        in_force=in_force,
        valid_until=status.valid_until,
        days_left=days_left,
        expiring=days_left is not None and days_left <= expiring_days(),
    )


def status_in_force_q(today: date, *, prefix: str = "") -> Q:
    return Q(**{f"{prefix}state__in": HOLDING_STATES}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today})
    )


def status_expiring_q(today: date, *, prefix: str = "") -> Q:
    return status_in_force_q(today, prefix=prefix) & Q(
        **{f"{prefix}valid_until__lte": today + timedelta(days=expiring_days())}
    )


# --- the annual confirmation -----------------------------------------------------------------


def report_deadline(kind: StatusKind, year: int) -> date:
    """The last day to confirm a status of `kind` for the calendar year `year`: the kind's day of the next year."""
    return date(year + 1, kind.report_month, kind.report_day)


def status_report_deadline(status: Status, year: int) -> date:
    return report_deadline(status.kind, year)


def report_reminder_days(kind: StatusKind) -> tuple[int, ...]:
    """The days before the deadline when the holder is reminded, largest first (`"30,7,1"` → (30, 7, 1))."""
    days = {int(part) for part in str(kind.report_reminder_days or "").split(",") if part.strip().isdigit()}
    return tuple(sorted(days, reverse=True))


def status_has_obligations(status: Status) -> bool:
    return bool(status.obliged_jobs or status.obliged_productions or status.obliged_investment)


def status_owes_report(status: Status, year: int) -> bool:
    """A held status with obligations, granted by the end of `year` and not ended before it, confirms `year`."""
    return (
        status.state in HOLDING_STATES
        and status_has_obligations(status)
        and status.granted_on <= date(year, 12, 31)
        and (status.valid_until is None or status.valid_until >= date(year, 1, 1))
    )


def status_owes_report_q(year: int) -> Q:
    return (
        Q(state__in=HOLDING_STATES, granted_on__lte=date(year, 12, 31))
        & (Q(obliged_jobs__gt=0) | Q(obliged_productions__gt=0) | Q(obliged_investment__gt=0))
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=date(year, 1, 1)))
    )


def report_overdue(deadline: date, today: date, *, filed: bool) -> bool:
    """A report owed is overdue once its deadline has passed and none is filed."""
    return not filed and today > deadline


REPORT_LOOKBACK_YEARS = 2  # the ended years whose missing reports the cabinet and the queue still show


def first_missed_report_year(status: Status, today: date, *, filed: Collection[int]) -> int | None:
    """The earliest of the last `REPORT_LOOKBACK_YEARS` ended years whose report `status` owes, has not filed and
    whose deadline has passed: a missed report stays overdue until it is filed (from 1 January until the kind's
    deadline last year's report is not yet due, but the year before's may still be missing)."""
    for year in range(today.year - REPORT_LOOKBACK_YEARS, today.year):
        if (
            year not in filed
            and status_owes_report(status, year)
            and report_overdue(status_report_deadline(status, year), today, filed=False)
        ):
            return year
    return None


def report_days_overdue(deadline: date, today: date) -> int:
    return max((today - deadline).days, 0)


def report_late(*, submitted_on: date, deadline: date) -> bool:
    """A report filed after its deadline is late (and flags the status, as a missing one does)."""
    return submitted_on > deadline


def report_meets_obligations(*, status: Status, jobs: int, productions_launched: int, investment: Decimal) -> bool:
    return (
        jobs >= status.obliged_jobs
        and productions_launched >= status.obliged_productions
        and Decimal(investment) >= status.obliged_investment
    )
