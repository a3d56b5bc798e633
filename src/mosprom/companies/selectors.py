"""Reads of the company cabinet: always scoped to the organisations a user represents, or to operators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from mosprom.core.formatting import format_number
from mosprom.core.roles import is_operator
from mosprom.registry import rules as registry_rules
from mosprom.registry.models import AnnualReport, Organisation, Status, StatusKind

from . import rules
from .models import (
    AccessRequest,
    Application,
    ApplicationDocument,
    Decision,
    HostApplication,
    HostCapability,
    Invitation,
    ProductionReport,
    ProfileProposal,
    ReportFiling,
    Representative,
    StatusKindTerms,
)

PENDING = Decision.State.PENDING


def representations(user: Any) -> QuerySet[Representative]:
    if not getattr(user, "is_authenticated", False):
        return Representative.objects.none()
    return Representative.objects.filter(user=user).select_related("organisation").order_by("organisation__short_name")


def representation(user: Any, organisation_id: int) -> Representative | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Representative.objects.filter(user=user, organisation_id=organisation_id).select_related("organisation").first()
    )


def is_representative(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and Representative.objects.filter(user=user).exists()


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """Operators see every case file; a representative only those of the organisations they represent."""
    qs = Application.objects.select_related("organisation", "kind", "site", "record")
    if is_operator(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(organisation__representatives__user=user)


def application_detail(application: Application) -> dict[str, Any]:
    questions = rules.questionnaire(kind_terms(application.kind).questions)
    verdicts = list(application.record.verdicts.all()) if application.record_id else []  # type: ignore[union-attr]
    return {
        "application": application,
        "questions": [(q, application.answers.get(q.code, "")) for q in questions],
        "documents": list(application.documents.all()),
        "events": list(application.events.select_related("actor")),
        "verdicts": verdicts,
        "operator_actions": rules.operator_actions(application.stage),
        "editable": application.stage in (Application.Stage.DRAFT, Application.Stage.INFO_REQUESTED),
        "status": getattr(application.record, "status", None) if application.record_id else None,
    }


def document_visible_to(user: Any, pk: int) -> ApplicationDocument | None:
    return ApplicationDocument.objects.filter(application__in=applications_visible_to(user), pk=pk).first()


def kind_terms(kind: StatusKind) -> StatusKindTerms:
    terms = StatusKindTerms.objects.filter(kind=kind).first()
    return terms or StatusKindTerms(kind=kind, questions=list(rules.DEFAULT_QUESTIONS))


def status_kinds() -> QuerySet[StatusKind]:
    return StatusKind.objects.order_by("name")


@dataclass
class ReportDue:
    """The report a status owes now (last year's), or, when that is settled, the next one (this year's)."""

    status: Status
    year: int
    deadline: date
    report: AnnualReport | None
    overdue: bool
    failing: bool
    days_left: int = 0  # until the deadline (0 once it has passed)
    days_overdue: int = 0
    upcoming: bool = False  # the year has not ended: the report cannot be filed yet
    filing: ReportFiling | None = None  # the latest filing of the report from the cabinet, if any

    @property
    def asks_output(self) -> bool:
        return bool(self.status.kind.report_asks_output)

    @property
    def obligations(self) -> str:
        return report_obligations(self.status)

    @property
    def returned(self) -> bool:
        """The operator returned the report: the company corrects it and files it again."""
        return self.filing is not None and self.filing.state == Decision.State.REJECTED


def reports_due(organisation: Organisation, *, today: date | None = None) -> list[ReportDue]:
    """For each current status with obligations: an earlier report still missing (overdue until filed), last year's
    report with its kind's deadline and whether it is late, failing or returned; a status that owes nothing yet
    (granted this year) shows this year's report ahead."""
    today = today or timezone.localdate()
    year = today.year - 1
    statuses = list(
        Status.objects.filter(holder=organisation)
        .exclude(state__in=[Status.State.REVOKED, Status.State.EXPIRED])
        .select_related("kind", "site")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=AnnualReport.objects.filter(
                    year__gte=today.year - registry_rules.REPORT_LOOKBACK_YEARS, year__lte=year
                ).prefetch_related(Prefetch("filings", queryset=ReportFiling.objects.order_by("-revision"))),
            )
        )
    )
    out: list[ReportDue] = []
    for s in statuses:
        reports = {r.year: r for r in s.reports.all()}
        missed = registry_rules.first_missed_report_year(s, today, filed=reports)
        rows_before = len(out)
        if missed is not None and missed < year:  # an earlier report still missing comes first
            deadline = registry_rules.status_report_deadline(s, missed)
            out.append(
                ReportDue(
                    status=s,
                    year=missed,
                    deadline=deadline,
                    report=None,
                    overdue=True,
                    failing=False,
                    days_overdue=registry_rules.report_days_overdue(deadline, today),
                )
            )
        if registry_rules.status_owes_report(s, year):  # and last year's, filed, returned or owed, beside it
            report = reports.get(year)
            filing = next(iter(report.filings.all()), None) if report is not None else None
            deadline = registry_rules.status_report_deadline(s, year)
            overdue = registry_rules.report_overdue(deadline, today, filed=report is not None)
            out.append(
                ReportDue(
                    status=s,
                    year=year,
                    deadline=deadline,
                    report=report,
                    overdue=overdue,
                    failing=report is not None and not report.meets_obligations,
                    days_left=max((deadline - today).days, 0),
                    days_overdue=registry_rules.report_days_overdue(deadline, today) if overdue else 0,
                    filing=filing,
                )
            )
        if len(out) == rows_before and registry_rules.status_owes_report(s, today.year):
            deadline = registry_rules.status_report_deadline(s, today.year)
            out.append(
                ReportDue(
                    status=s,
                    year=today.year,
                    deadline=deadline,
                    report=None,
                    overdue=False,
                    failing=False,
                    days_left=(deadline - today).days,
                    upcoming=True,
                )
            )
    return out


