"""The check-in page: a ticket already checked in shows a strong warning with the time and no button; a refused
ticket says why and offers no button."""

from typing import Any

import pytest
from django.utils import timezone

from mosprom.tours import services
from tests.tours.conftest import confirm, host_user, make_session, register

pytestmark = pytest.mark.django_db


def test_checked_in_twice_warns_and_a_refusal_hides_the_button(client: Any) -> None:
    today = make_session(days=0, starts_at=timezone.now() + timezone.timedelta(hours=2))
    later = make_session(days=10, tour=today.tour)
    host = host_user(today.tour.host)
    client.force_login(host)
    ticket = confirm(register(later))
    page = client.get(f"/tours/cabinet/check-in/{ticket.ticket_code}/").content.decode()
    assert 'data-testid="checkin-error"' in page and 'data-testid="checkin"' not in page  # not today: no button

    from mosprom.tours.models import Registration

    guest = Registration.objects.create(
        session=today, name="Анна", email="anna@example.com", party_size=2, state=Registration.State.CONFIRMED
    )
    first = client.get(f"/tours/cabinet/check-in/{guest.ticket_code}/").content.decode()
    assert 'data-testid="checkin"' in first
    services.registration_check_in(actor=host, code=guest.ticket_code)
    again = client.get(f"/tours/cabinet/check-in/{guest.ticket_code}/").content.decode()
    assert 'data-testid="already-checked-in"' in again and "Уже отмечен" in again
    assert 'data-testid="checkin"' not in again
