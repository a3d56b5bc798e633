"""Links that change state expire after the session and work once; the «my data» link expires after a setting;
the confirmation page refuses an expired hold on GET as on POST."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from mosprom.core.errors import Refused
from mosprom.tours import rules, services, tickets
from mosprom.tours.models import Registration, WaitlistEntry

from .conftest import confirm, make_session, register

pytestmark = pytest.mark.django_db


def test_confirmation_page_refuses_an_expired_hold_on_get(client: Any) -> None:
    session = make_session(capacity=2)
    reg = register(session, party=2)
    url = f"/tours/confirm/{tickets.sign_for('confirm', reg)}/"
    fresh = client.get(url)
    assert fresh.status_code == 200 and 'data-testid="confirm"' in fresh.content.decode()
    Registration.objects.filter(pk=reg.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(url)
    assert page.status_code == 410
    assert "места освобождены" in page.content.decode()  # the same message as the POST gives
    assert 'data-testid="confirm"' not in page.content.decode()
    posted = client.post(url)
    assert posted.status_code == 410
    reg.refresh_from_db()
    assert reg.state == Registration.State.EXPIRED


def test_cancel_link_expires_after_the_session(client: Any) -> None:
    session = make_session(capacity=2)
    reg = confirm(register(session))
    signed = tickets.sign_for("cancel", reg)
    ends = rules.link_expires_at(reg)
    with pytest.raises(Refused) as exc:
        services.registration_cancel(signed=signed, now=ends + timedelta(seconds=1))
    assert exc.value.code == "link_expired" and exc.value.status == 410
    with time_machine.travel(ends + timedelta(minutes=1), tick=False):
        assert client.get(f"/tours/cancel/{signed}/").status_code == 410
    reg.refresh_from_db()
    assert reg.state == Registration.State.CONFIRMED
    # A cancel link without an expiry (forged from another purpose's payload) is not accepted.
    with pytest.raises(Refused) as exc:
        services.registration_cancel(signed=tickets.sign("cancel", reg.token))
    assert exc.value.code == "bad_link"


def test_cancel_link_works_once(client: Any) -> None:
    reg = confirm(register(make_session()))
    url = f"/tours/cancel/{tickets.sign_for('cancel', reg)}/"
    assert client.post(url).status_code == 200
    again = client.post(url)
    assert again.status_code == 409 and "уже отменена" in again.content.decode()
    assert client.get(url).status_code == 410


def test_offer_link_works_once_and_expires_after_the_session(client: Any) -> None:
    session = make_session(capacity=1)
    first = confirm(register(session))
    entry = services.waitlist_join(
        session_id=session.pk, name="W", email="w@example.com", phone="+74951234567", party_size=1, consent=True
    )
    services.registration_cancel(signed=tickets.sign_for("cancel", first))
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.OFFERED
    signed = tickets.sign_for("offer", entry)
    with pytest.raises(Refused) as exc:
        services.offer_accept(signed=signed, now=rules.link_expires_at(entry) + timedelta(seconds=1))
    assert exc.value.code == "link_expired"
    url = f"/tours/offer/{signed}/"
    assert client.post(url).status_code == 302
    for data in ({}, {"decline": "1"}):
        again = client.post(url, data)
        assert again.status_code == 410 and "уже использована" in again.content.decode()
    assert Registration.objects.filter(session=session, from_waitlist=True).count() == 1


def test_data_link_expires_after_the_setting(client: Any, settings: Any) -> None:
    reg = confirm(register(make_session(days=60)))
    signed = tickets.sign_for("data", reg)
    assert client.get(f"/tours/my-data/{signed}/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=settings.TOURS_DATA_LINK_DAYS, minutes=1)):
        expired = client.get(f"/tours/my-data/{signed}/")
        assert expired.status_code == 410 and "Срок действия ссылки истёк" in expired.content.decode()
        assert client.post(f"/tours/my-data/{signed}/", {"erase": "1"}).status_code == 410
    reg.refresh_from_db()
    assert reg.purged_at is None
    # Erasing works once: afterwards the link says the data is gone.
    assert client.post(f"/tours/my-data/{signed}/", {"erase": "1"}).status_code == 200
    assert client.get(f"/tours/my-data/{signed}/").status_code == 410
