"""Demo company cabinet: representatives and one synthetic company in every stage. Idempotent.

Every organisation here is a synthetic «демо» record from the registry's demo set; the people are demo
accounts (password below). Everything is written through `companies.services`, like a user would.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mosprom.companies import services
from mosprom.companies.models import (
    AccessRequest,
    Application,
    ApplicationEvent,
    HostApplication,
    Invitation,
    ProductionReport,
    ProfileProposal,
    ReportFiling,
    Representative,
    StatusKindTerms,
)
from mosprom.registry import rules as registry_rules
from mosprom.registry import services as registry_services
from mosprom.registry.models import Organisation, Status, StatusKind

PASSWORD = "company-demo-2026"
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
ANSWERS = {
    "area": "18500",
    "investment": "420",
    "jobs": "260",
    "new_productions": "2",
    "products": "Силовая электроника\nКонденсаторы (демо)",
}
# org slug, user, stage of its industrial-complex application
SCENARIOS = [
    ("demo-org-040", "company-draft", "draft"),
    ("demo-org-041", "company-submitted", "completeness"),
    ("demo-org-042", "company-question", "info_requested"),
    ("demo-org-043", "company-expertise", "expert_review"),
    ("demo-org-044", "company-approved", "approved"),
    ("demo-org-045", "company-rejected", "rejected"),
]

# The annual report of each kind: (month, day) of the following year, reminders (days before), output asked.
# Illustrative rules for the demo; an operator sets the real ones on the kind of status in the back-office.
REPORT_RULES = {
    "city-technopark": (4, 1, "30,7,1", False),
    "industrial-complex": (5, 1, "30,14,3", True),
    "priority-investment-project": (3, 1, "30,7", True),
    "sez-resident": (6, 30, "14", True),
}
# org slug, user, what its industrial-complex status shows in the cabinet and the operator's queue
REPORT_SCENARIOS = [
    ("demo-org-046", "company-report-overdue", "overdue"),  # the latest report past its deadline is missing
    ("demo-org-047", "company-report-returned", "returned"),  # filed on time, returned by the operator
    ("demo-org-048", "company-report-due", "due"),  # granted lately: its first report is ahead
]
PENDING_INVITATION = ("demo-org-041", "new-colleague@demo.mosprom.example")


def _user(username: str, first_name: str = "") -> Any:
    User = get_user_model()
    email = f"{username}@demo.mosprom.example"
    user, created = User.objects.get_or_create(username=email, defaults={"email": email, "first_name": first_name})
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


def _operator() -> Any:
    return get_user_model().objects.filter(username="operator").first()


def _rep(user: Any, organisation: Organisation, operator: Any) -> None:
    if not Representative.objects.filter(user=user, organisation=organisation).exists():
        services.representative_add(actor=operator, user=user, organisation=organisation, is_manager=True)


def _age(model: Any, pk: int, days: int) -> None:
    """Demo only: make a waiting item look `days` old so the work queue shows ages and overdue items."""
    model.objects.filter(pk=pk).update(created_at=timezone.now() - timedelta(days=days))


def _application(org: Organisation, user: Any, operator: Any, stage: str, kind: StatusKind) -> None:
    if Application.objects.filter(organisation=org, kind=kind).exists():
        return
    app = services.application_create(actor=user, organisation=org, kind=kind, is_demo=True)
    services.application_save_answers(actor=user, application=app, answers=ANSWERS)
    if stage == "draft":
        return
    upload = SimpleUploadedFile("obosnovanie-demo.pdf", DEMO_PDF, content_type="application/pdf")
    services.application_add_document(actor=user, application=app, upload=upload)
    services.application_submit(actor=user, application=app)
    if stage == "info_requested":
        services.application_request_info(
            actor=operator, application=app, message="Приложите выписку из ЕГРН на производственные помещения (демо)."
        )
    if stage in ("expert_review", "approved"):
        services.application_start_review(actor=operator, application=app)
        services.application_add_verdict(
            actor=operator,
            application=app,
            expert_name="Эксперт ДИПП (демо)",
            verdict="support",
            comment="Площадь и занятость подтверждены документами.",
        )
    if stage == "approved":
        services.application_approve(actor=operator, application=app, message="Статус предоставлен (демо).")
    if stage == "rejected":
        services.application_reject(
            actor=operator, application=app, message="Площадь производственных помещений меньше требуемой (демо)."
        )
    submitted = timezone.now() - timedelta(days={"completeness": 35, "info_requested": 12}.get(stage, 5))
    Application.objects.filter(pk=app.pk).update(submitted_at=submitted, stage_changed_at=submitted)
    for n, event in enumerate(app.events.order_by("pk")):  # demo only: the history starts when it was submitted
        ApplicationEvent.objects.filter(pk=event.pk).update(created_at=submitted + timedelta(hours=n))


def load() -> list[str]:
    operator = _operator()
    if operator is None:
        return []
    lines = ["", "Company cabinet (demo companies, password " + PASSWORD + "):"]
    services.representatives_from_host_staff()
    for kind in StatusKind.objects.all():
        StatusKindTerms.objects.get_or_create(
            kind=kind,
            defaults={
                "questions": ["area", "residents", "investment", "jobs", "new_productions", "products"]
                if kind.code == "city-technopark"
                else ["area", "investment", "jobs", "new_productions", "products"],
                "review_days": 30,
            },
        )
    industrial = StatusKind.objects.filter(code="industrial-complex").first()
    if industrial is None:
        return []
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=[s for s, _u, _st in SCENARIOS])}
    for slug, username, stage in SCENARIOS:
        org = orgs.get(slug)
        if org is None:
            continue
        user = _user(username, "Демо")
        _rep(user, org, operator)
        _application(org, user, operator, stage, industrial)
        lines.append(f"  {org.short_name}: {user.username} (application: {stage})")

    draft = orgs.get("demo-org-040")
    if draft is not None and not ProfileProposal.objects.filter(organisation=draft).exists():
        user = _user("company-draft")
        p = services.profile_propose(
            actor=user,
            organisation=draft,
            is_demo=True,
            changes={
                "description": "Разрабатываем и выпускаем силовую электронику (демо).",
                "website": "https://demo-040.example",
                "contacts": "+7 495 000-00-40 (демо)",
            },
        )
        _age(ProfileProposal, p.pk, 14)
    submitted = orgs.get("demo-org-041")
    if submitted is not None and not ProductionReport.objects.filter(organisation=submitted).exists():
        user = _user("company-submitted")
        r = services.production_report_create(
            actor=user,
            organisation=submitted,
            product="Тяговые аккумуляторные батареи (демо)",
            opened_on=timezone.localdate() - timedelta(days=60),
            import_substitution=True,
            jobs=85,
            is_demo=True,
        )
        _age(ProductionReport, r.pk, 3)
    question = orgs.get("demo-org-042")
    if question is not None and not HostApplication.objects.filter(organisation=question).exists():
        user = _user("company-question")
        h = services.host_application_submit(
            actor=user,
            organisation=question,
            is_demo=True,
            tours_offered="Экскурсия по сборочному цеху и лаборатории контроля качества (демо).",
            capacity=20,
            contact_name="Демо Представитель",
            contact_email=user.email,
        )
        _age(HostApplication, h.pk, 16)
    if (
        not AccessRequest.objects.filter(inn="7728168971").exists()
        and not Organisation.objects.filter(inn="7728168971").exists()
    ):
        services.access_request_create(
            inn="7728168971",
            organisation_name="АО «Демо-Заявитель»",
            contact_name="Демо Заявитель",
            email="access-demo@demo.mosprom.example",
            message="Хотим подать заявку на статус (демо).",
        )

    # A late annual report: the technopark that missed the deadline files it now.
    yug = Organisation.objects.filter(slug="demo-technopark-yug-uk").first()
    if yug is not None:
        user = _user("company-technopark", "Демо")
        _rep(user, yug, operator)
        status = Status.objects.filter(holder=yug).first()
        last_year = timezone.localdate().year - 1
        if (
            status is not None
            and not ReportFiling.objects.filter(organisation=yug).exists()
            and not status.reports.filter(year=last_year).exists()
        ):
            services.annual_report_file(
                actor=user,
                status=status,
                year=timezone.localdate().year - 1,
                jobs=150,
                productions_launched=1,
                investment=120,
                output=900,
                is_demo=True,
            )
        lines.append(f"  {yug.short_name}: {user.username} (late annual report)")
    lines += _reports(operator)
    lines += _invitation(operator, orgs)
    lines.append("  Operator work queue: http://127.0.0.1:8000/companies/operator/ (operator account)")
    return lines


def _report_rules() -> None:
    for kind in StatusKind.objects.filter(code__in=REPORT_RULES):
        month, day, reminders, output = REPORT_RULES[kind.code]
        if (kind.report_month, kind.report_day, kind.report_reminder_days, kind.report_asks_output) != (
            month,
            day,
            reminders,
            output,
        ):
            kind.report_month, kind.report_day = month, day
            kind.report_reminder_days, kind.report_asks_output = reminders, output
            registry_services.status_kind_save(kind=kind)


def _reports(operator: Any) -> list[str]:
    """Synthetic industrial-complex statuses whose annual reports are overdue, returned and due, as a company and
    the operator would see them; the daily check then flags the overdue one."""
    _report_rules()
    industrial = StatusKind.objects.filter(code="industrial-complex").first()
    if industrial is None:
        return []
    today = timezone.localdate()
    last_year = today.year - 1
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=[s for s, _u, _w in REPORT_SCENARIOS])}
    lines = []
    for slug, username, what in REPORT_SCENARIOS:
        org = orgs.get(slug)
        if org is None:
            continue
        user = _user(username, "Демо")
        _rep(user, org, operator)
        status = Status.objects.filter(holder=org, kind=industrial).first()
        # the overdue one misses the latest report whose deadline has passed, whatever today is: last year's once
        # the kind's deadline for it is behind us, the year before's until then
        missed_year = last_year if today > registry_rules.report_deadline(industrial, last_year) else last_year - 1
        if status is None:
            granted = {
                "overdue": date(missed_year, 3, 1),
                "returned": date(last_year, 1, 10),
                "due": today - timedelta(days=45),
            }[what]
            status = registry_services.status_create(
                actor=operator,
                kind=industrial,
                holder=org,
                number=f"ПК-{slug[-3:]} (демо)",
                granted_on=granted,
                obliged_jobs=150,
                obliged_productions=1,
                obliged_investment=Decimal(200),
                is_demo=True,
            )
        if what == "returned" and not ReportFiling.objects.filter(organisation=org).exists():
            deadline = registry_rules.status_report_deadline(status, last_year)
            filing = services.annual_report_file(
                actor=user,
                status=status,
                year=last_year,
                jobs=180,
                productions_launched=1,
                investment=240,
                output=1250,
                is_demo=True,
                submitted_on=min(today, deadline - timedelta(days=20)),
            )
            services.report_filing_decide(
                actor=operator,
                filing=filing,
                accept=False,
                comment="Приложите расчёт численности по форме П-4 за год (демо).",
            )
        lines.append(f"  {org.short_name}: {user.username} (annual report {what})")
        if what == "overdue" and status.pk in registry_services.status_confirmation_check(
            year=missed_year, today=today, actor=operator
        ):
            # Demo only: the daily check would have flagged it the day after the deadline.
            deadline = registry_rules.status_report_deadline(status, missed_year)
            since = timezone.make_aware(datetime.combine(deadline + timedelta(days=1), time(6)))
            Status.objects.filter(pk=status.pk).update(flagged_at=min(since, timezone.now()))
    return lines


def _invitation(operator: Any, orgs: dict[str, Organisation]) -> list[str]:
    slug, email = PENDING_INVITATION
    org = orgs.get(slug)
    if org is None:
        return []
    if not Invitation.objects.filter(organisation=org, email=email).exists():
        services.invitation_create(actor=operator, organisation=org, email=email)
    return [f"  {org.short_name}: invitation pending for {email} (link in the demo mailbox)"]
