"""Browser journeys of the tours part: a visitor registers, confirms from the demo mailbox, sees the
ticket with its QR code and cancels; a host logs in, adds a session, sees the registrant, checks them in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mosprom.demo.formats import format_get_or_create
from mosprom.registry.models import Membership, Organisation
from mosprom.tours.models import Registration, Session, Tour

from .journey_kit import confirmed_registration

pytestmark = pytest.mark.django_db(transaction=True)


def _tour(slug: str = "nck") -> Tour:
    host, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"full_name": "Нанотехнологический центр композитов", "short_name": "НЦК"}
    )
    tour = Tour.objects.create(
        host=host,
        format=format_get_or_create(slug="excursion"),
        title="Композиты вокруг нас",
        slug="composites",
        description="Экскурсия на производство изделий из полимерных композиционных материалов.",
        address="Москва, Волгоградский проспект, 42, корп. 5",
        meeting_point="Главная проходная",
        min_age=14,
        state=Tour.State.PUBLISHED,
    )
    Session.objects.create(tour=tour, starts_at=timezone.now() + timedelta(days=10), capacity=5)
    Session.objects.create(tour=tour, starts_at=timezone.now() + timedelta(days=17), capacity=2)
    return tour


def _shot(page: Any, phone_page: Any, path: str, name: str) -> None:
    page.screenshot(path=f"/tmp/tours-{name}.png", full_page=True)
    phone_page.goto(path)
    phone_page.screenshot(path=f"/tmp/tours-{name}-390.png", full_page=True)


def test_visitor_registers_confirms_and_cancels(page: Any, phone_page: Any, live_server: Any, settings: Any) -> None:
    settings.SITE_URL = live_server.url
    _tour()
    page.goto("/tours/")
    _shot(page, phone_page, "/tours/", "catalogue")
    page.fill("#id_q", "композиты")
    page.click("text=Найти")
    page.click("text=Композиты вокруг нас")
    assert "Свободно 5 мест" in page.content()
    # A mistake first: the form keeps what was typed and says what is wrong.
    page.locator("input[name=session]").first.check()
    page.fill("#id_name", "Анна Иванова")
    page.fill("#id_email", "anna@")
    page.fill("#id_phone", "+7 495 123-45-67")
    page.fill("#id_party_size", "2")
    page.click("form[data-testid=registration-form] button[type=submit]")
    summary = page.locator("[data-testid=error-summary]")
    assert "Введите адрес электронной почты" in summary.inner_text()
    assert page.input_value("#id_name") == "Анна Иванова"
    _shot(page, phone_page, page.url, "tour-errors")
    page.fill("#id_email", "anna@example.com")
    page.check("#id_consent")
    page.click("form[data-testid=registration-form] button[type=submit]")
    page.wait_for_selector("[data-testid=registered]")
    # The demo mailbox has the confirmation.
    page.goto("/dev/mailbox/")
    page.click("text=Подтвердите запись")
    page.click("[data-testid=confirm-link]")
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=ticket]")
    assert page.locator("[data-testid=qr] svg").count() == 1
    registration = Registration.objects.get()
    assert registration.state == "confirmed"
    assert registration.ticket_code_display in page.inner_text("[data-testid=ticket]")
    _shot(page, phone_page, page.url, "ticket")
    page.click("[data-testid=cancel-link]")
    page.click("[data-testid=cancel]")
    page.wait_for_selector("[data-testid=cancelled]")
    registration.refresh_from_db()
    assert registration.state == "cancelled"


def test_host_adds_session_sees_registrant_and_checks_in(
    page: Any, phone_page: Any, live_server: Any, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    tour = _tour()
    user = get_user_model().objects.create_user(username="host-nck", password="host-demo-2026")
    Membership.objects.create(user=user, organisation=tour.host)
    page.goto("/accounts/login/")
    page.fill("#id_username", "host-nck")
    page.fill("#id_password", "host-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/tours/cabinet/")
    phone_page.context.add_cookies(page.context.cookies())
    page.click("[data-testid=tours] >> text=Композиты вокруг нас")
    starts = timezone.localtime(timezone.now() + timedelta(days=12)).replace(hour=11, minute=0)
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_capacity", "12")
    page.click("text=Добавить сеанс >> nth=-1")
    page.wait_for_url("**/tours/cabinet/sessions/*/")
    session = Session.objects.get(capacity=12)
    # A visitor registers and confirms (through the same service the form uses).
    registration = confirmed_registration(session)
    page.reload()
    assert "Пётр Посетитель" in page.inner_text("[data-testid=registrants]")
    # The day of the tour comes.
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() + timedelta(minutes=30))
    page.goto("/tours/cabinet/")
    _shot(page, phone_page, "/tours/cabinet/", "cabinet")
    page.fill("#id_code", registration.ticket_code_display)
    page.click("text=Найти билет")
    page.click("[data-testid=checkin]")
    assert "пришёл" in page.inner_text("[data-testid=checkin-state]")
    registration.refresh_from_db()
    assert registration.state == "checked_in"
