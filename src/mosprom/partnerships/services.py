"""Writes of the partnerships part: the only way agreements, projects, duties and milestones change.

Every function validates through the models' `full_clean()` (the same rules the admin applies)
and runs inside one transaction, so nothing is saved half-way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet

from mosprom.core.roles import is_operator
from mosprom.core.services import email_enqueue
from mosprom.registry.models import Organisation, Site

from . import rules
from .models import Agreement, AgreementParty, Direction, Duty, Milestone, Project


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
) -> Agreement:
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
    agreement.full_clean()
    agreement.save()
    for order, (organisation, role) in enumerate(parties):
        AgreementParty.objects.create(agreement=agreement, organisation=organisation, role=role, order=order)
    for order, (text, responsible) in enumerate(directions):
        direction = Direction(agreement=agreement, text=text, responsible=responsible, order=order)
        direction.full_clean()
        direction.save()
    return agreement


@transaction.atomic
def agreement_terminate(*, agreement: Agreement, on: date) -> Agreement:
    agreement.terminated_on = on
    agreement.full_clean()
    agreement.save(update_fields=["terminated_on", "updated_at"])
    return agreement


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
) -> Project:
    """Create a road-map project with its duties and milestones, all or nothing.

    Without an explicit partner the first party of the agreement that is not the city is the partner.
    """
    if partner is None and agreement is not None:
        party = agreement.parties.exclude(role=AgreementParty.Role.CITY).select_related("organisation").first()
        partner = party.organisation if party else None
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
    project.full_clean()
    project.save()
    for organisation, text in duties:
        duty_add(project=project, organisation=organisation, text=text)
    for item in milestones:
        milestone_add(project=project, **item)
    return project


@transaction.atomic
def project_update(*, project: Project, **fields: Any) -> Project:
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def duty_add(*, project: Project, organisation: Organisation, text: str) -> Duty:
    duty = Duty(project=project, organisation=organisation, text=text)
    duty.full_clean()
    duty.save()
    return duty


@transaction.atomic
def milestone_add(
    *,
    project: Project,
    title: str,
    due_on: date,
    responsible: Organisation | None = None,
    done_on: date | None = None,
) -> Milestone:
    milestone = Milestone(project=project, title=title, due_on=due_on, responsible=responsible, done_on=done_on)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_mark_done(*, milestones: Iterable[Milestone] | QuerySet[Milestone], on: date | None = None) -> int:
    """Mark the given milestones done on `on` (today by default); those already done keep their date."""
    on = on or date.today()
    ids = [m.pk for m in milestones]
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
def project_milestones_mark_done(*, projects: Iterable[Project], on: date | None = None) -> int:
    on = on or date.today()
    ids = [p.pk for p in projects]
    return _mark_done(Milestone.objects.filter(project_id__in=ids, done_on__isnull=True, due_on__lte=on), on)


# --- XLSX import -----------------------------------------------------------------------------


def roadmap_import(*, partner: Organisation, file: IO[bytes]) -> Any:
    """Import a road map from an XLSX file; all or nothing. Returns an ImportReport."""
    from .xlsx import roadmap_import_file

    return roadmap_import_file(partner=partner, file=file)


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