def cabinet(*, organisation: Organisation, representative: Representative) -> dict[str, Any]:
    capability = HostCapability.objects.filter(organisation=organisation).first()
    return {
        "organisation": organisation,
        "representative": representative,
        "applications": list(
            Application.objects.filter(organisation=organisation).select_related("kind").order_by("-stage_changed_at")
        ),
        "statuses": list(Status.objects.filter(holder=organisation).select_related("kind", "site")),
        "reports_due": reports_due(organisation),
        "proposals": list(ProfileProposal.objects.filter(organisation=organisation).select_related("decided_by")[:10]),
        "production_reports": list(
            ProductionReport.objects.filter(organisation=organisation).select_related("site", "decided_by")[:20]
        ),
        "filings": list(
            ReportFiling.objects.filter(organisation=organisation).select_related("report", "report__status__kind")[:20]
        ),
        "host_capability": capability,
        "host_application": HostApplication.objects.filter(organisation=organisation).first(),
    }


def team(*, organisation: Organisation) -> dict[str, Any]:
    return {
        "representatives": list(
            Representative.objects.filter(organisation=organisation).select_related("user").order_by("-is_manager")
        ),
        "invitations": list(
            Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True)
        ),
        "access_requests": list(AccessRequest.objects.filter(organisation=organisation, state=PENDING)),
        "tokens": list(organisation_tokens(organisation)),
    }


def organisation_tokens(organisation: Organisation) -> QuerySet[Any]:
    from .models import CompanyToken

    return CompanyToken.objects.filter(organisation=organisation, api_token__revoked=False).select_related("api_token")


# --- tours: what the tours part must check ------------------------------------------------------------------


