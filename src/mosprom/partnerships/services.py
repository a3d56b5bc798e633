"""Writes of the partnerships part: the only way agreements, projects, duties and milestones change.

Every function validates through the models' `full_clean()` (the same rules the admin applies), runs inside one
transaction, so nothing is saved half-way, and writes under `acting_as(actor)` so that the audit trail names who
acted (an operator in the back-office, an API token's owner, nobody for the demo loader and periodic tasks).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet

from mosprom.core.audit import acting_as, audit_event
from mosprom.core.roles import is_operator
from mosprom.core.services import email_enqueue
from mosprom.registry.models import Organisation, Site

from . import rules
from .models import Agreement, AgreementDocument, AgreementParty, Direction, Duty, Milestone, Project
from .xlsx import RoadmapPlan, parse_roadmap


@transaction.atomic
def agreement_create(
    *,
    title: str,
    slug: str,
    kind: str,
    signed_on: date,
    term_years: int | None = None,
    ends_on: date | None = None,
    parties: Sequence[tuple[Organisation, str]] = (),
    directions: Sequence[tuple[str, Organisation | None]] = (),
    summary: str = "",
    source_url: str = "",
    source_text: str = "",
    actor: Any = None,
    **fields: Any,
) -> Agreement:
    """Create an agreement with its parties and directions, all or nothing."""
    with acting_as(actor):
        agreement = Agreement(
            title=title,
            slug=slug,
            kind=kind,
            signed_on=signed_on,
            term_years=term_years,
            ends_on=ends_on,
            summary=summary,
            source_url=source_url,
            source_text=source_text,
        )
        operators = _apply(agreement, fields, AGREEMENT_FIELDS)
        _save(agreement)
        if operators is not None:
            agreement.responsible_operators.set(operators)
        for order, (organisation, role) in enumerate(parties):
            _save(AgreementParty(agreement=agreement, organisation=organisation, role=role, order=order))
        for order, (text, responsible) in enumerate(directions):
            _save(Direction(agreement=agreement, text=text, responsible=responsible, order=order))
    return agreement


AGREEMENT_FIELDS = {
    "title",
    "slug",
    "kind",
    "signed_on",
    "term_years",
    "ends_on",
    "terminated_on",
    "summary",
    "source_url",
    "source_text",
    "related_to",
    "internal_notes",
    "is_demo",
    "responsible_operators",
}
PROJECT_FIELDS = {
    "partner",
    "agreement",
    "code",
    "title",
    "category",
    "status",
    "site",
    "investment",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "description",
    "internal_notes",
    "is_demo",
}


def _apply(instance: Any, fields: dict[str, Any], allowed: set[str]) -> Any:
    """Set the fields on the instance; returns the responsible operators when given (a many-to-many)."""
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    operators = fields.pop("responsible_operators", None) if "responsible_operators" in fields else None
    for name, value in fields.items():
        setattr(instance, name, value)
    return operators


def _save(instance: Any) -> Any:
    """Validate with the model's rules (the admin's own) and save."""
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def agreement_update(*, agreement: Agreement, actor: Any = None, **fields: Any) -> Agreement:
    """Change an agreement's fields (and its responsible operators); with no fields, validate and save it as is."""
    with acting_as(actor):
        operators = _apply(agreement, dict(fields), AGREEMENT_FIELDS)
        _save(agreement)
        if operators is not None:
            agreement.responsible_operators.set(operators)
    return agreement


@transaction.atomic
def agreement_terminate(*, agreement: Agreement, on: date, actor: Any = None) -> Agreement:
    with acting_as(actor):
        agreement.terminated_on = on
        agreement.full_clean()
        agreement.save(update_fields=["terminated_on", "updated_at"])
        audit_event(actor=actor, action="agreement_terminated", obj=agreement, data={"on": on.isoformat()})
    return agreement


@transaction.atomic
def agreement_delete(*, agreement: Agreement, actor: Any = None) -> None:
    """Delete an agreement with its parties, directions and documents; its projects stay, without an agreement."""
    with acting_as(actor):
        agreement.delete()


@transaction.atomic
def party_save(*, party: AgreementParty, actor: Any = None) -> AgreementParty:
    with acting_as(actor):
        return _save(party)  # type: ignore[no-any-return]


@transaction.atomic
def party_delete(*, party: AgreementParty, actor: Any = None) -> None:
    with acting_as(actor):
        party.delete()


@transaction.atomic
def direction_save(*, direction: Direction, actor: Any = None) -> Direction:
    with acting_as(actor):
        return _save(direction)  # type: ignore[no-any-return]


@transaction.atomic
def direction_delete(*, direction: Direction, actor: Any = None) -> None:
    with acting_as(actor):
        direction.delete()


@transaction.atomic
def document_save(*, document: AgreementDocument, actor: Any = None) -> AgreementDocument:
    with acting_as(actor):
        return _save(document)  # type: ignore[no-any-return]


