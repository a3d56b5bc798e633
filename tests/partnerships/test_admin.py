"""Back-office: operators manage agreements and road maps; filters and actions work; bad input is refused."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from mosprom.partnerships.models import Milestone, Project


def _inline_management(prefix: str, total: int) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_changelists_and_filters(operator_client: Any, make_project: Any, agreement: Any) -> None:
    project = make_project(milestones=[{"title": "Поздно", "due_on": date(2026, 2, 1)}])
    for url in (
        reverse("admin:partnerships_agreement_changelist"),
        reverse("admin:partnerships_agreement_change", args=[agreement.pk]),
        reverse("admin:partnerships_project_changelist") + "?overdue=yes",
        reverse("admin:partnerships_project_changelist") + "?overdue=no&category=production",
        reverse("admin:partnerships_project_change", args=[project.pk]),
        reverse("admin:partnerships_milestone_changelist") + "?overdue=soon",
        reverse("admin:partnerships_project_add"),
    ):
        assert operator_client.get(url).status_code == 200, url
    html = operator_client.get(reverse("admin:partnerships_project_changelist") + "?overdue=yes").content.decode()
    assert project.title in html


def test_mark_done_actions(operator_client: Any, make_project: Any) -> None:
    project = make_project(
        milestones=[{"title": "A", "due_on": date(2026, 2, 1)}, {"title": "B", "due_on": date(2099, 1, 1)}]
    )
    a = project.milestones.get(title="A")
    response = operator_client.post(
        reverse("admin:partnerships_milestone_changelist"),
        {"action": "mark_done", "_selected_action": [a.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Milestone.objects.get(pk=a.pk).done_on == date.today()
    operator_client.post(
        reverse("admin:partnerships_project_changelist"),
        {"action": "mark_milestones_done", "_selected_action": [project.pk]},
    )
    assert Milestone.objects.get(title="B").done_on is None  # not due yet


def test_admin_refuses_a_duty_for_a_non_party_and_end_before_start(
    operator_client: Any, corp: Any, outsider: Any, agreement: Any
) -> None:
    data = {
        "partner": corp.pk,
        "agreement": agreement.pk,
        "code": "Z-1",
        "title": "Проверка",
        "category": "energy",
        "status": "idea",
        "planned_start": "01.01.2027",
        "planned_end": "01.01.2026",
        **_inline_management("duties", 1),
        "duties-0-organisation": outsider.pk,
        "duties-0-text": "Чужая обязанность",
        **_inline_management("milestones", 0),
    }
    response = operator_client.post(reverse("admin:partnerships_project_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Плановое окончание раньше планового начала." in html
    assert not Project.objects.exists()
    data["planned_end"] = "01.01.2028"
    response = operator_client.post(reverse("admin:partnerships_project_add"), data)
    assert response.status_code == 200
    assert "не является стороной соглашения проекта" in response.content.decode()
    assert not Project.objects.exists()


def test_plain_staff_without_operator_role_is_refused(client: Any, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user(username="staff", password="x-staff-2026", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:partnerships_project_changelist")).status_code == 403


def test_changes_leave_audit_entries(make_project: Any) -> None:
    from auditlog.models import LogEntry

    project = make_project(milestones=[{"title": "A", "due_on": date(2026, 2, 1)}])
    assert LogEntry.objects.get_for_object(project).exists()
