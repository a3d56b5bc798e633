"""The back-office reads as Russian: Django's own phrases hold a model's name whatever its gender and case
(«Выберите заявка на статус», «6 заявки на статус», «Производство … был изменен» were seen), and the audit trail
(django-auditlog) speaks Russian too («AUDIT LOG», «update», «3 changes: inn, ogrn», «Correlation ID» were seen)."""

import re
from html import unescape
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from mosprom.core.audit import audit_event
from mosprom.registry import services as registry_services
from mosprom.registry.models import Industry
from tests.factories import IndustryFactory, OrganisationFactory, StatusKindFactory


@pytest.fixture
def superuser_client(client: Any, db: Any) -> Any:
    user = get_user_model().objects.create_superuser(username="root", password="root-pass-2026", email="r@example.com")
    client.force_login(user)
    return client


def _text(html: str) -> str:
    inline = re.sub(r"</?(?:a|b|strong|span)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", inline)))


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "no <h1>"
    return _text(match.group(1)).strip()


# Every model of the back-office, third-party ones included (django-axes, django-tasks-db).
MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_changelist_names_its_model_in_a_form_russian_accepts(superuser_client: Any, model: Any) -> None:
    opts = model._meta
    response = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    name, plural = str(opts.verbose_name), str(opts.verbose_name_plural)
    assert re.search("[а-яё]", name + plural), f"{opts.label} has no Russian name: {name!r} / {plural!r}"
    assert _h1(html) in {f"Выберите для изменения: {name}", f"Выберите для просмотра: {name}"}
    assert f"Выберите {name} для" not in html
    count = re.search(r'data-testid="result-count">([^<]*)<', html)
    assert count and count.group(1) == f"{plural[:1].upper()}{plural[1:]}: {response.context['cl'].result_count}"


def test_six_applications_are_counted_without_declining_the_name(superuser_client: Any) -> None:
    kind = StatusKindFactory()
    for _ in range(6):
        registry_services.status_application_submit(applicant=OrganisationFactory(), kind=kind)
    html = superuser_client.get(reverse("admin:registry_statusapplication_changelist")).content.decode()
    assert "Заявки на статус: 6" in _text(html)
    assert "6 заявки на статус" not in _text(html)
    assert "Выберите для изменения: заявка на статус" in _text(html)
    assert "Добавить: заявка на статус" in _text(html)


def test_add_change_and_delete_pages_and_messages(superuser_client: Any) -> None:
    add = superuser_client.get(reverse("admin:registry_industry_add")).content.decode()
    assert _h1(add) == "Добавление: отрасль"
    response = superuser_client.post(
        reverse("admin:registry_industry_add"),
        {"name": "Фармацевтика", "name_en": "Pharmaceuticals", "slug": "pharma"},
        follow=True,
    )
    assert response.status_code == 200
    industry = Industry.objects.get(slug="pharma")
    text = _text(response.content.decode())
    assert "Запись «Фармацевтика» (отрасль) добавлена." in text
    assert "был успешно добавлен" not in text
    change_url = reverse("admin:registry_industry_change", args=[industry.pk])
    assert _h1(superuser_client.get(change_url).content.decode()) == "Изменение: отрасль"
    saved = superuser_client.post(
        change_url, {"name": "Фармацевтика", "name_en": "Pharma", "slug": "pharma"}, follow=True
    )
    text = _text(saved.content.decode())
    assert "Запись «Фармацевтика» (отрасль) изменена." in text and "был успешно изменен" not in text
    confirm = _text(
        superuser_client.get(reverse("admin:registry_industry_delete", args=[industry.pk])).content.decode()
    )
    assert "Удалить запись «Фармацевтика» (отрасль)?" in confirm
    gone = superuser_client.post(
        reverse("admin:registry_industry_delete", args=[industry.pk]), {"post": "yes"}, follow=True
    )
    assert "Запись «Фармацевтика» (отрасль) удалена." in _text(gone.content.decode())


def test_bulk_delete_counts_in_words_russian_declines(superuser_client: Any) -> None:
    industries = IndustryFactory.create_batch(5)
    response = superuser_client.post(
        reverse("admin:registry_industry_changelist"),
        {"action": "delete_selected", "_selected_action": [i.pk for i in industries], "post": "yes"},
        follow=True,
    )
    text = _text(response.content.decode())
    assert "Удалено записей: 5 (отрасли)." in text
    assert "Успешно удалены" not in text


def test_the_audit_trail_speaks_russian(superuser_client: Any, operator: Any) -> None:
    organisation = OrganisationFactory()
    registry_services.organisation_update(
        organisation=organisation, actor=operator, inn="7707083893", ogrn="1027700132195"
    )
    audit_event(actor=operator, action="tours.check_in", obj=organisation)
    index = _text(superuser_client.get("/admin/auditlog/").content.decode())
    assert "Журнал изменений" in index and "Audit log" not in index
    html = superuser_client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    text = _text(html)
    for english in ("update", "create", "Correlation ID", "Resource Type", " changes: ", "system"):
        assert english not in text, english
    assert "2 изменения: ИНН, ОГРН" in text and "Roadmap" not in text
    assert "отметка о приходе" in text
    assert "номер запроса" in text.lower() and "вид записи" in text.lower()
    entry = LogEntry.objects.get_for_object(organisation).filter(changes__icontains="inn").latest("timestamp")
    page = _text(superuser_client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).content.decode())
    assert "Что изменилось" in page and "поле было стало" in page
    assert "Field" not in page and "Changes" not in page


def test_the_index_names_every_app_in_russian(superuser_client: Any) -> None:
    """Third-party apps too: django-tasks-db called itself «Tasks Database Backend» and django-axes «Axes»."""
    response = superuser_client.get(reverse("admin:index"))
    assert response.status_code == 200
    names = {app["app_label"]: app["name"] for app in response.context["app_list"]}
    assert names["django_tasks_database"] == "Фоновые задачи"
    assert names["axes"] == "Попытки входа"
    text = _text(response.content.decode())
    assert "Tasks Database Backend" not in text and "Axes" not in text
    assert "Результаты задач" in text
    english = {label: name for label, name in names.items() if not re.search("[А-ЯЁа-яё]", str(name))}
    assert english == {}