@transaction.atomic
def document_delete(*, document: AgreementDocument, actor: Any = None) -> None:
    with acting_as(actor):
        document.delete()


@transaction.atomic
def project_create(
    *,
    title: str,
    category: str,
    code: str,
    partner: Organisation | None = None,
    agreement: Agreement | None = None,
    status: str = Project.Status.IDEA,
    site: Site | None = None,
    investment: Decimal | None = None,
    planned_start: date | None = None,
    planned_end: date | None = None,
    actual_start: date | None = None,
    actual_end: date | None = None,
    description: str = "",
    internal_notes: str = "",
    is_demo: bool = False,
    duties: Sequence[tuple[Organisation, str]] = (),
    milestones: Sequence[dict[str, Any]] = (),
    actor: Any = None,
) -> Project:
    """Create a road-map project with its duties and milestones, all or nothing.

    Without an explicit partner the first party of the agreement that is not the city is the partner.
    """
    if partner is None and agreement is not None:
        party = agreement.parties.exclude(role=AgreementParty.Role.CITY).select_related("organisation").first()
        partner = party.organisation if party else None
    with acting_as(actor):
        project = Project(
            partner=partner,
            agreement=agreement,
            code=code,
            title=title,
            category=category,
            status=status,
            site=site,
            investment=investment,
            planned_start=planned_start,
            planned_end=planned_end,
            actual_start=actual_start,
            actual_end=actual_end,
            description=description,
            internal_notes=internal_notes,
            is_demo=is_demo,
        )
        _save(project)
        for organisation, text in duties:
            duty_add(project=project, organisation=organisation, text=text, actor=actor)
        for item in milestones:
            milestone_add(project=project, actor=actor, **item)
    return project


@transaction.atomic
def project_update(*, project: Project, actor: Any = None, **fields: Any) -> Project:
    """Change a project's fields; with no fields, validate and save it as it stands (the back-office form)."""
    with acting_as(actor):
        _apply(project, dict(fields), PROJECT_FIELDS)
        _save(project)
    return project


@transaction.atomic
def project_delete(*, project: Project, actor: Any = None) -> None:
    with acting_as(actor):
        project.delete()


@transaction.atomic
def duty_add(*, project: Project, organisation: Organisation, text: str, actor: Any = None) -> Duty:
    with acting_as(actor):
        return _save(Duty(project=project, organisation=organisation, text=text))  # type: ignore[no-any-return]


@transaction.atomic
def duty_save(*, duty: Duty, actor: Any = None) -> Duty:
    with acting_as(actor):
        return _save(duty)  # type: ignore[no-any-return]


@transaction.atomic
def duty_delete(*, duty: Duty, actor: Any = None) -> None:
    with acting_as(actor):
        duty.delete()


@transaction.atomic
def milestone_add(
    *,
    project: Project,
    title: str,
    due_on: date,
    responsible: Organisation | None = None,
    done_on: date | None = None,
    actor: Any = None,
) -> Milestone:
    with acting_as(actor):
        milestone = Milestone(project=project, title=title, due_on=due_on, responsible=responsible, done_on=done_on)
        return _save(milestone)  # type: ignore[no-any-return]


@transaction.atomic
def milestone_save(*, milestone: Milestone, actor: Any = None) -> Milestone:
    with acting_as(actor):
        return _save(milestone)  # type: ignore[no-any-return]


@transaction.atomic
def milestone_delete(*, milestone: Milestone, actor: Any = None) -> None:
    with acting_as(actor):
        milestone.delete()


@transaction.atomic
def milestone_mark_done(
    *, milestones: Iterable[Milestone] | QuerySet[Milestone], on: date | None = None, actor: Any = None
) -> int:
    """Mark the given milestones done on `on` (today by default); those already done keep their date."""
    on = on or date.today()
    ids = [m.pk for m in milestones]
    with acting_as(actor):
        return _mark_done(Milestone.objects.filter(pk__in=ids, done_on__isnull=True), on)


def _mark_done(queryset: QuerySet[Milestone], on: date) -> int:
    """Save one by one so that each change leaves an audit entry."""
    count = 0
    for milestone in queryset.select_for_update().order_by("pk"):
        milestone.done_on = on
        milestone.save(update_fields=["done_on"])
        count += 1
    return count


@transaction.atomic
def project_milestones_mark_done(*, projects: Iterable[Project], on: date | None = None, actor: Any = None) -> int:
    on = on or date.today()
    ids = [p.pk for p in projects]
    with acting_as(actor):
        return _mark_done(Milestone.objects.filter(project_id__in=ids, done_on__isnull=True, due_on__lte=on), on)


# --- XLSX import -----------------------------------------------------------------------------


UPLOAD_MAX_AGE_SECONDS = 3600


