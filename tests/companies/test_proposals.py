"""Profile changes, productions, annual reports, the host programme and the work queue."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from mosprom.companies import rules, selectors, services
from mosprom.companies.models import HostCapability, ProductionReport
from mosprom.core import periodic
from mosprom.core.errors import Forbidden, Refused
from mosprom.registry import rules as registry_rules
from mosprom.registry import services as registry_services
from mosprom.registry.models import Membership, Production, Status
from mosprom.registry.roles import host_organisation_ids

pytestmark = pytest.mark.django_db


def test_profile_proposal_accepted_changes_the_registry(rep_a: Any, org_a: Any, operator: Any) -> None:
    proposal = services.profile_propose(
        actor=rep_a,
        organisation=org_a,
        changes={"description": "Делаем конденсаторы", "website": "https://alfa.example", "contacts": "+7 495 000"},
    )
    assert proposal.proposed_by == rep_a and proposal.state == "pending"
    org_a.refresh_from_db()
    assert org_a.description == ""  # nothing changes before the operator accepts
    services.profile_proposal_decide(actor=operator, proposal=proposal, accept=True, comment="Проверено")
    org_a.refresh_from_db()
    assert org_a.website == "https://alfa.example"
    assert org_a.description.startswith("Делаем конденсаторы") and "+7 495 000" in org_a.description
    proposal.refresh_from_db()
    assert proposal.decided_by == operator and proposal.decision_comment == "Проверено"
    assert mail.outbox[-1].to == ["manager@alfa.ru"]
    entries = list(LogEntry.objects.get_for_object(proposal).order_by("timestamp", "pk"))
    assert entries[0].actor == rep_a  # who proposed
    assert {e.actor for e in entries[1:]} == {operator}  # who accepted
    assert [e.additional_data["event"] for e in entries if e.additional_data] == ["profileproposal_accepted"]
    production_entries = LogEntry.objects.get_for_object(org_a).filter(actor=operator)
    assert production_entries.exists()  # the registry change names the operator too


def test_profile_proposal_refusals(rep_a: Any, rep_b: Any, org_a: Any, operator: Any) -> None:
    with pytest.raises(Refused) as exc:
        services.profile_propose(actor=rep_a, organisation=org_a, changes={"description": ""})
    assert exc.value.code == "nothing_changed"
    with pytest.raises(ValidationError):
        services.profile_propose(actor=rep_a, organisation=org_a, changes={"website": "alfa"})
    with pytest.raises(Forbidden):
        services.profile_propose(actor=rep_b, organisation=org_a, changes={"description": "взлом"})
    proposal = services.profile_propose(actor=rep_a, organisation=org_a, changes={"description": "Новое"})
    with pytest.raises(Forbidden):
        services.profile_proposal_decide(actor=rep_a, proposal=proposal, accept=True)
    services.profile_proposal_decide(actor=operator, proposal=proposal, accept=False, comment="Слишком коротко")
    org_a.refresh_from_db()
    assert org_a.description == ""
    with pytest.raises(Refused) as exc:
        services.profile_proposal_decide(actor=operator, proposal=proposal, accept=True)
    assert exc.value.code == "already_decided"


def test_production_report_becomes_a_registry_production(rep_a: Any, org_a: Any, operator: Any) -> None:
    report = services.production_report_create(
        actor=rep_a,
        organisation=org_a,
        product="Тяговые аккумуляторы",
        opened_on=date(2025, 6, 1),
        import_substitution=True,
        jobs=120,
    )
    assert not Production.objects.exists()
    services.production_report_decide(actor=operator, report=report, accept=True)
    production = Production.objects.get()
    assert production.organisation == org_a and production.import_substitution and production.jobs == 120
    report.refresh_from_db()
    assert report.production == production and report.decided_by == operator and report.proposed_by == rep_a


def test_production_report_refusals(rep_a: Any, org_a: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.production_report_create(actor=rep_a, organisation=org_a, product=" ")
    assert "product" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.production_report_create(actor=rep_a, organisation=org_a, product="X", opened_on=date(1800, 1, 1))
    assert "opened_on" in exc.value.error_dict
    assert not ProductionReport.objects.exists()


@pytest.fixture
def status_a(org_a: Any, kind: Any) -> Status:
    return Status.objects.create(
        kind=kind, holder=org_a, granted_on=date(2023, 1, 10), obliged_jobs=100, obliged_investment=Decimal("50")
    )


def test_annual_report_is_filed_and_reviewed(rep_a: Any, status_a: Status, operator: Any) -> None:
    filing = services.annual_report_file(
        actor=rep_a,
        status=status_a,
        year=2025,
        jobs=90,
        productions_launched=0,
        investment=60,
        output=300,
        submitted_on=date(2026, 3, 1),
    )
    assert not filing.late and not filing.report.meets_obligations
    queue = selectors.work_queue(kind="report")
    assert [it.pk for it in queue["items"]] == [filing.pk]
    assert queue["items"][0].flags == ["не выполняет обязательства"]
    services.report_filing_decide(actor=operator, filing=filing, accept=True)
    with pytest.raises(ValidationError):
        services.annual_report_file(
            actor=rep_a, status=status_a, year=2025, jobs=1, productions_launched=0, investment=0
        )


def test_late_report_is_flagged(rep_a: Any, status_a: Status) -> None:
    status_a.kind.report_month, status_a.kind.report_day = 3, 1
    registry_services.status_kind_save(kind=status_a.kind)
    filing = services.annual_report_file(
        actor=rep_a,
        status=status_a,
        year=2025,
        jobs=100,
        productions_launched=0,
        investment=50,
        submitted_on=date(2026, 3, 2),
    )
    assert filing.late
    status_a.refresh_from_db()
    assert status_a.state == Status.State.FLAGGED and "1 марта 2026" in status_a.flag_reason
    assert selectors.work_queue(kind="report")["items"][0].flags == ["опоздание на 1 день"]


def test_report_reminders_are_sent_once_per_window(rep_a: Any, status_a: Status) -> None:
    deadline = registry_rules.status_report_deadline(status_a, 2025)
    assert deadline == date(2026, 4, 1)
    assert services.report_reminders_send(today=date(2026, 2, 1)) == 0  # more than 30 days ahead
    assert services.report_reminders_send(today=date(2026, 3, 5)) == 1
    assert services.report_reminders_send(today=date(2026, 3, 6)) == 1  # the same window: the outbox dedupes
    assert len(mail.outbox) == 1
    assert services.report_reminders_send(today=date(2026, 3, 28)) == 1  # the 7-day window
    assert len(mail.outbox) == 2
    services.annual_report_file(
        actor=rep_a,
        status=status_a,
        year=2025,
        jobs=100,
        productions_launched=0,
        investment=50,
        submitted_on=date(2026, 3, 29),
    )
    assert services.report_reminders_send(today=date(2026, 3, 31)) == 0


def test_reminder_task_is_registered() -> None:
    names = [p.name for p in periodic.registered()]
    assert "mosprom.companies.tasks.annual_report_reminders" in names


def test_overdue_report_shows_in_the_cabinet(org_a: Any, status_a: Status) -> None:
    # granted in 2023: on 2 April 2026 the reports for 2024 and 2025 are both missing; both show, the earlier first
    due = selectors.reports_due(org_a, today=date(2026, 4, 2))
    assert [(d.year, d.overdue, d.deadline, d.days_overdue) for d in due] == [
        (2024, True, date(2025, 4, 1), 366),
        (2025, True, date(2026, 4, 1), 1),
    ]
    registry_services.annual_report_submit(
        status=status_a, year=2024, jobs=100, productions_launched=0, investment=50, submitted_on=date(2025, 3, 1)
    )
    (due,) = selectors.reports_due(org_a, today=date(2026, 4, 2))
    assert (due.year, due.overdue, due.deadline, due.days_overdue) == (2025, True, date(2026, 4, 1), 1)
    # before the kind's deadline for 2025 (1 April 2026) the missing 2024 report shows as overdue, 2025's as due
    status_a.reports.filter(year=2024).delete()
    due = selectors.reports_due(org_a, today=date(2026, 1, 1))
    assert [(d.year, d.overdue, d.days_overdue) for d in due] == [(2024, True, 275), (2025, False, 0)]


def test_a_returned_report_shows_beside_an_earlier_missing_one(
    rep_a: Any, operator: Any, org_a: Any, status_a: Status
) -> None:
    """A company that missed 2024 and had 2025's report returned sees both rows: the missing report and the way to
    correct the returned one (before, the missing year alone showed and hid the correction)."""
    filing = services.annual_report_file(
        actor=rep_a, status=status_a, year=2025, jobs=100, productions_launched=0, investment=50,
        submitted_on=date(2026, 3, 1),
    )  # fmt: skip
    services.report_filing_decide(actor=operator, filing=filing, accept=False, comment="Нет формы П-4")
    due = selectors.reports_due(org_a, today=date(2026, 11, 24))
    assert [d.year for d in due] == [2024, 2025]
    assert due[0].overdue and due[0].report is None
    assert due[1].returned and due[1].filing is not None and due[1].filing.decision_comment == "Нет формы П-4"


def test_host_application_grants_the_host_capability(
    rep_a: Any, org_a: Any, operator: Any, make_user: Any, settings: Any
) -> None:
    colleague = make_user()
    from mosprom.companies.models import Representative

    Representative.objects.create(user=colleague, organisation=org_a)
    application = services.host_application_submit(
        actor=rep_a,
        organisation=org_a,
        tours_offered="Экскурсия по цеху",
        capacity=15,
        contact_name="Анна",
        contact_email="tours@alfa.ru",
    )
    with pytest.raises(Refused) as exc:
        services.host_application_submit(
            actor=rep_a, organisation=org_a, tours_offered="x", capacity=1, contact_name="x", contact_email="x@x.ru"
        )
    assert exc.value.code == "host_application_pending"
    assert host_organisation_ids(rep_a) == set()
    services.host_application_decide(actor=operator, application=application, accept=True, comment="Добро пожаловать")
    assert Membership.objects.filter(organisation=org_a).count() == 2
    capability = HostCapability.objects.get(organisation=org_a)
    assert capability.moderated_tours == settings.COMPANIES_NEW_HOST_MODERATED_TOURS
    assert selectors.host_needs_moderation(org_a.pk)


def test_host_moderation_rule() -> None:
    assert rules.host_tour_needs_moderation(moderated_tours=2, tours_already_published=1)
    assert not rules.host_tour_needs_moderation(moderated_tours=2, tours_already_published=2)
    assert not rules.host_tour_needs_moderation(moderated_tours=0, tours_already_published=0)


def test_existing_hosts_need_no_moderation(org_a: Any, operator: Any) -> None:
    services.host_capability_grant(actor=operator, organisation=org_a)
    assert not selectors.host_needs_moderation(org_a.pk)
    assert not selectors.host_needs_moderation(999999)


def test_work_queue_counts_ages_and_overdue(
    rep_a: Any, rep_b: Any, org_a: Any, org_b: Any, submitted: Any, django_assert_max_num_queries: Any
) -> None:
    services.profile_propose(actor=rep_a, organisation=org_a, changes={"description": "А"})
    services.production_report_create(actor=rep_b, organisation=org_b, product="Б")
    services.host_application_submit(
        actor=rep_b, organisation=org_b, tours_offered="Цех", capacity=10, contact_name="Б", contact_email="b@b.ru"
    )
    later = timezone.now() + timedelta(days=12)
    with django_assert_max_num_queries(8):
        queue = selectors.work_queue(now=later)
    counts = {k: n for k, _label, n, _late in queue["counts"]}
    assert counts == {"access": 0, "profile": 1, "production": 1, "application": 1, "report": 0, "host": 1}
    overdue = {it.kind for it in queue["items"] if it.overdue}
    assert overdue == {"profile", "production"}  # 10 days allowed; applications 30, host 14
    assert all(it.age == 12 for it in queue["items"])
    assert [it.kind for it in selectors.work_queue(now=later, overdue_only=True)["items"]] == ["profile", "production"]
    only_b = selectors.work_queue(q="Бета")
    assert {it.organisation for it in only_b["items"]} == {"ООО «Бета»"}
    assert selectors.work_queue(kind="application", stage="expert_review")["items"] == []


def test_a_status_without_obligations_owes_no_report(org_a: Any, kind: Any, rep_a: Any) -> None:
    Status.objects.create(kind=kind, holder=org_a, granted_on=date(2023, 1, 10))
    assert selectors.reports_due(org_a, today=date(2026, 5, 1)) == []
    assert services.report_reminders_send(today=date(2026, 3, 5)) == 0


def test_profile_proposal_of_a_site_makes_the_company_its_resident(rep_a: Any, org_a: Any, operator: Any) -> None:
    site = registry_services.site_create(name="Технопарк «Строгино»", kind="technopark", slug="strogino")
    proposal = services.profile_propose(actor=rep_a, organisation=org_a, changes={"site": site})
    assert proposal.changes == {"site": "strogino"}
    assert "площадка: strogino" in selectors.work_queue(kind="profile")["items"][0].detail
    services.profile_proposal_decide(actor=operator, proposal=proposal, accept=True)
    assert org_a.residencies.get().site == site
    with pytest.raises(Refused) as exc:
        services.profile_propose(actor=rep_a, organisation=org_a, changes={"site": "strogino"})
    assert exc.value.code == "nothing_changed"
    with pytest.raises(ValidationError):
        services.profile_propose(actor=rep_a, organisation=org_a, changes={"site": "nowhere"})