def host_needs_moderation(organisation_id: int) -> bool:
    """True while a new host's next tour must be checked by an operator before it is published.

    Hosts that joined through a host application keep `moderated_tours` (setting
    COMPANIES_NEW_HOST_MODERATED_TOURS) of their first tours under moderation; existing hosts have none.
    """
    capability = HostCapability.objects.filter(organisation_id=organisation_id).first()
    if capability is None or capability.moderated_tours == 0:
        return False
    from mosprom.tours.models import Tour

    published = Tour.objects.filter(host_id=organisation_id, published_at__isnull=False).count()
    return rules.host_tour_needs_moderation(
        moderated_tours=capability.moderated_tours, tours_already_published=published
    )


def is_host_organisation(organisation_id: int) -> bool:
    return HostCapability.objects.filter(organisation_id=organisation_id).exists()


# --- the operator's work queue -----------------------------------------------------------------------------------

QUEUE_KINDS: dict[str, Any] = {
    "access": _("access requests"),
    "profile": _("profile changes"),
    "production": _("productions"),
    "application": _("status applications"),
    "report": _("annual reports"),
    "host": _("host applications"),
}


PROFILE_LABELS: dict[str, Any] = {
    "description": _("description"),
    "website": _("web address"),
    "contacts": _("contacts"),
    "site": _("site"),
}


@dataclass
class WorkItem:
    kind: str
    pk: int
    organisation: str
    title: str
    detail: str
    since: datetime
    days_allowed: int
    actions: list[str]
    url: str = ""
    stage: str = ""
    age: int = 0
    overdue: bool = False
    due: datetime | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(QUEUE_KINDS[self.kind])


def money(value: Decimal) -> str:
    """Million roubles as people write them: «120», «1 250,5» (no trailing zeros)."""
    return format_number(Decimal(value).normalize())


def report_obligations(status: Status) -> str:
    """The obligations an annual report is measured against, as the cabinet and the report forms show them."""
    return _("Obligations: %(jobs)s jobs, %(prods)s new productions, %(inv)s million roubles of investment.") % {
        "jobs": format_number(status.obliged_jobs),
        "prods": format_number(status.obliged_productions),
        "inv": money(status.obliged_investment),
    }


def _days(kind: str) -> int:
    return int(settings.COMPANIES_REVIEW_DAYS.get(kind, 14))


