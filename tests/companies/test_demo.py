"""The demo loader puts one synthetic company in every stage, through the services, idempotently."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from mosprom.companies import selectors
from mosprom.companies.models import (
    AccessRequest,
    Application,
    HostApplication,
    Invitation,
    ProductionReport,
    ProfileProposal,
    ReportFiling,
)
from mosprom.demo import companies as demo
from mosprom.registry import services as registry_services
from mosprom.registry.models import Organisation, Status, StatusKind

pytestmark = pytest.mark.django_db


def test_demo_companies_in_every_stage(operator: Any) -> None:
    StatusKind.objects.create(code="industrial-complex", name="Промышленный комплекс", term_years=7)
    StatusKind.objects.create(code="city-technopark", name="Городской технопарк", term_years=10)
    slugs = [s for s, _u, _st in demo.SCENARIOS] + [s for s, _u, _w in demo.REPORT_SCENARIOS]
    for slug in slugs:
        registry_services.organisation_create(short_name=f"ООО «{slug}»", slug=slug, is_demo=True)
    with time_machine.travel(date(2026, 11, 24)):
        demo.load()
        demo.load()  # idempotent
        stages = sorted(Application.objects.values_list("stage", flat=True))
        assert stages == sorted(stage for _s, _u, stage in demo.SCENARIOS)
        assert all(a.is_demo and a.organisation.is_demo for a in Application.objects.select_related("organisation"))
        assert ProfileProposal.objects.count() == ProductionReport.objects.count() == HostApplication.objects.count()
        assert HostApplication.objects.count() == 1
        assert AccessRequest.objects.count() == 1
        assert Invitation.objects.filter(email=demo.PENDING_INVITATION[1], accepted_at__isnull=True).count() == 1

        # each kind has its own report rules
        industrial = StatusKind.objects.get(code="industrial-complex")
        assert (industrial.report_month, industrial.report_day, industrial.report_asks_output) == (5, 1, True)

        # annual reports: overdue (flagged by the daily check), returned (flagged with the comment), due ahead
        def due(slug: str) -> selectors.ReportDue:
            (d,) = selectors.reports_due(Organisation.objects.get(slug=slug))
            return d

        overdue, returned, ahead = (due(s) for s, _u, _w in demo.REPORT_SCENARIOS)
        assert overdue.overdue and overdue.status.state == Status.State.FLAGGED and overdue.deadline == date(2026, 5, 1)
        assert timezone.localdate(overdue.status.flagged_at) == date(2026, 5, 2)  # as the daily check would have
        assert returned.report is not None and returned.status.state == Status.State.FLAGGED
        assert "возвращён" in returned.status.flag_reason
        assert ReportFiling.objects.get(organisation=returned.status.holder).state == "rejected"
        assert ahead.upcoming and ahead.deadline == date(2027, 5, 1) and ahead.status.state == Status.State.ACTIVE
        assert all(s.is_demo for s in Status.objects.all())
        overdue_reports = selectors.report_deadlines()["overdue_reports"]
        assert [o.status for o in overdue_reports] == [overdue.status]


@pytest.mark.parametrize(
    "today",
    [date(2026, 1, 1), date(2026, 2, 15), date(2026, 11, 24)],
    ids=["1-january", "before-the-deadline", "after-the-deadline"],
)
def test_demo_shows_an_overdue_report_whatever_the_date(operator: Any, client: Any, today: date) -> None:
    """From 1 January until the kind's deadline (1 May) last year's report is not yet due: the demo's overdue
    company then misses the year before's, so the cabinet and the operator always show an overdue report."""
    StatusKind.objects.create(code="industrial-complex", name="Промышленный комплекс", term_years=7)
    for slug, _u, _w in demo.REPORT_SCENARIOS:
        registry_services.organisation_create(short_name=f"ООО «{slug}»", slug=slug, is_demo=True)
    with time_machine.travel(today):
        demo.load()
        demo.load()  # idempotent
        due = {w: selectors.reports_due(Organisation.objects.get(slug=s))[0] for s, _u, w in demo.REPORT_SCENARIOS}
        overdue = due["overdue"]
        missed = today.year - 1 if today > date(today.year, 5, 1) else today.year - 2
        assert (overdue.year, overdue.overdue, overdue.deadline) == (missed, True, date(missed + 1, 5, 1))
        assert overdue.days_overdue == (today - date(missed + 1, 5, 2)).days + 1
        assert overdue.status.state == Status.State.FLAGGED
        assert timezone.localdate(overdue.status.flagged_at) == date(missed + 1, 5, 2)
        assert [(o.status, o.year) for o in selectors.report_deadlines()["overdue_reports"]] == [
            (overdue.status, missed)
        ]
        # the returned report can be corrected from the cabinet; the due one is not overdue
        assert due["returned"].returned and due["returned"].year == today.year - 1
        assert not due["due"].overdue and due["due"].report is None

        client.force_login(get_user_model().objects.get(username="company-report-overdue@demo.mosprom.example"))
        html = client.get(reverse("companies:cabinet", kwargs={"org": overdue.status.holder_id})).content.decode()
        assert 'data-testid="report-overdue"' in html and f"{missed}: подать до 1 мая {missed + 1}" in html
