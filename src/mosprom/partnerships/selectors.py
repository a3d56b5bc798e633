"""Reads of the partnerships part. Every list runs a constant number of queries."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from mosprom.registry.models import Organisation

from . import rules
from .models import Agreement, AgreementParty, Direction, Milestone, Project


def agreement_list(
    *,
    kind: str | None = None,
    status: str | None = None,
    partner: Organisation | None = None,
    active: bool | None = None,
    with_directions: bool = False,
    today: date | None = None,
) -> QuerySet[Agreement]:
    """Agreements with their parties prefetched and their project count annotated (newest first)."""
    today = today or date.today()
    qs = Agreement.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if status in Agreement.Status.values:
        qs = qs.filter(rules.agreement_status_q(status, today))
    if active is not None:
        qs = qs.filter(rules.agreement_active_q(today)) if active else qs.exclude(rules.agreement_active_q(today))
    if partner is not None:
        qs = qs.filter(pk__in=AgreementParty.objects.filter(organisation=partner).values("agreement_id"))
    prefetch: list[Any] = [
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation").order_by("order", "id"))
    ]
    if with_directions:
        prefetch.append(
            Prefetch("directions", queryset=Direction.objects.select_related("responsible").order_by("order", "id"))
        )
    return (
        qs.annotate(projects_count=Count("projects", distinct=True))
        .prefetch_related(*prefetch)
        .order_by("-signed_on", "title", "pk")
    )


def agreement_detail(*, slug: str, today: date | None = None) -> Agreement | None:
    """The agreement with its parties, directions and documents; `.state` holds its status and days left."""
    agreement = (
        Agreement.objects.filter(slug=slug)
        .select_related("related_to")
        .prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation").order_by("order", "id")),
            "directions__responsible",
            "documents",
            "related_agreements",
        )
        .first()
    )
    if agreement is not None:
        agreement.state = rules.agreement_state(agreement, today or date.today())  # type: ignore[attr-defined]
    return agreement


def agreement_projects(*, agreement: Agreement, today: date | None = None) -> QuerySet[Project]:
    return (
        Project.objects.filter(agreement=agreement)
        .with_progress(today)
        .select_related("partner", "site")
        .order_by("is_demo", "category", "planned_start", "code")
    )


def project_list(
    *,
    partner: Organisation | None = None,
    agreement: Agreement | None = None,
    category: str | None = None,
    status: str | None = None,
    active: bool | None = None,
) -> QuerySet[Project]:
    """Projects with their public relations loaded (the open-data list), in a stable order."""
    qs = Project.objects.select_related("partner", "agreement", "site").prefetch_related(
        Prefetch("duties", queryset=_duties())
    )
    if partner is not None:
        qs = qs.filter(partner=partner)
    if agreement is not None:
        qs = qs.filter(agreement=agreement)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    if active is True:
        qs = qs.exclude(status__in=Project.CLOSED_STATUSES)
    elif active is False:
        qs = qs.filter(status__in=Project.CLOSED_STATUSES)
    return qs.order_by("partner__slug", "code", "id")


def partners_with_roadmaps() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(roadmap_projects__isnull=False)
        .annotate(projects_count=Count("roadmap_projects"))
        .order_by("short_name")
    )


def roadmap_projects(
    *,
    partner: Organisation,
    category: str | None = None,
    status: str | None = None,
    active_only: bool = False,
    include_milestones: bool = False,
    today: date | None = None,
) -> QuerySet[Project]:
    """A partner's road-map projects, progress annotated; milestones prefetched only when asked (operators)."""
    today = today or date.today()
    qs = Project.objects.filter(partner=partner)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    if active_only:
        qs = qs.exclude(status__in=Project.CLOSED_STATUSES)
    qs = qs.with_progress(today).select_related("site", "agreement")
    if include_milestones:
        qs = qs.prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.select_related("responsible").order_by("due_on", "id")),
            Prefetch("duties", queryset=_duties()),
        )
    else:
        qs = qs.prefetch_related(Prefetch("duties", queryset=_duties()))
    category_rank = Case(
        *[When(category=v, then=Value(i)) for i, v in enumerate(Project.Category.values)], output_field=IntegerField()
    )
    status_rank = Case(
        *[When(status=v, then=Value(i)) for i, v in enumerate(Project.Status.values)], output_field=IntegerField()
    )
    return qs.order_by(category_rank, status_rank, "planned_start", "code")