def work_queue(
    *, kind: str = "", stage: str = "", overdue_only: bool = False, q: str = "", now: datetime | None = None
) -> dict[str, Any]:
    """Everything waiting for an operator, oldest first, with counts per kind (a fixed number of queries)."""
    from django.urls import reverse

    now = now or timezone.now()
    items: list[WorkItem] = []
    org_q = Q(organisation__short_name__icontains=q) | Q(organisation__inn=q) if q else Q()
    dec_actions = ["accept", "reject"]

    def want(k: str) -> bool:
        return not kind or kind == k

    if want("access"):
        has_manager = Exists(Representative.objects.filter(organisation=OuterRef("organisation"), is_manager=True))
        # A registered INN goes to the organisation's managers; the operator decides when it has none.
        for r in (
            AccessRequest.objects.filter(state=PENDING)
            .exclude(has_manager)
            .filter(Q(organisation_name__icontains=q) | Q(inn=q) if q else Q())
        ):
            items.append(
                WorkItem(
                    "access",
                    r.pk,
                    r.organisation_name,
                    str(_("Access to the cabinet")),
                    f"{r.contact_name}, {_('INN')} {r.inn}",
                    r.created_at,
                    _days("access"),
                    dec_actions,
                )
            )
    if want("profile"):
        for p in ProfileProposal.objects.filter(state=PENDING).filter(org_q).select_related("organisation"):
            items.append(
                WorkItem(
                    "profile",
                    p.pk,
                    p.organisation.short_name,
                    str(_("Profile changes")),
                    "; ".join(f"{PROFILE_LABELS.get(k, k)}: {v[:80]}" for k, v in p.changes.items()),
                    p.created_at,
                    _days("profile"),
                    dec_actions,
                )
            )
    if want("production"):
        for pr in ProductionReport.objects.filter(state=PENDING).filter(org_q).select_related("organisation", "site"):
            parts = [pr.site.name if pr.site else "", date_format(pr.opened_on, "j E Y") if pr.opened_on else ""]
            if pr.jobs:
                parts.append(ngettext("%(n)s job", "%(n)s jobs", pr.jobs) % {"n": pr.jobs})
            items.append(
                WorkItem(
                    "production",
                    pr.pk,
                    pr.organisation.short_name,
                    pr.product,
                    ", ".join(p for p in parts if p),
                    pr.created_at,
                    _days("production"),
                    dec_actions,
                )
            )
    if want("application"):
        apps = Application.objects.filter(
            stage__in=[Application.Stage.COMPLETENESS, Application.Stage.EXPERT_REVIEW]
        ).filter(org_q)
        if stage:
            apps = apps.filter(stage=stage)
        for a in apps.select_related("organisation", "kind", "kind__terms").annotate(
            n_verdicts=Count("record__verdicts")
        ):
            terms = getattr(a.kind, "terms", None)
            item = WorkItem(
                "application",
                a.pk,
                a.organisation.short_name,
                a.kind.name,
                a.get_stage_display(),
                a.submitted_at or a.stage_changed_at,
                terms.review_days if terms else _days("application"),
                rules.operator_actions(a.stage),
                reverse("companies:operator_application", kwargs={"pk": a.pk}),
                stage=a.stage,
            )
            if a.stage == Application.Stage.EXPERT_REVIEW and not a.n_verdicts:
                item.flags.append(str(_("no expert verdict yet")))
            items.append(item)
    if want("report"):
        filings = list(
            ReportFiling.objects.filter(state=PENDING)
            .filter(org_q)
            .select_related("organisation", "report", "report__status__kind")
        )
        # a corrected report: what the operator said when returning the previous version (one query for all)
        returned_comments = {
            (r.report_id, r.revision): r.decision_comment
            for r in ReportFiling.objects.filter(
                report_id__in=[f.report_id for f in filings if f.revision > 1], state=Decision.State.REJECTED
            ).only("report_id", "revision", "decision_comment")
        }
        for f in filings:
            status = f.report.status
            deadline = registry_rules.status_report_deadline(status, f.report.year)
            figures = _(
                "jobs %(jobs)s of %(ojobs)s, productions %(prods)s of %(oprods)s, investment %(inv)s of %(oinv)s"
            ) % {
                "jobs": f.jobs,
                "ojobs": status.obliged_jobs,
                "prods": f.productions_launched,
                "oprods": status.obliged_productions,
                "inv": money(f.investment),
                "oinv": money(status.obliged_investment),
            }
            if f.output is not None:
                figures += ", " + _("output %(output)s") % {"output": money(f.output)}
            detail = f"{figures}; " + _("due by %(deadline)s") % {"deadline": date_format(deadline, "j E Y")}
            if f.revision > 1:
                detail += "; " + _("returned earlier: «%(comment)s»") % {
                    "comment": returned_comments.get((f.report_id, f.revision - 1), "")
                }
            item = WorkItem(
                "report",
                f.pk,
                f.organisation.short_name,
                f"{status.kind.name}, {f.report.year}",
                detail,
                f.created_at,
                _days("report"),
                dec_actions,
            )
            if f.revision > 1:
                item.flags.append(str(_("corrected, version %(n)s") % {"n": f.revision}))
            if f.late:
                days_late = registry_rules.report_days_overdue(deadline, f.report.submitted_on)
                item.flags.append(
                    ngettext("late by %(n)s day", "late by %(n)s days", days_late) % {"n": days_late}
                    if days_late
                    else str(pgettext_lazy("report", "late"))
                )
            if not f.meets_obligations:
                item.flags.append(str(_("fails the obligations")))
            items.append(item)
    if want("host"):
        for h in HostApplication.objects.filter(state=PENDING).filter(org_q).select_related("organisation"):
            items.append(
                WorkItem(
                    "host",
                    h.pk,
                    h.organisation.short_name,
                    str(_("Host programme")),
                    h.tours_offered[:120],
                    h.created_at,
                    _days("host"),
                    dec_actions,
                )
            )
    for it in items:
        it.age = rules.age_days(it.since, now)
        it.due = it.since + timedelta(days=it.days_allowed)
        it.overdue = rules.is_overdue(since=it.since, days_allowed=it.days_allowed, now=now)
    counts = {k: 0 for k in QUEUE_KINDS}
    overdue_counts = {k: 0 for k in QUEUE_KINDS}
    for it in items:
        counts[it.kind] += 1
        overdue_counts[it.kind] += int(it.overdue)
    if overdue_only:
        items = [it for it in items if it.overdue]
    items.sort(key=lambda it: it.since)
    return {
        "items": items,
        "counts": [(k, QUEUE_KINDS[k], counts[k], overdue_counts[k]) for k in QUEUE_KINDS],
        "total": sum(counts.values()),
        "overdue_total": sum(overdue_counts.values()),
    }


