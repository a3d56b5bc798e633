"""Each partnerships rule has one home (partnerships/rules.py): its plain form and its Q form agree, and the
page, the API, the back-office, the dashboard figures and the digest all say the same on the edges."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from mosprom.partnerships import rules, selectors, services
from mosprom.partnerships.models import Agreement, AgreementParty, Milestone, Project

TODAY = date.today()


@pytest.fixture
def agreements(city: Any, corp: Any) -> dict[str, Agreement]:
    """One agreement per edge of the active/expired/terminated/expiring rule, relative to today."""

    def make(slug: str, **fields: Any) -> Agreement:
        return services.agreement_create(
            title=slug,
            slug=slug,
            kind="other",
            signed_on=fields.pop("signed_on", date(2015, 1, 1)),
            parties=[(city, AgreementParty.Role.CITY), (corp, AgreementParty.Role.STATE_CORPORATION)],
            **fields,
        )

    made = {
        "open": make("open"),
        "ends-today": make("ends-today", ends_on=TODAY),
        "ended-yesterday": make("ended-yesterday", ends_on=TODAY - timedelta(days=1)),
        "ends-at-window": make("ends-at-window", ends_on=TODAY + timedelta(days=180)),
        "ends-after-window": make("ends-after-window", ends_on=TODAY + timedelta(days=181)),
        "terminated-today": make("terminated-today"),
        "terminated-tomorrow": make("terminated-tomorrow"),
    }
    services.agreement_terminate(agreement=made["terminated-today"], on=TODAY)
    services.agreement_terminate(agreement=made["terminated-tomorrow"], on=TODAY + timedelta(days=1))
    return made


EXPECTED_AGREEMENTS = {
    "open": ("active", None, False),
    "ends-today": ("active", 0, True),
    "ended-yesterday": ("expired", None, False),
    "ends-at-window": ("active", 180, True),
    "ends-after-window": ("active", 181, False),
    "terminated-today": ("terminated", None, False),
    "terminated-tomorrow": ("active", None, False),
}


def test_agreement_state_is_one_rule_everywhere(
    agreements: dict[str, Agreement], client: Any, operator_client: Any
) -> None:
    # the plain rule
    for slug, (status, days_left, expiring) in EXPECTED_AGREEMENTS.items():
        state = rules.agreement_state(agreements[slug], TODAY)
        assert (state.status, state.days_left, state.expiring) == (status, days_left, expiring), slug
    # its Q forms
    for status in ("active", "expired", "terminated"):
        in_db = set(Agreement.objects.filter(rules.agreement_status_q(status, TODAY)).values_list("slug", flat=True))
        assert in_db == {s for s, e in EXPECTED_AGREEMENTS.items() if e[0] == status}, status
    expiring = set(Agreement.objects.filter(rules.agreement_expiring_q(TODAY)).values_list("slug", flat=True))
    assert expiring == {s for s, e in EXPECTED_AGREEMENTS.items() if e[2]}
    # the API: status, days left, the active filter
    api = {a["slug"]: a for a in client.get("/api/v1/agreements?page_size=50").json()["items"]}
    for slug, (status, days_left, expiring_flag) in EXPECTED_AGREEMENTS.items():
        assert (api[slug]["status"], api[slug]["days_left"], api[slug]["expiring"]) == (
            status,
            days_left,
            expiring_flag,
        ), slug
    active = {a["slug"] for a in client.get("/api/v1/agreements?active=true").json()["items"]}
    assert active == {s for s, e in EXPECTED_AGREEMENTS.items() if e[0] == "active"}
    # the public list filtered by status, and each agreement's page
    for status in ("active", "expired", "terminated"):
        html = client.get(reverse("partnerships:agreement_list"), {"status": status}).content.decode()
        for slug, expected in EXPECTED_AGREEMENTS.items():
            assert (f'href="/partnerships/agreements/{slug}/"' in html) == (expected[0] == status), (status, slug)
    for slug, (status, days_left, _expiring) in EXPECTED_AGREEMENTS.items():
        html = client.get(reverse("partnerships:agreement_detail", kwargs={"slug": slug})).content.decode()
        label = str(Agreement.Status(status).label)
        assert f'data-testid="agreement-status">{label}<' in html, slug
        assert ('data-testid="days-left"' in html) == (days_left is not None), slug
        assert ('data-testid="agreement-expiring"' in html) == _expiring, slug
    # the back-office list filter
    for status in ("active", "expired", "terminated"):
        response = operator_client.get(reverse("admin:partnerships_agreement_changelist"), {"state": status})
        shown = {a.slug for a in response.context["cl"].result_list}
        assert shown == {s for s, e in EXPECTED_AGREEMENTS.items() if e[0] == status}, status
    # the dashboard figures
    kpis = selectors.partnership_kpis(today=TODAY)
    assert kpis["agreements_active"] == 5
    assert kpis["agreements_expiring_within_days"] == {"days": 180, "count": 2}


@pytest.fixture
def milestones(make_project: Any) -> dict[str, Milestone]:
    """One milestone per edge of the overdue / due-soon rule (warning window set to 5 days)."""
    start = TODAY - timedelta(days=400)
    open_project = make_project(title="Открытый", planned_start=start, planned_end=TODAY + timedelta(days=400))
    cancelled = make_project(title="Отменённый", planned_start=start, status=Project.Status.CANCELLED)
    made = {}
    for name, due, done, project in (
        ("yesterday", TODAY - timedelta(days=1), None, open_project),
        ("today", TODAY, None, open_project),
        ("window-end", TODAY + timedelta(days=5), None, open_project),
        ("after-window", TODAY + timedelta(days=6), None, open_project),
        ("done-late", TODAY - timedelta(days=30), TODAY - timedelta(days=2), open_project),
        ("cancelled-project", TODAY - timedelta(days=30), None, cancelled),
    ):
        made[name] = services.milestone_add(project=project, title=name, due_on=due, done_on=done)
    return made


EXPECTED_MILESTONES = {
    "yesterday": "overdue",
    "today": "due_soon",
    "window-end": "due_soon",
    "after-window": "planned",
    "done-late": "done",
    "cancelled-project": "planned",
}


@pytest.fixture
def window(settings: Any) -> None:
    settings.PARTNERSHIPS_MILESTONE_WARNING_DAYS = 5


def test_milestone_overdue_and_warning_window_is_one_rule_everywhere(
    window: None, milestones: dict[str, Milestone], operator_client: Any, operator: Any, agreement: Agreement
) -> None:
    def names(qs: Any) -> set[str]:
        return set(qs.values_list("title", flat=True))

    by_state = {
        s: {n for n, e in EXPECTED_MILESTONES.items() if e == s} for s in ("overdue", "due_soon", "planned", "done")
    }
    # the plain rule and its Q forms
    for name, expected in EXPECTED_MILESTONES.items():
        assert rules.milestone_state(Milestone.objects.get(title=name), TODAY) == expected, name
    assert names(Milestone.objects.filter(rules.milestone_overdue_q(TODAY))) == by_state["overdue"]
    assert names(Milestone.objects.filter(rules.milestone_due_soon_q(TODAY))) == by_state["due_soon"]
    # the project page (operators see the milestones with the selector's flags)
    project = Project.objects.get(title="Открытый")
    html = operator_client.get(project.get_absolute_url()).content.decode()
    for name in ("yesterday", "today", "window-end", "after-window", "done-late"):
        expected = EXPECTED_MILESTONES[name]
        assert f'data-state="{expected}">\n    <td data-label="Веха">{name}</td>' in html, name
    # the project's overdue count on the road map and the dashboard
    assert selectors.agreement_projects(agreement=agreement, today=TODAY).get(pk=project.pk).milestones_overdue == 1
    assert selectors.partnership_kpis(today=TODAY)["overdue_milestones"] == 1
    assert names(selectors.overdue_milestones(today=TODAY)) == by_state["overdue"]
    # the back-office filters: milestones overdue / due within the window, projects with overdue milestones
    changelist = reverse("admin:partnerships_milestone_changelist")
    for value, state in (("yes", "overdue"), ("soon", "due_soon")):
        shown = {m.title for m in operator_client.get(changelist, {"overdue": value}).context["cl"].result_list}
        assert shown == by_state[state], value
    assert "срок в ближайшие 5 дней" in operator_client.get(changelist).content.decode()
    projects = operator_client.get(reverse("admin:partnerships_project_changelist"), {"overdue": "yes"})
    assert {p.title for p in projects.context["cl"].result_list} == {"Открытый"}
    # the weekly digest: the same overdue list and the same window
    agreement.responsible_operators.add(operator)
    operator.email = "op@example.org"
    operator.save()
    upcoming, overdue = services._digest_milestones(operator, TODAY)
    assert {m.title for m in overdue} == by_state["overdue"]
    assert {m.title for m in upcoming} == by_state["due_soon"]


def test_project_late_rule() -> None:
    project = Project(planned_end=TODAY - timedelta(days=1), status=Project.Status.IMPLEMENTATION)
    assert rules.project_late(project, TODAY)
    project.status = Project.Status.COMPLETED
    assert not rules.project_late(project, TODAY)
    project.status, project.planned_end = Project.Status.IMPLEMENTATION, TODAY
    assert not rules.project_late(project, TODAY)
