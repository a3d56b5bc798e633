"""Pure decisions of the company cabinet: no database writes, no request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Application

Stage = Application.Stage

# --- status application workflow ------------------------------------------------------------------
# action -> (stages it may start from, stage it leads to, who takes it)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": ((Stage.DRAFT,), Stage.COMPLETENESS, "company"),
    "request_info": ((Stage.COMPLETENESS, Stage.EXPERT_REVIEW), Stage.INFO_REQUESTED, "operator"),
    "answer": ((Stage.INFO_REQUESTED,), "", "company"),  # back to the stage the question came from
    "start_review": ((Stage.COMPLETENESS,), Stage.EXPERT_REVIEW, "operator"),
    "approve": ((Stage.EXPERT_REVIEW,), Stage.APPROVED, "operator"),
    "reject": ((Stage.COMPLETENESS, Stage.EXPERT_REVIEW, Stage.INFO_REQUESTED), Stage.REJECTED, "operator"),
}


def transition_allowed(stage: str, action: str) -> bool:
    sources, _target, _side = TRANSITIONS[action]
    return stage in sources


def operator_actions(stage: str) -> list[str]:
    """The decisions an operator can take on an application in `stage` (for the queue's buttons)."""
    return [a for a, (sources, _t, side) in TRANSITIONS.items() if side == "operator" and stage in sources]


def waiting_for_operator(stage: str) -> bool:
    return stage in (Stage.COMPLETENESS, Stage.EXPERT_REVIEW)


# --- the questionnaire of a kind of status ------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    code: str
    label: Any
    kind: str  # "int", "decimal", "text"
    hint: Any = ""
    obligation: str = ""  # the Obligations field this answer proposes


QUESTIONS: dict[str, Question] = {
    q.code: q
    for q in (
        Question("area", _("Area, square metres"), "decimal", _("The floor area the status would cover.")),
        Question(
            "investment",
            _("Investment, million roubles"),
            "decimal",
            _("What you plan to invest over the status term."),
            "obliged_investment",
        ),
        Question("jobs", _("Jobs"), "int", _("Jobs you will keep or create."), "obliged_jobs"),
        Question(
            "new_productions",
            _("New productions to launch"),
            "int",
            _("How many new productions you plan to open."),
            "obliged_productions",
        ),
        Question("products", _("Products"), "text", _("What you make or will make, one product per line.")),
        Question("residents", _("Resident companies"), "int", _("For a technopark: how many companies work in it.")),
    )
}
DEFAULT_QUESTIONS = ["area", "investment", "jobs", "new_productions", "products"]


def questionnaire(codes: list[str] | None) -> list[Question]:
    return [QUESTIONS[c] for c in (codes or DEFAULT_QUESTIONS) if c in QUESTIONS]


def missing_answers(questions: list[Question], answers: dict[str, object]) -> list[str]:
    return [q.code for q in questions if answers.get(q.code) in (None, "")]


# --- documents -----------------------------------------------------------------------------------------

DOCUMENT_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
}


def document_kind(content_type: str) -> str:
    """What a person calls the file: «PDF», «PNG», «JPEG» (not «application/pdf»); an unknown type as stored."""
    if content_type == "image/jpeg":
        return "JPEG"
    extensions = DOCUMENT_TYPES.get(content_type)
    return extensions[0].upper() if extensions else content_type


def sniff_document_type(head: bytes) -> str | None:
    """The type a file really is, from its first bytes (never from its name)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def extension_matches(filename: str, content_type: str) -> bool:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return ext in DOCUMENT_TYPES.get(content_type, ())


# --- invitations ---------------------------------------------------------------------------------------


def invitation_problem(*, accepted: bool, revoked: bool, expires_at: datetime, now: datetime) -> str | None:
    if revoked:
        return "invitation_revoked"
    if accepted:
        return "invitation_used"
    if now >= expires_at:
        return "invitation_expired"
    return None


# --- annual reports ------------------------------------------------------------------------------------


def reminder_due(*, deadline: date, today: date, days_before: tuple[int, ...]) -> int | None:
    """The reminder window (days before the deadline) that applies today, if any.

    The windows are the kind of status's (`registry.rules.report_reminder_days`); lateness and overdue reports
    are the registry's rules too."""
    left = (deadline - today).days
    if left < 0:
        return None
    for days in sorted(days_before):
        if left <= days:
            return days
    return None


def report_refile_problem(*, state: str, latest: bool) -> str | None:
    """Why a filing of an annual report cannot be corrected and filed again, or None.

    Only the latest filing of a report, once the operator returned it: an accepted one is settled (one accepted
    report per status and year), a pending one waits for its decision, an older returned one was already filed
    again."""
    if state == "accepted":
        return "report_accepted"
    if state == "pending":
        return "report_pending"
    if not latest:
        return "report_refiled"
    return None


# --- the work queue ------------------------------------------------------------------------------------


def age_days(since: datetime, now: datetime) -> int:
    return max((now - since).days, 0)


def is_overdue(*, since: datetime, days_allowed: int, now: datetime) -> bool:
    return now > since + timedelta(days=days_allowed)


# --- host programme --------------------------------------------------------------------------------------


def host_tour_needs_moderation(*, moderated_tours: int, tours_already_published: int) -> bool:
    """A new host's first `moderated_tours` tours are checked by an operator before they are published."""
    return tours_already_published < moderated_tours
