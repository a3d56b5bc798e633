"""Every registry change from the back-office or the API goes through a service and leaves an audit entry naming
who acted: the operator in the back-office, the token's owner in the API; approvals are named actions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from mosprom.core.api_auth import api_token_create
from mosprom.registry import services
from mosprom.registry.models import (
    Industry,
    Membership,
    Organisation,
    Production,
    Residency,
    Site,
    Status,
    StatusApplication,
    StatusKind,
)
from tests.registry.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


def _entries(model: Any, pk: Any, action: int | None = None) -> Any:
    qs = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_pk=str(pk))
    return qs.filter(action=action) if action is not None else qs


def _save_page(client: Any, url: str, **changes: Any) -> Any:
    data = admin_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    return response


def test_organisation_with_inlines_is_audited_with_the_operator(
    operator_client: Any, operator: Any, make_org: Any, make_site: Any, django_user_model: Any
) -> None:
    org, site = make_org("ООО «Старое»"), make_site("Технопарк «Альфа»")
    host = django_user_model.objects.create_user(username="host")
    _save_page(
        operator_client,
        reverse("admin:registry_organisation_change", args=[org.pk]),
        short_name="ООО «Новое»",
        **{
            "residencies-TOTAL_FORMS": 1,
            "residencies-0-site": site.pk,
            "residencies-0-since": "2024-01-01",
            "productions-TOTAL_FORMS": 1,
            "productions-0-product": "Датчики",
            "memberships-TOTAL_FORMS": 1,
            "memberships-0-user": host.pk,
        },
    )
    assert _entries(Organisation, org.pk, LogEntry.Action.UPDATE).latest("timestamp").actor == operator
    for model in (Residency, Production, Membership):
        created = model.objects.get(organisation=org)
        assert _entries(model, created.pk, LogEntry.Action.CREATE).get().actor == operator, model


def test_every_registry_admin_add_change_and_delete_names_the_operator(
    operator_client: Any, operator: Any, make_org: Any, make_site: Any, technopark_kind: StatusKind
) -> None:
    holder, site = make_org(), make_site()
    # add pages
    cases = [
        ("site", {"name": "Площадка «Бета»", "slug": "beta", "kind": "technopark"}, Site, {"slug": "beta"}),
        ("industry", {"name": "Химия", "name_en": "Chemistry", "slug": "chemistry"}, Industry, {"slug": "chemistry"}),
        ("statuskind", {"code": "sez", "name": "Резидент ОЭЗ", "benefits": "Льготы"}, StatusKind, {"code": "sez"}),
        ("production", {"organisation": holder.pk, "product": "Станки"}, Production, {"product": "Станки"}),
        ("residency", {"organisation": holder.pk, "site": site.pk}, Residency, {"site": site}),
        (
            "status",
            {"kind": technopark_kind.pk, "holder": holder.pk, "granted_on": "2024-01-10", "state": "active"},
            Status,
            {"holder": holder},
        ),
        (
            "statusapplication",
            {"kind": technopark_kind.pk, "applicant": holder.pk, "submitted_on": "2025-03-01"},
            StatusApplication,
            {"applicant": holder},
        ),
    ]
    for name, fields, model, lookup in cases:
        url = reverse(f"admin:registry_{name}_add")
        data = admin_form_data(operator_client.get(url))
        data.update(fields)
        response = operator_client.post(url, data)
        assert response.status_code == 302, (name, response.context["adminform"].form.errors)
        obj = model.objects.get(**lookup)
        assert _entries(model, obj.pk, LogEntry.Action.CREATE).get().actor == operator, name
        # the term of a status recorded by hand comes from the rule
        if model is Status:
            assert obj.valid_until == date(2034, 1, 10)
        # change and delete
        change = reverse(f"admin:registry_{name}_change", args=[obj.pk])
        _save_page(operator_client, change)
        delete = reverse(f"admin:registry_{name}_delete", args=[obj.pk])
        assert operator_client.post(delete, {"post": "yes"}).status_code == 302, name
        assert not model.objects.filter(pk=obj.pk).exists(), name
        assert _entries(model, obj.pk, LogEntry.Action.DELETE).get().actor == operator, name


def test_status_workflow_actions_are_named_actions_of_the_operator(
    operator_client: Any, operator: Any, make_org: Any, technopark_kind: StatusKind
) -> None:
    application = services.status_application_submit(applicant=make_org(), kind=technopark_kind, obliged_jobs=5)
    changelist = reverse("admin:registry_statusapplication_changelist")
    operator_client.post(changelist, {"action": "start_review", "_selected_action": [application.pk]})
    operator_client.post(
        changelist,
        {
            "action": "add_verdict",
            "_selected_action": [application.pk],
            "apply": "1",
            "expert_name": "Иванов",
            "verdict": "support",
            "comment": "",
        },
    )
    operator_client.post(changelist, {"action": "approve", "_selected_action": [application.pk]})
    application.refresh_from_db()
    assert application.state == StatusApplication.State.APPROVED
    events = {
        e.additional_data["event"]: e
        for e in _entries(StatusApplication, application.pk).exclude(additional_data__isnull=True)
    }
    assert set(events) == {"status_review_started", "status_verdict_added", "status_approved"}
    assert all(e.actor == operator for e in events.values())
    assert events["status_approved"].additional_data["status_id"] == application.status_id
    assert "Иванов" not in str(events["status_verdict_added"].additional_data)
    assert _entries(Status, application.status_id, LogEntry.Action.CREATE).get().actor == operator


def test_api_writes_name_the_tokens_owner(client: Any, operator: Any, make_org: Any) -> None:
    raw = api_token_create(user=operator, name="integration")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    created = client.post(
        "/api/v1/organisations", {"short_name": "ООО «Через API»"}, content_type="application/json", **headers
    )
    assert created.status_code == 201
    org = Organisation.objects.get(slug=created.json()["slug"])
    assert _entries(Organisation, org.pk, LogEntry.Action.CREATE).get().actor == operator
    patched = client.patch(
        f"/api/v1/organisations/{org.slug}", {"employees": 12}, content_type="application/json", **headers
    )
    assert patched.status_code == 200
    assert _entries(Organisation, org.pk, LogEntry.Action.UPDATE).get().actor == operator
    production = client.post(
        "/api/v1/productions",
        {"organisation": org.slug, "product": "Фрезы"},
        content_type="application/json",
        **headers,
    )
    assert production.status_code == 201
    assert _entries(Production, production.json()["id"], LogEntry.Action.CREATE).get().actor == operator


def test_audit_entries_show_only_what_people_changed(operator_client: Any, make_org: Any) -> None:
    org = make_org("ООО «Было»")
    _save_page(operator_client, reverse("admin:registry_organisation_change", args=[org.pk]), short_name="ООО «Стало»")
    entry = _entries(Organisation, org.pk, LogEntry.Action.UPDATE).latest("timestamp")
    assert set(entry.changes_dict) == {"short_name"}  # no search_text, no updated_at
