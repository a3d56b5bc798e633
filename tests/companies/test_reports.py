"""Annual reports by kind of status: the kind's deadline, reminders and figures; a late, failing or returned report
flags the status; the operator sees per-kind deadlines, overdue reports and flagged statuses with their age."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mosprom.companies import selectors, services
from mosprom.registry import services as registry_services
from mosprom.registry.models import Status, StatusKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def sez(db: Any) -> StatusKind:
    """A kind with its own rules: the report is due by 30 June, one reminder 14 days before, the output is asked."""
    return registry_services.status_kind_save(
        kind=StatusKind(
            code="sez-resident",
            name="Резидент ОЭЗ",
            report_month=6,
            report_day=30,
            report_reminder_days="14",
            report_asks_output=True,
        )
    )


def _status(org: Any, kind: StatusKind, granted: date = date(2025, 1, 10)) -> Status:
    return Status.objects.create(
        kind=kind, holder=org, granted_on=granted, obliged_jobs=100, obliged_investment=Decimal("50")
    )


def test_returned_report_flags_the_status_with_the_comment(rep_a: Any, org_a: Any, kind: Any, operator: Any) -> None:
    status = _status(org_a, kind)
    filing = services.annual_report_file(
        actor=rep_a,
        status=status,
        year=2025,
        jobs=120,
        productions_launched=1,
        investment=70,
        submitted_on=date(2026, 3, 1),
    )
    status.refresh_from_db()
    assert status.state == Status.State.ACTIVE  # on time and meeting the obligations
    with pytest.raises(Exception) as exc:
        services.report_filing_decide(actor=operator, filing=filing, accept=False, comment="")
    assert getattr(exc.value, "code", "") == "comment_required"
    services.report_filing_decide(actor=operator, filing=filing, accept=False, comment="Нет подтверждения численности")
    status.refresh_from_db()
    assert status.state == Status.State.FLAGGED and status.flagged_at is not None
    assert status.flag_reason == "Годовой отчёт за 2025 год возвращён: Нет подтверждения численности"
    assert mail.outbox[-1].to == ["manager@alfa.ru"] and "возвращён" in mail.outbox[-1].subject


def test_cabinet_says_returned_and_why(client: Any, rep_a: Any, org_a: Any, kind: Any, operator: Any) -> None:
    status = _status(org_a, kind)
    filing = services.annual_report_file(
        actor=rep_a, status=status, year=2025, jobs=90, productions_launched=0, investment=Decimal("60.5")
    )
    item = selectors.work_queue(kind="report")["items"][0]
    assert item.detail.startswith("рабочие места 90 из 100, производства 0 из 0, инвестиции 60,5 из 50")
    services.report_filing_decide(actor=operator, filing=filing, accept=False, comment="Уточните численность")
    client.force_login(rep_a)
    html = client.get(reverse("companies:cabinet", kwargs={"org": org_a.pk})).content.decode()
    assert '<span data-testid="report-returned">возвращён</span>' in html
    assert 'data-testid="flag-reason"' in html and "Уточните численность" in html


def test_the_kind_asks_for_the_output(rep_a: Any, org_a: Any, sez: StatusKind) -> None:
    status = _status(org_a, sez)
    with pytest.raises(ValidationError) as exc:
        services.annual_report_file(
            actor=rep_a, status=status, year=2025, jobs=120, productions_launched=0, investment=60
        )
    assert exc.value.error_dict["output"][0].code == "required"
    assert not status.reports.exists()  # nothing half-saved
    filing = services.annual_report_file(
        actor=rep_a, status=status, year=2025, jobs=120, productions_launched=0, investment=60, output=900
    )
    assert filing.output == 900


def test_reminders_follow_the_kind(rep_a: Any, org_a: Any, sez: StatusKind, kind: Any) -> None:
    _status(org_a, sez)  # due 30 June 2026, reminded 14 days before
    technopark = _status(org_a, kind)  # due 1 April 2026, reminded 30, 7 and 1 day before
    assert services.report_reminders_send(today=date(2026, 3, 5)) == 1
    assert "1 апреля 2026" in mail.outbox[-1].subject
    services.annual_report_file(
        actor=rep_a,
        status=technopark,
        year=2025,
        jobs=100,
        productions_launched=0,
        investment=50,
        submitted_on=date(2026, 3, 6),
    )
    assert services.report_reminders_send(today=date(2026, 6, 1)) == 0  # 29 days before 30 June: no window
    assert services.report_reminders_send(today=date(2026, 6, 16)) == 1
    reminder = mail.outbox[-1]
    assert "Резидент ОЭЗ" in reminder.subject and "30 июня 2026" in reminder.subject
    assert "объём выпуска" in reminder.body and "рабочих мест — 100" in reminder.body


def test_cabinet_shows_the_next_report_of_a_new_status(org_a: Any, kind: Any) -> None:
    _status(org_a, kind, granted=date(2026, 2, 1))
    (due,) = selectors.reports_due(org_a, today=date(2026, 11, 24))
    assert due.upcoming and due.year == 2026 and due.deadline == date(2027, 4, 1) and not due.overdue


def test_cabinet_page_shows_days_overdue_and_obligations(client: Any, rep_a: Any, org_a: Any, kind: Any) -> None:
    _status(org_a, kind, granted=date(2025, 1, 10))
    client.force_login(rep_a)
    with time_machine.travel(date(2026, 4, 11)):
        html = client.get(reverse("companies:cabinet", kwargs={"org": org_a.pk})).content.decode()
    assert "просрочен на 10 дней" in html
    assert "Обязательства: рабочих мест — 100" in html
    assert "инвестиций — 50 млн руб." in html and "50,00" not in html  # as the report forms write it
    with time_machine.travel(date(2026, 3, 2)):
        html = client.get(reverse("companies:cabinet", kwargs={"org": org_a.pk})).content.decode()
    assert 'data-testid="report-due"' in html and "осталось 30 дней" in html


def test_report_form_names_the_deadline_and_requires_the_output(
    client: Any, rep_a: Any, org_a: Any, sez: StatusKind
) -> None:
    status = _status(org_a, sez)
    client.force_login(rep_a)
    url = reverse("companies:report_new", kwargs={"status": status.pk})
    with time_machine.travel(date(2026, 5, 1)):
        assert "Отчёт за 2025 год нужно сдать до 30 июня 2026" in client.get(url).content.decode()
        response = client.post(url, {"year": 2025, "jobs": 120, "productions_launched": 0, "investment": 60})
    assert response.status_code == 200 and "output" in response.context["form"].errors
    assert not status.reports.exists()


def test_operator_sees_deadlines_by_kind_and_overdue_reports(
    org_a: Any, org_b: Any, rep_a: Any, kind: Any, sez: StatusKind, operator: Any, django_assert_max_num_queries: Any
) -> None:
    late_technopark = _status(org_b, kind)
    filed_technopark = _status(org_a, kind)
    _status(org_a, sez)
    services.annual_report_file(
        actor=rep_a,
        status=filed_technopark,
        year=2025,
        jobs=100,
        productions_launched=0,
        investment=50,
        submitted_on=date(2026, 3, 1),
    )
    with django_assert_max_num_queries(4):
        data = selectors.report_deadlines(today=date(2026, 4, 11))
    rows = {row.kind.code: row for row in data["kinds"]}
    assert rows["city-technopark"].deadline == date(2026, 4, 1)
    assert (rows["city-technopark"].owing, rows["city-technopark"].filed, rows["city-technopark"].overdue) == (2, 1, 1)
    assert rows["sez-resident"].deadline == date(2026, 6, 30) and rows["sez-resident"].overdue == 0
    assert rows["sez-resident"].reminder_days == (14,)
    assert [(o.status, o.days_overdue) for o in data["overdue_reports"]] == [(late_technopark, 10)]


def test_flagged_statuses_show_their_age(org_a: Any, kind: Any) -> None:
    status = _status(org_a, kind)
    with time_machine.travel(timezone.now() - timedelta(days=6)):
        registry_services.status_flag(status=status, reason="Проверить", year=2025)
    (flagged,) = selectors.flagged_statuses()
    assert flagged == status and flagged.age == 6  # type: ignore[attr-defined]


def test_operator_queue_page_highlights_overdue_reports(
    client: Any, operator: Any, org_b: Any, kind: Any, sez: StatusKind
) -> None:
    status = _status(org_b, kind)
    client.force_login(operator)
    with time_machine.travel(date(2026, 4, 11)):
        registry_services.status_confirmation_check()
        html = client.get(reverse("companies:queue")).content.decode()
    assert f'class="is-overdue" data-testid="overdue-report-{status.pk}"' in html
    assert 'data-testid="kind-deadline-sez-resident"' in html and "30 июня 2026" in html
    assert 'data-testid="flagged"' in html and "ООО «Бета»" in html
