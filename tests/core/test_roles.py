from typing import Any

import pytest
from django.urls import reverse

from mosprom.core.roles import is_operator
from mosprom.registry.roles import is_host

pytestmark = pytest.mark.django_db


def test_operator_can_use_the_whole_back_office(operator_client: Any, operator: Any) -> None:
    assert is_operator(operator)
    assert not is_host(operator)
    for name in (
        "admin:registry_organisation_changelist",
        "admin:registry_site_changelist",
        "admin:registry_production_changelist",
        "admin:registry_statusapplication_changelist",
        "admin:partnerships_agreement_changelist",
        "admin:tours_tour_changelist",
        "admin:tours_session_changelist",
        "admin:core_outboundemail_changelist",
        "admin:auditlog_logentry_changelist",
    ):
        assert operator_client.get(reverse(name)).status_code == 200, name
    assert operator_client.get(reverse("admin:registry_organisation_add")).status_code == 200
    # the audit trail is read-only for operators
    assert not operator.has_perm("auditlog.delete_logentry")


def test_anonymous_visitor_is_neither(client: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not is_operator(AnonymousUser())
    assert not is_host(AnonymousUser())
    assert client.get(reverse("admin:index")).status_code == 302
