"""GOV.UK's error summary on a phone: after a failed submission the summary is in view and focused, the title
starts with «Ошибка:», and each message links to its field."""

from __future__ import annotations

from typing import Any

from tests.factories import SessionFactory


def _assert_summary_focused(page: Any) -> None:
    assert page.evaluate("document.activeElement.dataset.testid") == "error-summary"
    assert page.title().startswith("Ошибка:")
    top = page.evaluate("document.querySelector('.error-summary').getBoundingClientRect().top")
    assert 0 <= top < 844, top  # within the phone's screen


def test_failed_login_on_a_phone_shows_the_summary(phone_page: Any, db: Any) -> None:
    phone_page.goto("/accounts/login/")
    phone_page.fill("#id_username", "nobody")
    phone_page.fill("#id_password", "wrong-password")
    phone_page.click("main form button[type=submit]")
    phone_page.wait_for_selector(".error-summary")
    _assert_summary_focused(phone_page)


def test_failed_registration_on_a_phone_shows_the_summary_far_down_the_page(phone_page: Any, db: Any) -> None:
    session = SessionFactory(tour__description="Описание экскурсии. " * 400)
    phone_page.goto(f"/tours/{session.tour.slug}/")
    phone_page.fill("#id_name", "Анна")
    phone_page.fill("#id_email", "anna@")
    phone_page.fill("#id_phone", "12")
    phone_page.click("form[data-testid=registration-form] button[type=submit]")
    phone_page.wait_for_selector(".error-summary")
    _assert_summary_focused(phone_page)
    assert phone_page.input_value("#id_name") == "Анна"  # nothing the user typed is lost
    phone_page.click(".error-summary a[href='#id_email']")
    assert phone_page.evaluate("document.activeElement.id") == "id_email"
