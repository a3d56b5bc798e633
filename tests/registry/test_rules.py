"""Each registry rule has one home (registry/rules.py): the plain and the Q forms agree, and the pages, the API,
the back-office and the services say the same about a status's term and the report deadline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mosprom.registry import rules, services
from mosprom.registry.models import Status, StatusKind

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

EXPECTED = {  # name: (effective state, in force, days left, ends soon)
    "open-ended": ("active", True, None, False),
    "ends-today": ("active", True, 0, True),
    "ended-yesterday": ("expired", False, None, False),
    "ends-at-window": ("active", True, 90, True),
    "ends-after-window": ("active", True, 91, False),
    "flagged": ("flagged", True, 30, True),
    "revoked": ("revoked", False, None, False),
}


@pytest.fixture
def kind(db: Any) -> StatusKind:
    return StatusKind.objects.create(
        code="industrial-complex", name="Промышленный комплекс", benefits="Снижение налога на имущество", term_years=7
    )


@pytest.fixture
def statuses(make_org: Any, kind: StatusKind) -> dict[str, Status]:
    holder = make_org("ООО «Держатель»", slug="holder")
    granted = TODAY - timedelta(days=400)
    ends = {
        "open-ended": None,
        "ends-today": TODAY,
        "ended-yesterday": TODAY - timedelta(days=1),
        "ends-at-window": TODAY + timedelta(days=90),
        "ends-after-window": TODAY + timedelta(days=91),
        "flagged": TODAY + timedelta(days=30),
        "revoked": TODAY + timedelta(days=300),
    }
    made = {}
    for name, valid_until in ends.items():
        state = name if name in ("flagged", "revoked") else "active"
        made[name] = Status.objects.create(
            kind=kind, holder=holder, number=name, granted_on=granted, valid_until=valid_until, state=state
        )
    return made


def test_status_term_is_one_rule_everywhere(
    statuses: dict[str, Status], client: Any, operator_client: Any, settings: Any
) -> None:
    assert settings.REGISTRY_STATUS_EXPIRING_DAYS == 90
    # the plain rule and its Q forms
    for name, (state, in_force, days_left, expiring) in EXPECTED.items():
        term = rules.status_term(statuses[name], TODAY)
        assert (term.state, term.in_force, term.days_left, term.expiring) == (state, in_force, days_left, expiring)
    in_force_db = set(Status.objects.filter(rules.status_in_force_q(TODAY)).values_list("number", flat=True))
    assert in_force_db == {n for n, e in EXPECTED.items() if e[1]}
    expiring_db = set(Status.objects.filter(rules.status_expiring_q(TODAY)).values_list("number", flat=True))
    assert expiring_db == {n for n, e in EXPECTED.items() if e[3]}
    # the API: one item per status with the rule's fields, and the in_force filter
    items = {s["number"]: s for s in client.get("/api/v1/statuses", {"page_size": 50}).json()["items"]}
    for name, (state, in_force, days_left, expiring) in EXPECTED.items():
        item = items[name]
        assert (item["effective_state"], item["in_force"], item["days_left"], item["expiring"]) == (
            state,
            in_force,
            days_left,
            expiring,
        ), name
        assert item["benefits"] == "Снижение налога на имущество" and item["term_years"] == 7
    for flag, expected in (("true", True), ("false", False)):
        listed = {s["number"] for s in client.get("/api/v1/statuses", {"in_force": flag}).json()["items"]}
        assert listed == {n for n, e in EXPECTED.items() if e[1] is expected}, flag
    # the organisation's public page: benefits, the term, days left, and the expired badge
    html = client.get(reverse("registry:organisation_detail", kwargs={"slug": "holder"})).content.decode()
    assert html.count('data-testid="status-benefits"') == len(EXPECTED)
    assert "Снижение налога на имущество" in html and "выдаётся на 7 лет" in html
    assert html.count('data-testid="status-days-left"') == sum(1 for e in EXPECTED.values() if e[2] is not None)
    assert "(остался 91 день)" in html and "(осталось 0 дней)" in html
    assert ">истёк<" in html and ">заканчивается<" in html
    # the back-office: the term filter and column
    changelist = reverse("admin:registry_status_changelist")
    for value, index in (("in_force", 1), ("expiring", 3)):
        shown = {s.number for s in operator_client.get(changelist, {"term": value}).context["cl"].result_list}
        assert shown == {n for n, e in EXPECTED.items() if e[index]}, value
    ended = {s.number for s in operator_client.get(changelist, {"term": "ended"}).context["cl"].result_list}
    assert ended == {n for n, e in EXPECTED.items() if not e[1]}


def test_status_term_on_the_site_page(statuses: dict[str, Status], make_site: Any, client: Any) -> None:
    site = make_site("Технопарк «Сигма»", slug="sigma")
    Status.objects.filter(number="ends-at-window").update(site=site)
    html = client.get(reverse("registry:site_detail", kwargs={"slug": "sigma"})).content.decode()
    assert 'data-testid="status-benefits"' in html and "(осталось 90 дней)" in html


def test_approval_sets_the_term_by_the_rule(make_org: Any, kind: StatusKind) -> None:
    app = services.status_application_submit(applicant=make_org(), kind=kind, obliged_jobs=10)
    services.status_application_start_review(application=app)
    services.status_application_add_verdict(application=app, expert_name="Иванов", verdict="support")
    status = services.status_application_approve(application=app, granted_on=date(2024, 2, 29))
    assert status.valid_until == rules.status_valid_until(granted_on=date(2024, 2, 29), term_years=7)
    assert status.valid_until == date(2031, 2, 28)


def test_report_deadline_is_one_rule_for_the_check(make_org: Any, kind: StatusKind) -> None:
    kind.report_month, kind.report_day = 5, 15
    services.status_kind_save(kind=kind)
    assert rules.report_deadline(kind, 2024) == date(2025, 5, 15)
    status = Status.objects.create(
        kind=kind, holder=make_org(), granted_on=date(2023, 1, 1), obliged_jobs=5, obliged_investment=Decimal("0")
    )
    no_obligations = Status.objects.create(kind=kind, holder=make_org(), granted_on=date(2023, 1, 1))
    assert rules.status_owes_report(status, 2024) and not rules.status_owes_report(no_obligations, 2024)
    owing = set(Status.objects.filter(rules.status_owes_report_q(2024)).values_list("pk", flat=True))
    assert owing == {status.pk}
    # the service flags exactly when the rule says the report is overdue
    deadline = rules.status_report_deadline(status, 2024)
    assert not rules.report_overdue(deadline, date(2025, 5, 15), filed=False)
    assert services.status_confirmation_check(year=2024, today=date(2025, 5, 15)) == []
    assert rules.report_overdue(deadline, date(2025, 5, 16), filed=False)
    assert services.status_confirmation_check(year=2024, today=date(2025, 5, 16)) == [status.pk]
    status.refresh_from_db()
    assert "15 мая 2025" in status.flag_reason and status.flagged_at is not None


def test_each_kind_has_its_own_deadline(make_org: Any, kind: StatusKind) -> None:
    """Two kinds, two deadlines: on 2 April the technopark's report is overdue, the SEZ resident's is not."""
    sez = StatusKind.objects.create(code="sez-resident", name="Резидент ОЭЗ", report_month=6, report_day=30)
    technopark = Status.objects.create(kind=kind, holder=make_org(), granted_on=date(2023, 1, 1), obliged_jobs=5)
    resident = Status.objects.create(kind=sez, holder=make_org(), granted_on=date(2023, 1, 1), obliged_jobs=5)
    assert rules.status_report_deadline(technopark, 2024) == date(2025, 4, 1)  # the model's default
    assert rules.status_report_deadline(resident, 2024) == date(2025, 6, 30)
    assert services.status_confirmation_check(year=2024, today=date(2025, 4, 2)) == [technopark.pk]
    assert services.status_confirmation_check(year=2024, today=date(2025, 7, 1)) == [resident.pk]


def test_reminder_days_and_a_deadline_every_year_has(kind: StatusKind) -> None:
    kind.report_reminder_days = "7,30,1,7"
    assert rules.report_reminder_days(kind) == (30, 7, 1)
    kind.report_month, kind.report_day = 2, 29
    with pytest.raises(ValidationError) as info:
        services.status_kind_save(kind=kind)
    assert "report_day" in info.value.error_dict
    kind.report_month, kind.report_day, kind.report_reminder_days = 2, 28, "30; 7"
    with pytest.raises(ValidationError) as info:
        services.status_kind_save(kind=kind)
    assert "report_reminder_days" in info.value.error_dict


def test_late_and_days_overdue() -> None:
    deadline = date(2025, 4, 1)
    assert not rules.report_late(submitted_on=deadline, deadline=deadline)
    assert rules.report_late(submitted_on=date(2025, 4, 2), deadline=deadline)
    assert rules.report_days_overdue(deadline, date(2025, 4, 11)) == 10
    assert rules.report_days_overdue(deadline, date(2025, 3, 1)) == 0


def test_operator_lists_use_the_same_rules(statuses: dict[str, Status], make_org: Any, kind: StatusKind) -> None:
    from mosprom.registry import selectors

    ending = selectors.statuses_ending_soon(today=TODAY)
    assert [s.number for s in ending] == ["ends-today", "flagged", "ends-at-window"]
    assert all(s.term.expiring for s in ending)  # type: ignore[attr-defined]
    waiting = services.status_application_submit(applicant=make_org(), kind=kind)
    decided = services.status_application_submit(applicant=make_org(), kind=kind)
    services.status_application_reject(application=decided, reason="Нет площадки")
    assert list(selectors.applications_waiting()) == [waiting]
