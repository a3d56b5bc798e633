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


def test_the_page_after_a_check_in_says_done_and_only_a_second_look_warns(client: Any) -> None:
    """Right after the host checks a party in, the page confirms it (no «do not let them in again» alarm under the
    success message); the same ticket shown again — a reload, another scan — warns."""
    session = make_session(days=0, starts_at=timezone.now() + timezone.timedelta(hours=1))
    client.force_login(host_user(session.tour.host))

    from mosprom.tours.models import Registration

    guest = Registration.objects.create(
        session=session, name="Анна", email="anna@example.com", party_size=2, state=Registration.State.CONFIRMED
    )
    url = f"/tours/cabinet/check-in/{guest.ticket_code}/"
    done = client.post(url, follow=True).content.decode()
    assert "Анна — отмечен(а) на входе" in done
    assert 'data-testid="already-checked-in"' not in done and 'data-testid="checkin-error"' not in done
    assert 'data-testid="checkin"' not in done
    again = client.get(url).content.decode()
    assert 'data-testid="already-checked-in"' in again and "Уже отмечен" in again