def roadmap_upload_keep(*, partner: Organisation, actor: Any, data: bytes) -> str:
    """Keep an uploaded road map between its preview and the operator's confirmation; returns a signed token."""
    name = default_storage.save(f"partnerships/imports/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    return signing.dumps({"name": name, "partner": partner.pk, "user": getattr(actor, "pk", None)}, salt="roadmap")


def roadmap_upload_take(*, token: str, partner: Organisation, actor: Any) -> bytes | None:
    """The kept file for this partner and operator, removed from storage; None when unknown or expired."""
    try:
        kept = signing.loads(token, salt="roadmap", max_age=UPLOAD_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if kept.get("partner") != partner.pk or kept.get("user") != getattr(actor, "pk", None):
        return None
    name = str(kept.get("name", ""))
    if not name.startswith("partnerships/imports/") or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    default_storage.delete(name)
    return data


def roadmap_preview(*, partner: Organisation, file: IO[bytes]) -> RoadmapPlan:
    """Read and check a road-map file and say what importing it would change; writes nothing."""
    return parse_roadmap(partner=partner, file=file)


@transaction.atomic
def roadmap_import(
    *, partner: Organisation, file: IO[bytes] | None = None, plan: RoadmapPlan | None = None, actor: Any = None
) -> RoadmapPlan:
    """Import a road map, all or nothing, through the project, duty and milestone services.

    Projects in the file are created or updated (their duties and milestones replaced by the file's); projects of
    the partner that are not in the file are deleted only with `plan.delete_missing`. A plan with errors writes
    nothing. Records the named action `roadmap_import` with the counts.
    """
    if plan is None:
        assert file is not None
        plan = parse_roadmap(partner=partner, file=file)
    if not plan.ok:
        return plan
    with acting_as(actor):
        existing = {p.code: p for p in Project.objects.filter(partner=partner)}
        for row in plan.projects:
            project = existing.get(row.code)
            if project is None:
                project = project_create(partner=partner, code=row.code, actor=actor, **row.values)
            else:
                project = project_update(project=project, actor=actor, **row.values)
                for duty in list(project.duties.all()):
                    duty_delete(duty=duty, actor=actor)
                if plan.has_milestones:
                    for milestone in list(project.milestones.all()):
                        milestone_delete(milestone=milestone, actor=actor)
            for organisation, text in plan.duties.get(row.code, []):
                duty_add(project=project, organisation=organisation, text=text, actor=actor)
            for item in plan.milestones.get(row.code, []):
                milestone_add(project=project, actor=actor, **item)
        if plan.delete_missing:
            for code in plan.removed:
                project_delete(project=existing[code], actor=actor)
        plan.applied = True
        audit_event(
            actor=actor,
            action="roadmap_import",
            obj=partner,
            data={
                "created": plan.created,
                "updated": len(plan.changed),
                "unchanged": len(plan.unchanged),
                "deleted": len(plan.removed) if plan.delete_missing else 0,
                "duties": plan.duty_count,
                "milestones": plan.milestone_count,
            },
        )
    return plan


# --- weekly digest ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestResult:
    sent: int
    skipped: int


def _digest_milestones(user: Any, today: date) -> tuple[list[Milestone], list[Milestone]]:
    agreements = Agreement.objects.filter(responsible_operators=user)
    partner_ids = AgreementParty.objects.filter(agreement__in=agreements).exclude(role=AgreementParty.Role.CITY)
    scope = Q(project__agreement__in=agreements) | Q(
        project__agreement__isnull=True, project__partner_id__in=partner_ids.values("organisation_id")
    )
    base = (
        Milestone.objects.filter(scope)
        .select_related("project", "project__partner", "responsible")
        .order_by("due_on", "id")
    )
    overdue = list(base.filter(rules.milestone_overdue_q(today)))
    upcoming = list(base.filter(rules.milestone_due_soon_q(today)))
    return upcoming, overdue


def digest_send(*, today: date | None = None) -> DigestResult:
    """E-mail each responsible operator the milestones due soon and those overdue; once per ISO week."""
    today = today or date.today()
    days_ahead = rules.warning_days()
    iso_year, week, _weekday = today.isocalendar()
    users = (
        get_user_model()
        .objects.filter(is_active=True, partnership_agreements__isnull=False)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    sent = skipped = 0
    for user in users:
        if not is_operator(user):
            skipped += 1
            continue
        upcoming, overdue = _digest_milestones(user, today)
        if not upcoming and not overdue:
            skipped += 1
            continue
        email_enqueue(
            to=user.email,
            template="partnerships/email/digest",
            context={
                "user": user,
                "today": today,
                "days_ahead": days_ahead,
                "upcoming": upcoming,
                "overdue": overdue,
                "iso_week": week,
            },
            language="ru",
            idempotency_key=f"partnerships:digest:{user.pk}:{iso_year}-W{week:02d}",
        )
        sent += 1
    return DigestResult(sent=sent, skipped=skipped)