def _duties() -> QuerySet[Any]:
    from .models import Duty

    return Duty.objects.select_related("organisation").order_by("id")


def roadmap_summary(*, partner: Organisation) -> dict[str, Any]:
    """Counts of the partner's projects by category and status (one query)."""
    rows = (
        Project.objects.filter(partner=partner)
        .values("category", "status")
        .annotate(n=Count("id"))
        .order_by("category", "status")
    )
    cells: dict[tuple[str, str], int] = {(r["category"], r["status"]): r["n"] for r in rows}
    matrix: list[dict[str, Any]] = []
    for value, label in Project.Category.choices:
        counts = [cells.get((value, s), 0) for s in Project.Status.values]
        if sum(counts):
            matrix.append({"value": value, "label": label, "counts": counts, "total": sum(counts)})
    totals = [sum(row["counts"][i] for row in matrix) for i in range(len(Project.Status.values))]
    return {
        "rows": matrix,
        "statuses": Project.Status.choices,
        "totals": totals,
        "total": sum(totals),
    }


def overdue_milestones(*, partner: Organisation | None = None, today: date | None = None) -> QuerySet[Milestone]:
    today = today or date.today()
    qs = Milestone.objects.filter(rules.milestone_overdue_q(today))
    if partner is not None:
        qs = qs.filter(project__partner=partner)
    return qs.select_related("project", "project__partner", "responsible").order_by("due_on", "id")


def project_detail(*, pk: int, today: date | None = None) -> Project | None:
    """The project with duties and milestones; `.late` and each milestone's `.state` are the rules' flags."""
    today = today or date.today()
    project = (
        Project.objects.filter(pk=pk)
        .with_progress(today)
        .select_related("partner", "agreement", "site")
        .prefetch_related(
            Prefetch("duties", queryset=_duties()),
            Prefetch("milestones", queryset=Milestone.objects.select_related("responsible").order_by("due_on", "id")),
        )
        .first()
    )
    if project is not None:
        project.late = rules.project_late(project, today)  # type: ignore[attr-defined]
        for milestone in project.milestones.all():
            milestone.state = rules.milestone_state(milestone, today, project=project)  # type: ignore[attr-defined]
    return project


def partnership_kpis(today: date | None = None) -> dict[str, Any]:
    """Figures for the analytics dashboard (a fixed handful of queries)."""
    today = today or date.today()
    agreements_active = Agreement.objects.filter(rules.agreement_active_q(today)).count()
    expiring = Agreement.objects.filter(rules.agreement_expiring_q(today)).count()

    status_labels = dict(Project.Status.choices)
    category_labels = dict(Project.Category.choices)
    by_status: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    for row in Project.objects.values("status", "category").annotate(n=Count("id")):
        by_status[str(status_labels.get(row["status"], row["status"]))] += row["n"]
        by_category[str(category_labels.get(row["category"], row["category"]))] += row["n"]
    projects_total = sum(by_status.values())

    agg = Milestone.objects.values("project_id").annotate(
        total=Count("id"), done=Count("id", filter=Q(done_on__isnull=False))
    )
    shares = [row["done"] / row["total"] for row in agg if row["total"]]
    average_progress = (sum(shares) / len(shares)) if shares else None

    overdue = Milestone.objects.filter(rules.milestone_overdue_q(today)).count()
    per_partner = {
        row["partner__short_name"]: row["n"]
        for row in Project.objects.values("partner__short_name").annotate(n=Count("id")).order_by("-n")
    }
    return {
        "agreements_active": agreements_active,
        "agreements_expiring_within_days": {"days": rules.expiring_days(), "count": expiring},
        "projects_by_status": dict(by_status),
        "projects_by_category": dict(by_category),
        "average_progress": average_progress,
        "overdue_milestones": overdue,
        "projects_total": projects_total,
        "projects_per_partner": per_partner,
    }
