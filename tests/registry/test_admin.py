from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from mosprom.registry import services
from mosprom.registry.models import Organisation, StatusApplication

pytestmark = pytest.mark.django_db


def test_operator_sees_registry_lists_with_search(operator_client: Any, populated: dict[str, Any]) -> None:
    for name in ("site", "organisation", "production", "residency", "status", "statusapplication", "membership"):
        response = operator_client.get(reverse(f"admin:registry_{name}_changelist"))
        assert response.status_code == 200, name
    response = operator_client.get(reverse("admin:registry_organisation_changelist"), {"q": "Росатом"})
    assert "Госкорпорация «Росатом»" in response.content.decode()


def test_organisation_change_page_has_inlines(operator_client: Any, populated: dict[str, Any]) -> None:
    org = populated["renera"]
    body = operator_client.get(reverse("admin:registry_organisation_change", args=[org.pk])).content.decode()
    assert "residencies-TOTAL_FORMS" in body and "productions-TOTAL_FORMS" in body


def _org_form(org: Organisation, **changes: Any) -> dict[str, Any]:
    data = {
        "kind": org.kind, "full_name": org.full_name, "short_name": org.short_name, "slug": org.slug,
        "name_variants": "", "inn": org.inn or "", "ogrn": "", "parent": org.parent_id or "", "website": "",
        "industry": org.industry_id or "", "description": "", "employees": org.employees or "",
    }  # fmt: skip
    for prefix in ("residencies", "productions", "memberships"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


def test_admin_edit_leaves_audit_entry_with_actor(operator_client: Any, operator: Any, make_org: Any) -> None:
    org = make_org("ООО «Старое имя»")
    url = reverse("admin:registry_organisation_change", args=[org.pk])
    response = operator_client.post(url, _org_form(org, short_name="ООО «Новое имя»"))
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_pk=str(org.pk),
        action=LogEntry.Action.UPDATE,
    ).latest("timestamp")
    assert entry.actor == operator
    assert "short_name" in entry.changes_dict
    trail = operator_client.get(reverse("admin:auditlog_logentry_changelist"))
    assert trail.status_code == 200
    assert "ООО «Новое имя»" in trail.content.decode()


def test_admin_name_variants_are_one_per_line(operator_client: Any, make_org: Any) -> None:
    """The operator types other spellings one per line (not a JSON list); blanks and repeats are dropped."""
    org = make_org("ПАО «КамАЗ»")
    url = reverse("admin:registry_organisation_change", args=[org.pk])
    response = operator_client.post(url, _org_form(org, name_variants="КАМАЗ\n\n  KamAZ \nКАМАЗ"))
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.name_variants == ["КАМАЗ", "KamAZ"]
    page = operator_client.get(url).content.decode()
    assert "КАМАЗ\nKamAZ</textarea>" in page and "По одному в строке" in page


def test_admin_refuses_bad_inn_beside_the_field(operator_client: Any, make_org: Any) -> None:
    org = make_org()
    url = reverse("admin:registry_organisation_change", args=[org.pk])
    response = operator_client.post(url, _org_form(org, inn="1234567890"))
    assert response.status_code == 200
    assert "неверный ИНН" in response.content.decode()


def _application(make_org: Any, kind: Any) -> StatusApplication:
    return services.status_application_submit(
        applicant=make_org(), kind=kind, submitted_on=date(2025, 1, 10), obliged_investment=Decimal("1")
    )


def test_workflow_actions(operator_client: Any, make_org: Any, technopark_kind: Any) -> None:
    app = _application(make_org, technopark_kind)
    url = reverse("admin:registry_statusapplication_changelist")
    response = operator_client.post(url, {"action": "start_review", "_selected_action": [app.pk]}, follow=True)
    assert "направлена на экспертизу" in response.content.decode()
    app.refresh_from_db()
    assert app.state == StatusApplication.State.UNDER_REVIEW
    # approval without a verdict is refused with a message, not a 500
    response = operator_client.post(url, {"action": "approve", "_selected_action": [app.pk]}, follow=True)
    assert "хотя бы одно заключение" in response.content.decode()
    response = operator_client.post(url, {"action": "add_verdict", "_selected_action": [app.pk]})
    assert "Заключение" in response.content.decode()
    response = operator_client.post(
        url,
        {"action": "add_verdict", "_selected_action": [app.pk], "apply": "1", "expert_name": "Иванов",
         "verdict": "support", "comment": "Соответствует"},
        follow=True,
    )  # fmt: skip
    assert "Заключение добавлено" in response.content.decode()
    assert app.verdicts.get().expert_name == "Иванов"
    response = operator_client.post(url, {"action": "approve", "_selected_action": [app.pk]}, follow=True)
    assert "статус присвоен" in response.content.decode()
    app.refresh_from_db()
    assert app.status is not None and app.status.valid_until is not None


def test_reject_action_asks_for_a_reason(operator_client: Any, make_org: Any, technopark_kind: Any) -> None:
    app = _application(make_org, technopark_kind)
    url = reverse("admin:registry_statusapplication_changelist")
    response = operator_client.post(url, {"action": "reject", "_selected_action": [app.pk]})
    assert response.status_code == 200 and "Причина отказа" in response.content.decode()
    response = operator_client.post(url, {"action": "reject", "_selected_action": [app.pk], "apply": "1", "reason": ""})
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.state == StatusApplication.State.SUBMITTED
    response = operator_client.post(
        url, {"action": "reject", "_selected_action": [app.pk], "apply": "1", "reason": "Мало места"}, follow=True
    )
    assert "отклонена" in response.content.decode()
    app.refresh_from_db()
    assert app.state == StatusApplication.State.REJECTED and app.rejection_reason == "Мало места"


def test_non_operator_has_no_registry_admin(client: Any, db: Any) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="staff", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:registry_organisation_changelist")).status_code == 403
