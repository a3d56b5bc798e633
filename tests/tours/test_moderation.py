"""A new host's first tours wait for an operator's moderation before they are published (issue 11, item 5)."""

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied

from mosprom.companies.models import HostCapability
from mosprom.core.errors import Refused
from mosprom.tours import selectors, services
from mosprom.tours.models import Tour
from tests.factories import FormatFactory, OrganisationFactory, TourFactory
from tests.tours.conftest import host_user

pytestmark = pytest.mark.django_db


def _unsaved_tour(org: Any, slug: str) -> Tour:
    return TourFactory.build(host=org, format=FormatFactory(slug="excursion"), state=Tour.State.PUBLISHED, slug=slug)


def _new_host(moderated_tours: int = 2) -> tuple[Any, Any]:
    org = OrganisationFactory()
    HostCapability.objects.create(organisation=org, moderated_tours=moderated_tours)
    return org, host_user(org)


def test_a_new_hosts_first_tours_go_to_moderation_then_publish_directly(operator: Any) -> None:
    org, host = _new_host(moderated_tours=1)
    tour = _unsaved_tour(org, "first")
    services.tour_save(actor=host, tour=tour)
    tour.refresh_from_db()
    assert tour.state == Tour.State.MODERATION and tour.published_at is None
    assert not selectors.tour_list_public().filter(pk=tour.pk).exists()
    assert LogEntry.objects.filter(additional_data__event="tours.tour_sent_to_moderation", actor=host).exists()

    services.tour_moderate(actor=operator, tour_id=tour.pk, approve=True)
    tour.refresh_from_db()
    assert tour.state == Tour.State.PUBLISHED and tour.published_at is not None
    assert selectors.tour_list_public().filter(pk=tour.pk).exists()

    second = _unsaved_tour(org, "second")
    services.tour_save(actor=host, tour=second)  # the first one passed moderation: the next is published
    assert second.state == Tour.State.PUBLISHED


def test_existing_hosts_and_operators_publish_directly(operator: Any) -> None:
    org = OrganisationFactory()
    host = host_user(org)  # a host from before the company cabinet: no moderation
    tour = _unsaved_tour(org, "direct")
    services.tour_save(actor=host, tour=tour)
    assert tour.state == Tour.State.PUBLISHED
    new_org, _host = _new_host()
    by_operator = _unsaved_tour(new_org, "by-operator")
    services.tour_save(actor=operator, tour=by_operator)
    assert by_operator.state == Tour.State.PUBLISHED


def test_returning_and_refusals(operator: Any) -> None:
    org, host = _new_host()
    tour = _unsaved_tour(org, "returned")
    services.tour_save(actor=host, tour=tour)
    with pytest.raises(PermissionDenied):
        services.tour_moderate(actor=host, tour_id=tour.pk, approve=True)  # a host cannot publish itself
    services.tour_moderate(actor=operator, tour_id=tour.pk, approve=False, comment="Уточните адрес")
    tour.refresh_from_db()
    assert tour.state == Tour.State.DRAFT
    with pytest.raises(Refused) as refused:
        services.tour_moderate(actor=operator, tour_id=tour.pk, approve=True)
    assert refused.value.code == "not_in_moderation"


def test_the_admin_action_publishes(operator_client: Any) -> None:
    org, host = _new_host()
    tour = _unsaved_tour(org, "via-admin")
    services.tour_save(actor=host, tour=tour)
    response = operator_client.post(
        "/admin/tours/tour/", {"action": "publish_moderated", "_selected_action": [tour.pk]}, follow=True
    )
    assert response.status_code == 200
    tour.refresh_from_db()
    assert tour.state == Tour.State.PUBLISHED
