"""The partnerships' rules, in one place: is an agreement in force (or about to end), is a milestone overdue
(or due within the warning window), is a project late.

Pure decisions: no writes, no request. Each rule has a plain form (one object, used by pages, the API, the
digest and the timeline) and, where lists are filtered or counted in the database, a `Q` form kept right
beside it; tests/partnerships/test_rules.py checks that the two forms agree on every edge.

Windows are settings: `PARTNERSHIPS_MILESTONE_WARNING_DAYS` (a milestone «due soon»),
`PARTNERSHIPS_AGREEMENT_EXPIRING_DAYS` (an agreement «ends soon»).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q

from mosprom.core.dates import add_years

if TYPE_CHECKING:
    from .models import Agreement, Milestone, Project

ACTIVE, EXPIRED, TERMINATED = "active", "expired", "terminated"  # = Agreement.Status values
CLOSED_PROJECT_STATUSES = ("completed", "cancelled")  # = Project.CLOSED_STATUSES


def warning_days() -> int:
    return int(settings.PARTNERSHIPS_MILESTONE_WARNING_DAYS)


def expiring_days() -> int:
    return int(settings.PARTNERSHIPS_AGREEMENT_EXPIRING_DAYS)


# --- agreements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementState:
    status: str  # active, expired or terminated
    days_left: int | None  # days until the end date while in force; None when open-ended or not in force
    expiring: bool  # in force and ends within PARTNERSHIPS_AGREEMENT_EXPIRING_DAYS


def agreement_end(*, signed_on: date, term_years: int) -> date:
    """An agreement signed for a term ends on the same calendar day `term_years` later."""
    return add_years(signed_on, term_years)


def agreement_status(agreement: Agreement, today: date) -> str:
    """Terminated from its termination date on; otherwise expired after its end date; else active."""
    if agreement.terminated_on and agreement.terminated_on <= today:
        return TERMINATED
    if agreement.ends_on and agreement.ends_on < today:
        return EXPIRED
    return ACTIVE


def agreement_state(agreement: Agreement, today: date) -> AgreementState:
    status = agreement_status(agreement, today)
    days_left = (agreement.ends_on - today).days if status == ACTIVE and agreement.ends_on else None
    return AgreementState(
        status=status, days_left=days_left, expiring=days_left is not None and days_left <= expiring_days()
    )


def agreement_terminated_q(today: date) -> Q:
    return Q(terminated_on__isnull=False, terminated_on__lte=today)


def agreement_expired_q(today: date) -> Q:
    return ~agreement_terminated_q(today) & Q(ends_on__isnull=False, ends_on__lt=today)


def agreement_active_q(today: date) -> Q:
    return ~agreement_terminated_q(today) & ~Q(ends_on__isnull=False, ends_on__lt=today)


def agreement_expiring_q(today: date) -> Q:
    return agreement_active_q(today) & Q(ends_on__isnull=False, ends_on__lte=today + timedelta(days=expiring_days()))


def agreement_status_q(status: str, today: date) -> Q:
    return {ACTIVE: agreement_active_q, EXPIRED: agreement_expired_q, TERMINATED: agreement_terminated_q}[status](today)


# --- milestones and projects -----------------------------------------------------------------


def project_is_open(project: Project) -> bool:
    return project.status not in CLOSED_PROJECT_STATUSES


def milestone_overdue(milestone: Milestone, today: date, *, project: Project | None = None) -> bool:
    """Not done, its due date passed, and its project is still open (a cancelled project owes nothing)."""
    project = project if project is not None else milestone.project
    return milestone.done_on is None and milestone.due_on < today and project_is_open(project)


def milestone_due_soon(milestone: Milestone, today: date, *, project: Project | None = None) -> bool:
    """Not done, due today or within the warning window, project still open."""
    project = project if project is not None else milestone.project
    return (
        milestone.done_on is None
        and today <= milestone.due_on <= today + timedelta(days=warning_days())
        and project_is_open(project)
    )


def milestone_state(milestone: Milestone, today: date, *, project: Project | None = None) -> str:
    """done, overdue, due_soon or planned: the one flag pages, the admin and the digest show."""
    if milestone.done_on is not None:
        return "done"
    if milestone_overdue(milestone, today, project=project):
        return "overdue"
    if milestone_due_soon(milestone, today, project=project):
        return "due_soon"
    return "planned"


def _open_project_q(project_path: str) -> Q:
    return ~Q(**{f"{project_path}status__in": CLOSED_PROJECT_STATUSES})


def milestone_overdue_q(today: date, *, prefix: str = "", project_path: str = "project__") -> Q:
    """The Q form of `milestone_overdue`. On Project querysets: prefix="milestones__", project_path=""."""
    return Q(**{f"{prefix}done_on__isnull": True, f"{prefix}due_on__lt": today}) & _open_project_q(project_path)


def milestone_due_soon_q(today: date, *, prefix: str = "", project_path: str = "project__") -> Q:
    return Q(
        **{
            f"{prefix}done_on__isnull": True,
            f"{prefix}due_on__gte": today,
            f"{prefix}due_on__lte": today + timedelta(days=warning_days()),
        }
    ) & _open_project_q(project_path)


def project_late(project: Project, today: date) -> bool:
    """Its planned end passed while it is still open."""
    return bool(project.planned_end and project.planned_end < today and project_is_open(project))
