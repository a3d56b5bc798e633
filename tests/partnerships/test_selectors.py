"""partnership_kpis with hand-computed figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from mosprom.partnerships import selectors, services
from mosprom.partnerships.models import Agreement, AgreementParty, Project

from .conftest import TODAY


def test_partnership_kpis(agreement: Agreement, make_project: Any, city: Any, outsider: Any) -> None:
    # agreement "session": open-ended, active. Another one ends within 180 days, another expired, another terminated.
    services.agreement_create(
        title="Истекает",
        slug="soon",
        kind="other",
        signed_on=date(2022, 1, 10),
        ends_on=date(2027, 1, 10),
        parties=[(city, AgreementParty.Role.CITY), (outsider, AgreementParty.Role.COMPANY)],
    )
    services.agreement_create(title="Истекло", slug="old", kind="other", signed_on=date(2015, 2, 9), term_years=5)
    gone = services.agreement_create(title="Расторгнуто", slug="gone", kind="other", signed_on=date(2024, 1, 1))
    services.agreement_terminate(agreement=gone, on=date(2025, 1, 1))

    make_project(  # progress 1/2, one overdue
        milestones=[
            {"title": "a", "due_on": date(2026, 2, 1), "done_on": date(2026, 2, 1)},
            {"title": "b", "due_on": date(2026, 10, 1)},
        ]
    )
    make_project(  # progress 1/1
        category=Project.Category.ENERGY,
        status=Project.Status.COMPLETED,
        milestones=[{"title": "c", "due_on": date(2026, 2, 1), "done_on": date(2026, 2, 1)}],
    )
    make_project(  # progress 0/2, one overdue, one in the future
        category=Project.Category.ENERGY,
        milestones=[{"title": "d", "due_on": date(2026, 5, 1)}, {"title": "e", "due_on": date(2027, 5, 1)}],
    )
    make_project(  # no milestones; cancelled project's overdue milestone must not count
        status=Project.Status.CANCELLED,
        partner=outsider,
        agreement=None,
    )
    cancelled = make_project(status=Project.Status.CANCELLED)
    services.milestone_add(project=cancelled, title="f", due_on=date(2026, 3, 1))

    kpis = selectors.partnership_kpis(today=TODAY)
    assert kpis["agreements_active"] == 2
    assert kpis["agreements_expiring_within_days"] == {"days": 180, "count": 1}
    assert kpis["projects_total"] == 5
    assert kpis["projects_by_status"] == {"реализация": 2, "завершён": 1, "отменён": 2}
    assert kpis["projects_by_category"] == {"производство": 3, "энергетика": 2}
    # (0.5 + 1 + 0 + 0) / 4 projects with milestones
    assert kpis["average_progress"] == 0.375
    assert kpis["overdue_milestones"] == 2
    assert kpis["projects_per_partner"] == {"Росатом": 4, "КамАЗ": 1}


def test_partnership_kpis_empty(db: Any) -> None:
    kpis = selectors.partnership_kpis(today=TODAY)
    assert kpis["average_progress"] is None
    assert kpis["projects_total"] == 0
    assert kpis["agreements_expiring_within_days"]["count"] == 0
