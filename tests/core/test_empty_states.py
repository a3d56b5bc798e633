"""Every list page, rendered empty, says what the emptiness means and what to do next, with a link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from mosprom.intake.models import PressRelease
from mosprom.tours.models import Tour
from tests.factories import OrganisationFactory
from tests.tours.conftest import host_user, make_session, make_tour, register

pytestmark = pytest.mark.django_db


def empty_state(body: str) -> str:
    """The text of the page's empty-state block (tags stripped), or fail when the page has none."""
    match = re.search(r'<div class="empty-state" data-testid="empty-state">(.*?)\n</div>', body, re.S)
    assert match, "the page shows no empty state"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def link(body: str) -> str:
    match = re.search(r'<a href="([^"]*)" data-testid="empty-state-link">', body)
    assert match, "the empty state offers no link"
    return match.group(1)


# --- the catalogue ------------------------------------------------------------------------------------------


def test_empty_catalogue_says_no_tours_yet_and_points_to_the_sites(client: Any) -> None:
    body = client.get(reverse("tours:catalogue")).content.decode()
    text = empty_state(body)
    assert "Пока нет экскурсий с открытой записью." in text
    assert "Предприятия публикуют новые даты в течение сезона" in text
    assert link(body) == reverse("registry:site_list")


def test_catalogue_with_nothing_found_offers_the_nearest_tours(client: Any) -> None:
    tour = make_tour(title="Как делают сыр", min_age=14)
    make_session(tour)
    body = client.get(reverse("tours:catalogue"), {"q": "шоколад"}).content.decode()
    text = empty_state(body)
    assert text.startswith("Ничего не найдено.")
    assert "Проверьте написание или уберите лишние слова." in text  # only words: no filter to clear
    assert "фильтр" not in text
    assert link(body) == reverse("tours:catalogue")
    assert "Ближайшие экскурсии" in body
    nearest = body.split('data-testid="nearest"', 1)[1]
    assert "Как делают сыр" in nearest


def test_catalogue_says_how_many_tours_the_words_find_without_the_other_filters(client: Any) -> None:
    make_session(make_tour(title="Как делают сыр", min_age=14))
    body = client.get(reverse("tours:catalogue"), {"q": "сыр", "age": "6"}).content.decode()
    assert "Проверьте написание, уберите лишние слова или сбросьте часть фильтров." in empty_state(body)
    relaxed = re.search(r'<p data-testid="relaxed"><a href="([^"]+)">([^<]+)</a></p>', body)
    assert relaxed
    assert relaxed.group(1) == reverse("tours:catalogue") + "?q=%D1%81%D1%8B%D1%80"
    assert relaxed.group(2) == "1 экскурсия по запросу «сыр» без других фильтров"


def test_catalogue_with_a_typo_offers_the_nearest_words_inside_the_empty_state(client: Any) -> None:
    make_session(make_tour(title="Как делают сыр"))
    body = client.get(reverse("tours:catalogue"), {"q": "сырр"}).content.decode()
    text = empty_state(body)
    assert text.startswith("Ничего не найдено. Возможно, вы искали: сыр")
    assert body.count('data-testid="suggestions"') == 1


def test_catalogue_in_english(client: Any) -> None:
    client.cookies["django_language"] = "en"
    body = client.get(reverse("tours:catalogue")).content.decode()
    assert "No tours are open for registration yet." in empty_state(body)


# --- the registry -------------------------------------------------------------------------------------------


def test_empty_site_list_and_map(client: Any) -> None:
    body = client.get(reverse("registry:site_list")).content.decode()
    assert "В реестре пока нет площадок." in empty_state(body)
    assert link(body) == reverse("home")
    body = client.get(reverse("registry:site_list"), {"kind": "technopark"}).content.decode()
    assert "Площадок такого вида в реестре нет." in empty_state(body)
    assert link(body) == reverse("registry:site_list")
    body = client.get(reverse("registry:map")).content.decode()
    assert "В реестре пока нет площадок." in empty_state(body)


def test_organisation_and_production_lists_with_nothing_found(client: Any) -> None:
    OrganisationFactory(short_name="Мехатроникс")
    body = client.get(reverse("registry:organisation_list"), {"q": "шоколадная фабрика"}).content.decode()
    text = empty_state(body)
    assert text.startswith("Ничего не найдено.")
    assert "Проверьте написание или сократите название." in text
    assert link(body) == reverse("registry:organisation_list")
    body = client.get(
        reverse("registry:organisation_list"), {"q": "шоколадная фабрика", "kind": "company"}
    ).content.decode()
    assert "Проверьте написание, сократите название или сбросьте фильтры." in empty_state(body)
    body = client.get(reverse("registry:production_list"), {"q": "шоколад", "year": "2020"}).content.decode()
    assert "Проверьте написание, выберите другой год или сбросьте фильтры." in empty_state(body)
    assert link(body) == reverse("registry:production_list")


# --- partnerships -------------------------------------------------------------------------------------------


def test_empty_agreement_list(client: Any) -> None:
    body = client.get(reverse("partnerships:agreement_list")).content.decode()
    assert "Соглашения пока не опубликованы." in empty_state(body)
    assert link(body) == reverse("registry:organisation_list")
    body = client.get(reverse("partnerships:agreement_list"), {"status": "active"}).content.decode()
    assert "Выберите другой статус или партнёра либо сбросьте фильтры." in empty_state(body)
    assert link(body) == reverse("partnerships:agreement_list")