def flagged_statuses(*, now: datetime | None = None) -> list[Status]:
    """Statuses flagged for review, longest waiting first, each with `age` (days since it was flagged)."""
    now = now or timezone.now()
    statuses = list(
        Status.objects.filter(state=Status.State.FLAGGED)
        .select_related("kind", "holder")
        .order_by(F("flagged_at").asc(nulls_first=True), "pk")
    )
    for s in statuses:
        s.age = rules.age_days(s.flagged_at, now) if s.flagged_at else None  # type: ignore[attr-defined]
    return statuses


@dataclass
class OverdueReport:
    status: Status
    year: int
    deadline: date
    days_overdue: int


@dataclass
class KindDeadline:
    kind: StatusKind
    deadline: date  # for last year's report
    reminder_days: tuple[int, ...]
    review_days: int
    owing: int = 0
    filed: int = 0
    overdue: int = 0


def report_deadlines(*, today: date | None = None) -> dict[str, Any]:
    """The operator's view of the annual reports: per kind of status its deadline for last year's report, how many
    statuses owe it, how many filed and how many are overdue; and the reports still missing after their deadline
    (last year's or, while it is not yet due, the year before's: `registry.rules.first_missed_report_year`), most
    overdue first."""
    today = today or timezone.localdate()
    year = today.year - 1
    first = today.year - registry_rules.REPORT_LOOKBACK_YEARS
    filed: dict[int, set[int]] = {}
    for status_id, report_year in AnnualReport.objects.filter(year__gte=first, year__lte=year).values_list(
        "status_id", "year"
    ):
        filed.setdefault(status_id, set()).add(report_year)
    terms = kind_terms_map()
    kinds = {
        k.pk: KindDeadline(
            kind=k,
            deadline=registry_rules.report_deadline(k, year),
            reminder_days=registry_rules.report_reminder_days(k),
            review_days=terms[k.pk].review_days if k.pk in terms else _days("application"),
        )
        for k in StatusKind.objects.order_by("name")
    }
    overdue: list[OverdueReport] = []
    owing_q = Q()
    for y in range(first, year + 1):
        owing_q |= registry_rules.status_owes_report_q(y)
    for status in Status.objects.filter(owing_q).select_related("kind", "holder"):
        row = kinds[status.kind_id]
        years = filed.get(status.pk, set())
        if registry_rules.status_owes_report(status, year):
            row.owing += 1
            if year in years:
                row.filed += 1
            elif registry_rules.report_overdue(row.deadline, today, filed=False):
                row.overdue += 1
        missed = registry_rules.first_missed_report_year(status, today, filed=years)
        if missed is not None:
            deadline = registry_rules.status_report_deadline(status, missed)
            overdue.append(OverdueReport(status, missed, deadline, registry_rules.report_days_overdue(deadline, today)))
    overdue.sort(key=lambda o: (-o.days_overdue, o.status.holder.short_name))
    return {"year": year, "kinds": list(kinds.values()), "overdue_reports": overdue}


def kind_terms_map() -> dict[int, StatusKindTerms]:
    return {t.kind_id: t for t in StatusKindTerms.objects.all()}
