"""A returned annual report: the company reads the operator's comment, corrects the figures and files it again.

Each filing is a revision with its own figures; the registry keeps one confirmation per status and year; the status
is judged again by the rules of a first filing; the operator's queue shows the corrected report as waiting, with
its age and what was said when it was returned."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mosprom.companies import rules, selectors, services
from mosprom.companies.models import ReportFiling
from mosprom.core.errors import Forbidden, Refused
from mosprom.registry import services as registry_services
from mosprom.registry.models import AnnualReport, Status, StatusKind

pytestmark = pytest.mark.django_db

COMMENT = "Приложите расчёт численности по форме П-4"


def _status(org: Any, kind: StatusKind, **fields: Any) -> Status:
    return Status.objects.create(
        kind=kind,
        holder=org,
        granted_on=date(2025, 1, 10),
        obliged_jobs=100,
        obliged_investment=Decimal("50"),
        **fields,
    )


def _returned(rep: Any, operator: Any, status: Status, **figures: Any) -> ReportFiling:
    """File the 2025 report on 1 March 2026 (before the technopark's deadline of 1 April) and have it returned."""
    values = {"jobs": 120, "productions_launched": 1, "investment": 70, **figures}
    filing = services.annual_report_file(actor=rep, status=status, year=2025, submitted_on=date(2026, 3, 1), **values)
    return services.report_filing_decide(actor=operator, filing=filing, accept=False, comment=COMMENT)


def test_refiling_a_returned_report_makes_a_new_revision(
    rep_a: Any, org_a: Any, kind: StatusKind, operator: Any
) -> None:
    status = _status(org_a, kind)
    returned = _returned(rep_a, operator, status, jobs=90)  # fails the obligations: 90 jobs of 100
    status.refresh_from_db()
    assert status.state == Status.State.FLAGGED
    assert status.flag_reason.splitlines() == [
        "Подтверждение за 2025 год не выполняет обязательства: рабочих мест 90 из 100, новых производств 1 из 0, "
        "инвестиций 70 из 50 млн руб.",
        f"Годовой отчёт за 2025 год возвращён: {COMMENT}",
    ]
    mail.outbox.clear()

    corrected = services.annual_report_refile(
        actor=rep_a, filing=returned, jobs=104, productions_launched=1, investment=Decimal("70.5")
    )

    assert (corrected.revision, corrected.state, corrected.proposed_by) == (2, "pending", rep_a)
    assert (corrected.jobs, corrected.investment, corrected.meets_obligations) == (104, Decimal("70.5"), True)
    returned.refresh_from_db()  # the returned version keeps its figures and the operator's comment
    assert (returned.state, returned.jobs, returned.meets_obligations) == ("rejected", 90, False)
    assert returned.decision_comment == COMMENT
    report = AnnualReport.objects.get(status=status)  # still one confirmation for the status and year
    assert (report.jobs, report.investment, report.meets_obligations) == (104, Decimal("70.5"), True)
    assert report.submitted_on == date(2026, 3, 1)  # lateness is judged on the first filing
    assert [f.pk for f in report.filings.order_by("revision")] == [returned.pk, corrected.pk]
    # judged again like a first filing: on time and meeting the obligations, the status is no longer flagged
    status.refresh_from_db()
    assert (status.state, status.flag_reason, status.flagged_at) == (Status.State.ACTIVE, "", None)
    # the company is told it arrived; the audit trail names who filed it again
    (receipt,) = mail.outbox
    assert receipt.to == ["manager@alfa.ru"]
    assert receipt.subject == "Исправленный годовой отчёт за 2025 получен"
    events = [e.additional_data["event"] for e in LogEntry.objects.get_for_object(corrected) if e.additional_data]
    assert events == ["reportfiling_refiled"]
    assert LogEntry.objects.get_for_object(report).filter(actor=rep_a).exists()


def test_a_corrected_report_still_failing_flags_the_status_with_the_new_figures(
    rep_a: Any, org_a: Any, kind: StatusKind, operator: Any
) -> None:
    status = _status(org_a, kind)
    returned = _returned(rep_a, operator, status, jobs=90)
    services.annual_report_refile(actor=rep_a, filing=returned, jobs=95, productions_launched=1, investment=70)
    status.refresh_from_db()
    assert status.state == Status.State.FLAGGED
    # the reasons of the previous version are gone; the new figures give their own
    assert status.flag_reason == (
        "Подтверждение за 2025 год не выполняет обязательства: рабочих мест 95 из 100, новых производств 1 из 0, "
        "инвестиций 70 из 50 млн руб."
    )


def test_a_late_report_stays_flagged_for_lateness_after_correction(
    rep_a: Any, org_a: Any, kind: StatusKind, operator: Any
) -> None:
    status = _status(org_a, kind)
    filing = services.annual_report_file(
        actor=rep_a,
        status=status,
        year=2025,
        jobs=120,
        productions_launched=1,
        investment=70,
        submitted_on=date(2026, 4, 11),  # ten days after the deadline of 1 April
    )
    services.report_filing_decide(actor=operator, filing=filing, accept=False, comment=COMMENT)
    registry_services.status_flag(status=status, reason="Проверка на месте", year=2025, actor=operator)
    corrected = services.annual_report_refile(
        actor=rep_a, filing=filing, jobs=130, productions_launched=1, investment=70
    )
    assert corrected.late
    status.refresh_from_db()
    assert status.state == Status.State.FLAGGED
    assert status.flag_reason.splitlines() == [
        "Подтверждение за 2025 год подано 11 апреля 2026, после срока — 1 апреля 2026.",
        "Проверка на месте",  # the operator's own reason is not the company's to withdraw
    ]


def test_refusals_leave_everything_as_it_was(
    rep_a: Any, rep_b: Any, org_a: Any, kind: StatusKind, operator: Any
) -> None:
    status = _status(org_a, kind)
    filing = services.annual_report_file(
        actor=rep_a, status=status, year=2025, jobs=90, productions_launched=1, investment=70
    )
    figures = {"jobs": 120, "productions_launched": 1, "investment": 70}

    # waiting for the decision: not yet
    with pytest.raises(Refused) as exc:
        services.annual_report_refile(actor=rep_a, filing=filing, **figures)
    assert exc.value.code == "report_pending" and exc.value.status == 409
    assert str(exc.value) == (
        "Отчёт ждёт решения департамента: исправить его можно, только если департамент его вернёт."
    )

    services.report_filing_decide(actor=operator, filing=filing, accept=False, comment=COMMENT)
    # another company's representative
    with pytest.raises(Forbidden):
        services.annual_report_refile(actor=rep_b, filing=filing, **figures)
    # filed again as a new report for the same year instead of a correction
    with pytest.raises(Refused) as exc:
        services.annual_report_file(actor=rep_a, status=status, year=2025, **figures)
    assert exc.value.code == "report_returned"
    assert "исправьте его и подайте снова" in str(exc.value)
    # the kind asks for the output now: a field error, nothing saved
    StatusKind.objects.filter(pk=kind.pk).update(report_asks_output=True)
    status.refresh_from_db()
    with pytest.raises(ValidationError) as verr:
        services.annual_report_refile(actor=rep_a, filing=filing, **figures)
    assert verr.value.error_dict["output"][0].code == "required"
    StatusKind.objects.filter(pk=kind.pk).update(report_asks_output=False)
    # a figure the registry refuses: nothing half-saved
    with pytest.raises(ValidationError):
        services.annual_report_refile(actor=rep_a, filing=filing, jobs=-1, productions_launched=1, investment=70)
    assert ReportFiling.objects.filter(report__status=status).count() == 1
    assert AnnualReport.objects.get(status=status).jobs == 90

    corrected = services.annual_report_refile(actor=rep_a, filing=filing, **figures)
    # the returned version, once filed again
    with pytest.raises(Refused) as exc:
        services.annual_report_refile(actor=rep_a, filing=filing, **figures)
    assert exc.value.code == "report_refiled"
    services.report_filing_decide(actor=operator, filing=corrected, accept=True)
    # an accepted report is settled
    with pytest.raises(Refused) as exc:
        services.annual_report_refile(actor=rep_a, filing=corrected, **figures)
    assert exc.value.code == "report_accepted"
    assert "принят" in str(exc.value)
    # a status that ended takes no reports
    returned = _returned(rep_a, operator, _status(org_a, kind, number="2"))
    Status.objects.filter(pk=returned.report.status_id).update(state=Status.State.REVOKED)
    with pytest.raises(Refused) as exc:
        services.annual_report_refile(actor=rep_a, filing=returned, **figures)
    assert exc.value.code == "status_inactive"
    assert ReportFiling.objects.filter(report__status=status).count() == 2


def test_refile_rule() -> None:
    assert rules.report_refile_problem(state="rejected", latest=True) is None
    assert rules.report_refile_problem(state="rejected", latest=False) == "report_refiled"
    assert rules.report_refile_problem(state="pending", latest=True) == "report_pending"
    assert rules.report_refile_problem(state="accepted", latest=True) == "report_accepted"


def test_one_open_filing_per_report_is_a_database_constraint(
    rep_a: Any, org_a: Any, kind: StatusKind, operator: Any
) -> None:
    filing = services.annual_report_file(
        actor=_status(org_a, kind).holder.representatives.get().user,
        status=Status.objects.get(holder=org_a),
        year=2025,
        jobs=120,
        productions_launched=1,
        investment=70,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFiling.objects.create(
            organisation=org_a, report=filing.report, revision=2, jobs=1, productions_launched=0, investment=1
        )


def test_operator_queue_shows_the_corrected_report_again_with_its_age(
    rep_a: Any, org_a: Any, kind: StatusKind, operator: Any
) -> None:
    status = _status(org_a, kind)
    with time_machine.travel(timezone.now() - timedelta(days=9)):
        returned = _returned(rep_a, operator, status, jobs=90)
    assert selectors.work_queue(kind="report")["items"] == []
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        corrected = services.annual_report_refile(
            actor=rep_a, filing=returned, jobs=101, productions_launched=1, investment=70
        )
    (item,) = selectors.work_queue(kind="report")["items"]
    assert (item.pk, item.age, item.overdue) == (corrected.pk, 2, False)
    assert item.detail.startswith("рабочие места 101 из 100")
    assert item.detail.endswith(f"возвращён ранее: «{COMMENT}»")
    assert item.flags == ["исправлен, версия 2"]

    mail.outbox.clear()
    services.report_filing_decide(actor=operator, filing=corrected, accept=True, comment="Спасибо")
    assert mail.outbox[-1].subject == "Годовой отчёт за 2025 принят"
    assert selectors.work_queue(kind="report")["items"] == []


def test_return_email_links_to_the_correction(rep_a: Any, org_a: Any, kind: StatusKind, operator: Any) -> None:
    returned = _returned(rep_a, operator, _status(org_a, kind))
    message = mail.outbox[-1]
    assert message.subject == "Годовой отчёт за 2025 возвращён"
    assert COMMENT in message.body and "Исправьте отчёт и подайте его снова" in message.body
    assert reverse("companies:report_refile", kwargs={"pk": returned.pk}) in message.body


# --- the cabinet ----------------------------------------------------------------------------------------------


def test_cabinet_shows_the_comment_and_the_correction_form(
    client: Any, rep_a: Any, org_a: Any, kind: StatusKind, operator: Any
) -> None:
    status = _status(org_a, kind)
    returned = _returned(rep_a, operator, status, jobs=90)
    client.force_login(rep_a)
    cabinet = reverse("companies:cabinet", kwargs={"org": org_a.pk})
    url = reverse("companies:report_refile", kwargs={"pk": returned.pk})
    with time_machine.travel(date(2026, 4, 20)):
        html = client.get(cabinet).content.decode()
        assert f"Комментарий департамента: «{COMMENT}»" in html
        assert f'href="{url}" data-testid="refile-report"' in html
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert COMMENT in text and "Исправьте годовой отчёт: Городской технопарк, 2025" in text
        assert page.context["form"]["jobs"].value() == 90  # the figures as filed, to correct
        assert "year" not in page.context["form"].fields

        bad = client.post(url, {"jobs": "-5", "productions_launched": "1", "investment": "70"})
        assert bad.status_code == 422 and "jobs" in bad.context["form"].errors
        assert bad.context["form"]["investment"].value() == "70"  # the user's values stay
        assert ReportFiling.objects.filter(report__status=status).count() == 1

        ok = client.post(url, {"jobs": "110", "productions_launched": "1", "investment": "70"})
        assert ok.status_code == 302 and ok["Location"] == cabinet
        html = client.get(cabinet).content.decode()
    assert 'data-testid="report-waiting"' in html and 'data-testid="refile-report"' not in html
    assert "2025 (версия 2)" in html
    corrected = ReportFiling.objects.get(report__status=status, revision=2)
    assert (corrected.state, corrected.jobs) == ("pending", 110)

    # the returned version can no longer be corrected: a page that says why, not an error
    again = client.get(url)
    assert again.status_code == 409
    assert "уже исправлен и подан снова" in again.content.decode()
    services.report_filing_decide(actor=operator, filing=corrected, accept=True)
    settled = client.post(reverse("companies:report_refile", kwargs={"pk": corrected.pk}), {"jobs": "1"})
    assert settled.status_code == 409 and "Отчёт принят" in settled.content.decode()
    assert ReportFiling.objects.get(pk=corrected.pk).jobs == 110