def test_empty_road_map_for_the_public_and_for_an_operator(client: Any, operator: Any) -> None:
    partner = OrganisationFactory(slug="partner")
    url = reverse("partnerships:roadmap", kwargs={"slug": partner.slug})
    body = client.get(url).content.decode()
    assert "В этой дорожной карте пока нет проектов." in empty_state(body)
    assert link(body) == reverse("partnerships:agreement_list")
    client.force_login(operator)
    body = client.get(url).content.decode()
    assert "Заполните шаблон импорта и загрузите его" in empty_state(body)
    assert link(body) == reverse("partnerships:roadmap_import", kwargs={"slug": partner.slug})
    body = client.get(url, {"status": "done"}).content.decode()
    assert "Выберите другую категорию или статус либо сбросьте фильтры." in empty_state(body)


def test_nothing_overdue(operator_client: Any) -> None:
    body = operator_client.get(reverse("partnerships:overdue_list")).content.decode()
    assert "Все вехи открытых проектов выполнены или их срок ещё не наступил." in empty_state(body)
    assert link(body) == reverse("partnerships:agreement_list")


# --- the host cabinet ---------------------------------------------------------------------------------------


def test_empty_host_cabinet(client: Any) -> None:
    client.force_login(host_user(OrganisationFactory()))
    body = client.get(reverse("tours:cabinet")).content.decode()
    assert "Откройте экскурсию ниже и добавьте сеанс" in body
    assert "Опишите первую экскурсию" in body
    assert f'<a href="{reverse("tours:cabinet_tour_new")}" data-testid="empty-state-link">Новая экскурсия</a>' in body
    # an empty list is its empty state alone: no table header cut off at 390 px above it
    assert "<table" not in body


def test_a_tour_with_no_sessions_and_a_session_with_no_registrations(client: Any) -> None:
    host = OrganisationFactory()
    client.force_login(host_user(host))
    tour = make_tour(host=host)
    url = reverse("tours:cabinet_tour", kwargs={"pk": tour.pk})
    body = client.get(url).content.decode()
    # the tour is published: the empty state must not say it is not
    text = empty_state(body)
    assert "Экскурсия опубликована, но записаться пока не на что" in text and "будет опубликована" not in text
    assert link(body) == "#add-session" and 'id="add-session"' in body
    assert 'data-testid="sessions"' not in body and "<thead" not in body
    Tour.objects.filter(pk=tour.pk).update(state=Tour.State.DRAFT)
    text = empty_state(client.get(url).content.decode())
    assert "Добавьте первую дату и время в форме ниже; запись откроется, когда экскурсия будет опубликована." in text
    Tour.objects.filter(pk=tour.pk).update(state=Tour.State.ARCHIVED)
    assert "Экскурсия в архиве" in empty_state(client.get(url).content.decode())
    Tour.objects.filter(pk=tour.pk).update(state=Tour.State.PUBLISHED)
    session = make_session(tour)
    body = client.get(reverse("tours:cabinet_session", kwargs={"pk": session.pk})).content.decode()
    assert "Посетители записываются на публичной странице экскурсии" in empty_state(body)
    assert 'data-testid="registrants"' not in body
    assert link(body) == tour.get_absolute_url()
    Tour.objects.filter(pk=tour.pk).update(state=Tour.State.DRAFT)
    body = client.get(reverse("tours:cabinet_session", kwargs={"pk": session.pk})).content.decode()
    assert "Экскурсия не опубликована" in empty_state(body)
    assert link(body) == reverse("tours:cabinet_tour", kwargs={"pk": tour.pk})


def test_my_data_with_no_registrations_left(rf: RequestFactory) -> None:
    registration = register(make_session())
    body = render_to_string("tours/my_data.html", {"r": registration, "rows": []}, request=rf.get("/"))
    assert "Записей на этот адрес у нас нет." in empty_state(body)
    assert link(body) == reverse("tours:catalogue")


# --- the operator's lists and the demo mailbox --------------------------------------------------------------


def test_empty_press_releases_and_a_release_with_nothing_waiting(operator_client: Any) -> None:
    body = operator_client.get(reverse("intake:release_list")).content.decode()
    assert "Загрузите пресс-релиз файлом или вставьте его текст" in empty_state(body)
    assert link(body) == reverse("intake:release_new")
    release = PressRelease.objects.create(
        title="Новости", text="Открыт цех.", original="Открыт цех.", content_hash="0" * 64
    )
    body = operator_client.get(reverse("intake:release_detail", kwargs={"pk": release.pk})).content.decode()
    assert "По всем фактам из этого пресс-релиза решения приняты" in empty_state(body)
    assert link(body) == reverse("intake:release_list")


def test_empty_mailbox(client: Any) -> None:
    body = client.get(reverse("core:mailbox")).content.decode()
    assert "Платформа пишет, когда кто-то записывается на экскурсию" in empty_state(body)
    assert link(body) == reverse("tours:catalogue")
    body = client.get(reverse("core:mailbox"), {"to": "nobody@example.com"}).content.decode()
    assert "Писем на этот адрес нет." in empty_state(body)
    assert link(body) == reverse("core:mailbox")
