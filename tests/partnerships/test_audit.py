"""Every back-office change goes through a service and leaves an audit entry naming the operator; the import
records a named action; an agreement's page stays small and saves whatever the size of its road map."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mosprom.partnerships import services
from mosprom.partnerships.models import Agreement, AgreementParty, Duty, Milestone, Project
from mosprom.partnerships.xlsx import roadmap_workbook
from tests.registry.admin_forms import admin_form_data


def _entries(model: Any, pk: Any, action: int | None = None) -> Any:
    qs = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_pk=str(pk))
    return qs.filter(action=action) if action is not None else qs


def test_agreement_change_with_inlines_is_audited_with_the_operator(
    operator_client: Any, operator: Any, agreement: Agreement, outsider: Any
) -> None:
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    data = admin_form_data(operator_client.get(url))
    data["title"] = "Стратегическая сессия (итоги)"
    data["responsible_operators"] = [operator.pk]
    # a new party in the inline, the existing direction deleted
    data["parties-TOTAL_FORMS"] = int(data["parties-TOTAL_FORMS"]) + 1
    n = int(data["parties-TOTAL_FORMS"]) - 1
    data.update({f"parties-{n}-organisation": outsider.pk, f"parties-{n}-role": "company", f"parties-{n}-order": 5})
    data["directions-0-DELETE"] = "on"
    response = operator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    agreement.refresh_from_db()
    assert agreement.title == "Стратегическая сессия (итоги)"
    assert list(agreement.responsible_operators.all()) == [operator]
    assert _entries(Agreement, agreement.pk, LogEntry.Action.UPDATE).latest("timestamp").actor == operator
    party = AgreementParty.objects.get(agreement=agreement, organisation=outsider)
    assert _entries(AgreementParty, party.pk, LogEntry.Action.CREATE).get().actor == operator
    deleted = LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_repr="Дорожная карта")
    assert deleted.get().actor == operator


def test_project_add_change_delete_and_actions_are_audited(
    operator_client: Any, operator: Any, agreement: Agreement, corp: Any, city: Any
) -> None:
    add = reverse("admin:partnerships_project_add")
    data = admin_form_data(operator_client.get(add))
    data.update(
        {
            "partner": corp.pk,
            "agreement": agreement.pk,
            "code": "A-1",
            "title": "Новый корпус",
            "category": "production",
            "status": "preparation",
            "planned_start": "01.01.2026",
            "duties-TOTAL_FORMS": 1,
            "duties-0-organisation": city.pk,
            "duties-0-text": "Строит",
            "milestones-TOTAL_FORMS": 1,
            "milestones-0-title": "Проект",
            "milestones-0-due_on": "01.02.2026",
        }
    )
    response = operator_client.post(add, data)
    assert response.status_code == 302
    project = Project.objects.get(code="A-1")
    assert _entries(Project, project.pk, LogEntry.Action.CREATE).get().actor == operator
    duty, milestone = Duty.objects.get(project=project), Milestone.objects.get(project=project)
    assert _entries(Duty, duty.pk).get().actor == operator
    assert _entries(Milestone, milestone.pk).get().actor == operator

    change = reverse("admin:partnerships_project_change", args=[project.pk])
    data = admin_form_data(operator_client.get(change))
    data["status"] = "implementation"
    assert operator_client.post(change, data).status_code == 302
    assert _entries(Project, project.pk, LogEntry.Action.UPDATE).latest("timestamp").actor == operator

    operator_client.post(
        reverse("admin:partnerships_milestone_changelist"), {"action": "mark_done", "_selected_action": [milestone.pk]}
    )
    entry = _entries(Milestone, milestone.pk, LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == operator and "done_on" in entry.changes_dict

    delete = reverse("admin:partnerships_project_delete", args=[project.pk])
    assert operator_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()
    assert _entries(Project, project.pk, LogEntry.Action.DELETE).get().actor == operator


def test_roadmap_import_is_a_named_action_of_the_operator(operator_client: Any, operator: Any, corp: Any) -> None:
    services.project_create(partner=corp, code="OLD-1", title="Старый", category="energy")
    wb = roadmap_workbook(partner=corp, projects=Project.objects.filter(partner=corp), with_milestones=True)
    url = reverse("partnerships:roadmap_import", kwargs={"slug": "rosatom"})
    preview = operator_client.post(url, {"file": SimpleUploadedFile("r.xlsx", wb)})
    token = preview.context["confirm"].initial["token"]
    assert operator_client.post(url, {"token": token}).status_code == 302
    event = LogEntry.objects.get(additional_data__event="roadmap_import")
    assert event.actor == operator
    assert event.additional_data == {
        "event": "roadmap_import",
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "deleted": 0,
        "duties": 0,
        "milestones": 0,
    }


def test_import_preview_lists_new_changed_and_missing_and_writes_nothing(operator_client: Any, corp: Any) -> None:
    from openpyxl import load_workbook

    keep = services.project_create(partner=corp, code="K-1", title="Остаётся", category="energy")
    services.project_create(partner=corp, code="C-1", title="Меняется", category="energy")
    services.project_create(partner=corp, code="R-1", title="Пропал из файла", category="energy")
    wb = load_workbook(
        BytesIO(roadmap_workbook(partner=corp, projects=Project.objects.filter(partner=corp), with_milestones=True))
    )
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "C-1":
            row[1].value = "Меняется — новое название"
        if row[0].value == "R-1":
            for cell in row:
                cell.value = None
    ws.append(["N-1", "Новый", "rosatom", "энергетика", "идея", None, None, None, None, None, None, None, None])
    wb.worksheets[1].append(["K-1", corp.slug, "Росатом помогает"])
    buffer = BytesIO()
    wb.save(buffer)
    before = LogEntry.objects.count()
    url = reverse("partnerships:roadmap_import", kwargs={"slug": "rosatom"})
    response = operator_client.post(url, {"file": SimpleUploadedFile("r.xlsx", buffer.getvalue())})
    assert response.status_code == 200, [str(e) for e in response.context["plan"].errors]
    plan = response.context["plan"]
    assert [r.code for r in plan.new] == ["N-1"]
    assert {r.code: r.changes for r in plan.changed} == {"C-1": ["Название"], "K-1": ["Обязанности"]}
    assert plan.removed == ["R-1"]
    html = response.content.decode()
    assert 'data-testid="preview-removed-list"' in html and "Пропал из файла" in html
    assert LogEntry.objects.count() == before and not Project.objects.filter(code="N-1").exists()
    # confirmed with «delete the missing ones»: R-1 goes, the rest as previewed
    token = response.context["confirm"].initial["token"]
    assert operator_client.post(url, {"token": token, "delete_missing": "on"}).status_code == 302
    assert set(Project.objects.filter(partner=corp).values_list("code", flat=True)) == {"K-1", "C-1", "N-1"}
    assert keep.duties.get().text == "Росатом помогает"


def test_agreement_page_stays_small_and_saves_with_a_large_road_map(
    operator_client: Any, operator: Any, agreement: Agreement, corp: Any, django_assert_max_num_queries: Any
) -> None:
    Project.objects.bulk_create(
        Project(partner=corp, agreement=agreement, code=f"B-{i:04d}", title=f"Проект {i}", category="production")
        for i in range(1200)
    )
    url = reverse("admin:partnerships_agreement_change", args=[agreement.pk])
    with django_assert_max_num_queries(40):
        response = operator_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.content) < 150_000, len(response.content)
    assert len(re.findall(r"<(?:input|select|textarea)\b", html)) < 120
    assert "1200 проектов этого соглашения" in html
    assert f"?agreement__id__exact={agreement.pk}" in html
    data = admin_form_data(response)
    assert len(data) < 200
    data["summary"] = "Дорожная карта на 1200 проектов"
    assert operator_client.post(url, data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.summary == "Дорожная карта на 1200 проектов"
    assert Project.objects.filter(agreement=agreement).count() == 1200
    # the projects are listed, filtered by the agreement, on their own paginated page
    listed = operator_client.get(
        reverse("admin:partnerships_project_changelist"), {"agreement__id__exact": agreement.pk}
    )
    assert listed.status_code == 200 and listed.context["cl"].result_count == 1200
    assert len(listed.context["cl"].result_list) == 100
