"""The audit trail names who acted: API token writes name the token's owner; named events carry no personal data."""

from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from mosprom.core.api_auth import api_token_create
from mosprom.core.audit import acting_as, audit_event
from mosprom.core.models import ApiToken
from mosprom.registry.models import Organisation


def test_an_api_write_is_audited_with_the_tokens_owner(client: Any, operator: Any) -> None:
    raw = api_token_create(user=operator, name="tests")[1]
    response = client.post(
        "/api/v1/organisations",
        {"short_name": "ООО «Аудит»", "kind": "company"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.content
    organisation = Organisation.objects.get(short_name="ООО «Аудит»")
    entry = LogEntry.objects.get_for_object(organisation).get(action=LogEntry.Action.CREATE)
    assert entry.actor == operator


def test_token_changes_are_audited(operator: Any) -> None:
    with acting_as(operator):
        token, _raw = api_token_create(user=operator, name="exports")
        token.revoked = True
        token.save()
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(ApiToken), object_pk=str(token.pk))
    assert [e.action for e in entries.order_by("timestamp", "pk")] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(e.actor == operator for e in entries)
    assert all("digest" not in (e.changes_dict or {}) for e in entries)


def test_a_named_event_shows_the_model_and_id_only(operator: Any, db: Any) -> None:
    organisation = Organisation.objects.create(short_name="Иван Петров ИП", full_name="Иван Петров ИП", slug="ip")
    entry = audit_event(actor=operator, action="status_approved", obj=organisation, data={"status_id": 7})
    assert entry.actor == operator
    assert entry.additional_data == {"event": "status_approved", "status_id": 7}
    assert "Петров" not in entry.object_repr
