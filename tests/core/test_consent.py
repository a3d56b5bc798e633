"""Consent: the registration's checkbox points at a hint that links to the consent text, which has its own page
and version («Версия 2026-01 от 12 января 2026»); a registration stores the version agreed to. Every
aria-describedby on every form names an element that exists."""

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from mosprom.core.consent import VERSIONS, consent_text
from mosprom.tours.models import Registration
from tests.factories import MembershipFactory, OperatorFactory, SessionFactory


def test_the_current_version_has_a_text() -> None:
    text = consent_text()
    assert text is not None and text.version == settings.TOURS_CONSENT_VERSION


@pytest.mark.django_db
def test_the_consent_page_shows_its_version_and_date_in_both_languages(client: Client) -> None:
    html = client.get("/privacy/consent/").content.decode()
    assert "Согласие на обработку персональных данных" in html
    assert f"Версия {settings.TOURS_CONSENT_VERSION} от 12 января 2026" in html
    assert f"через {settings.TOURS_PURGE_DAYS_AFTER} дней после сеанса" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/privacy/consent/").content.decode()
    assert f"Version {settings.TOURS_CONSENT_VERSION} of 12 January 2026" in english
    assert client.get("/privacy/consent/", {"version": "1999-01"}).status_code == 404


@pytest.mark.django_db
def test_an_earlier_version_stays_readable(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(settings, "TOURS_CONSENT_VERSION", "2027-01")
    monkeypatch.setitem(VERSIONS, "2027-01", VERSIONS["2026-01"].__class__("2027-01", VERSIONS["2026-01"].dated, ()))
    html = client.get("/privacy/consent/", {"version": "2026-01"}).content.decode()
    assert "Это прежняя версия" in html and "Версия 2026-01 от 12 января 2026" in html


@pytest.mark.django_db
def test_the_checkbox_links_to_the_text_and_the_registration_keeps_the_version(client: Client) -> None:
    session = SessionFactory()
    html = client.get(session.tour.get_absolute_url()).content.decode()
    checkbox = re.search(r'<input[^>]*name="consent"[^>]*>', html)
    assert checkbox and 'aria-describedby="consent-hint"' in checkbox.group(0)
    hint = re.search(r'<p[^>]*id="consent-hint"[^>]*>(.*?)</p>', html, re.S)
    assert hint and 'href="/privacy/consent/"' in hint.group(1) and settings.TOURS_CONSENT_VERSION in hint.group(1)
    response = client.post(
        session.tour.get_absolute_url(),
        {
            "session": session.pk,
            "name": "Анна Иванова",
            "email": "anna@example.com",
            "phone": "+7 495 123-45-67",
            "party_size": 1,
            "consent": "on",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(email="anna@example.com")
    assert registration.consent_version == settings.TOURS_CONSENT_VERSION and registration.consent_at is not None
    assert consent_text(registration.consent_version) is not None


def _dangling(html: str) -> list[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    refs = {ref for value in re.findall(r'aria-describedby="([^"]+)"', html) for ref in value.split()}
    return sorted(refs - ids)


@pytest.mark.django_db
def test_every_aria_describedby_names_an_element_that_exists(client: Client) -> None:
    session = SessionFactory()
    host = MembershipFactory(organisation=session.tour.host).user
    pages = {
        None: [
            "/",
            "/tours/",
            "/tours/?date_from=nonsense",
            session.tour.get_absolute_url(),
            "/organisations/",
            "/productions/",
            "/sites/",
            "/accounts/login/",
            "/companies/request-access/",
            "/privacy/consent/",
        ],
        host: ["/tours/cabinet/", "/tours/cabinet/tours/new/", "/tours/cabinet/check-in/"],
        OperatorFactory(): ["/intake/new/", "/companies/operator/", "/companies/operator/invite/"],
    }
    checked = 0
    for user, urls in pages.items():
        visitor = Client()
        if user is not None:
            visitor.force_login(user)
        for language in ("ru", "en"):
            visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for url in urls:
                response = visitor.get(url)
                assert response.status_code == 200, (url, response.status_code)
                html = response.content.decode()
                assert _dangling(html) == [], (url, language)
                checked += "aria-describedby" in html
    # a bad submission too: error messages beside the fields
    html = client.post(session.tour.get_absolute_url(), {"session": session.pk, "party_size": 0}).content.decode()
    assert "aria-describedby" in html and _dangling(html) == []
    assert checked >= 6
