from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from mosprom.core import services
from mosprom.registry.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def test_home_renders_in_russian_by_default(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    assert '<html lang="ru">' in response.content.decode()


def test_language_switch_to_english_and_back(client: Any) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/"}, follow=True)
    assert '<html lang="ru">' in response.content.decode()


def test_unknown_page_is_a_styled_404(client: Any) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Страница не найдена" in body
    assert "site-header" in body


def test_login_with_wrong_password_keeps_username_and_explains(client: Any) -> None:
    get_user_model().objects.create_user(username="anna", password="right-password-1")
    response = client.post(reverse("core:login"), {"username": "anna", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="anna"' in body
    assert "Неверное имя пользователя или пароль" in body


def test_operator_lands_in_back_office(client: Any, operator: Any) -> None:
    client.force_login(operator)
    response = client.get(reverse("after_login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_host_lands_in_cabinet_or_home(client: Any) -> None:
    user = get_user_model().objects.create_user(username="host", password="x-password-1")
    org = Organisation.objects.create(short_name="НЦК", full_name="Нанотехнологический центр композитов", slug="nck")
    Membership.objects.create(user=user, organisation=org)
    client.force_login(user)
    response = client.get(reverse("after_login"))
    assert response.status_code == 302
    assert response["Location"] != reverse("admin:index")


def test_visitor_goes_home_after_login(client: Any) -> None:
    user = get_user_model().objects.create_user(username="someone", password="x-password-1")
    client.force_login(user)
    assert client.get(reverse("after_login"))["Location"] == reverse("home")


def test_mailbox_shows_outbox_in_demo_mode_only(client: Any, settings: Any) -> None:
    message = services.email_enqueue(
        to="anna@example.com",
        template="core/email/test",
        context={"name": "Анна"},
        language="ru",
        idempotency_key="mailbox-test",
    )
    listing = client.get(reverse("core:mailbox"))
    assert listing.status_code == 200
    assert message.subject in listing.content.decode()
    detail = client.get(reverse("core:mailbox_detail", args=[message.pk]))
    assert "Hello, Анна!" in detail.content.decode()
    settings.DEMO_MAILBOX = False
    assert client.get(reverse("core:mailbox")).status_code == 404


def test_api_docs_are_served_without_a_cdn(client: Any) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "cdn." not in body and "unpkg" not in body
    assert "/static/ninja/swagger-ui" in body
    assert client.get("/api/docs").status_code == 302
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_english_browser_still_gets_russian_until_it_switches(client: Any) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="ru">' in response.content.decode()


def test_unknown_api_path_is_json(client: Any) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
