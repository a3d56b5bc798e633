"""Pages: public versus operator content, constant queries with hundreds of projects."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from mosprom.partnerships.models import Agreement, Duty, Milestone, Project


@pytest.fixture
def project(make_project: Any, city: Any, corp: Any) -> Project:
    return make_project(
        title="Гигафабрика накопителей энергии",
        internal_notes="СЕКРЕТНАЯ ЗАМЕТКА",
        planned_start=date(2025, 1, 1),
        duties=[(city, "Москва возводит корпус завода"), (corp, "Росатом обеспечивает технологическое оснащение")],
        milestones=[
            {"title": "Корпус возведён", "due_on": date(2025, 6, 1), "done_on": date(2025, 6, 1)},
            {"title": "Оснащение поставлено", "due_on": date(2025, 9, 1)},
        ],
    )


def test_agreement_list_and_detail_are_public(client: Any, agreement: Agreement, project: Project) -> None:
    agreement.internal_notes = "ВНУТРЕННЕЕ"
    agreement.save()
    response = client.get(reverse("partnerships:agreement_list"))
    assert response.status_code == 200
    assert "Стратегическая сессия" in response.content.decode()
    detail = client.get(agreement.get_absolute_url()).content.decode()
    assert "Росатом" in detail and "Дорожная карта" in detail and project.title in detail
    assert "ВНУТРЕННЕЕ" not in detail


def test_milestones_and_notes_hidden_from_public(client: Any, project: Project) -> None:
    for url in (project.get_absolute_url(), reverse("partnerships:roadmap", kwargs={"slug": "rosatom"})):
        html = client.get(url).content.decode()
        assert "Москва возводит корпус завода" in html  # duties are public
        assert "Оснащение поставлено" not in html
        assert "СЕКРЕТНАЯ ЗАМЕТКА" not in html
        assert 'class="milestone' not in html
    assert client.get(reverse("partnerships:overdue_list")).status_code == 302  # to the login page


def test_milestones_visible_to_operators(operator_client: Any, project: Project) -> None:
    html = operator_client.get(project.get_absolute_url()).content.decode()
    assert "Оснащение поставлено" in html and "СЕКРЕТНАЯ ЗАМЕТКА" in html
    roadmap = operator_client.get(reverse("partnerships:roadmap", kwargs={"slug": "rosatom"})).content.decode()
    assert 'class="milestone done"' in roadmap and 'class="milestone overdue"' in roadmap
    cell = roadmap.split(f'data-testid="progress-{project.pk}"', 1)[1].split("</td>", 1)[0]
    # «50 %» with the no-break space Russian puts before the sign (core.formatting.format_percent), not «50%»
    assert "</svg></span> 50\u00a0%</span>" in cell and 'aria-label="выполнено на 50\u00a0%"' in cell, cell
    overdue = operator_client.get(reverse("partnerships:overdue_list")).content.decode()
    assert "Оснащение поставлено" in overdue


def test_non_operator_user_gets_403_on_operator_pages(client: Any, django_user_model: Any, corp: Any) -> None:
    user = django_user_model.objects.create_user(username="visitor", password="x-visitor-2026")
    client.force_login(user)
    assert client.get(reverse("partnerships:overdue_list")).status_code == 403
    assert client.get(reverse("partnerships:roadmap_import", kwargs={"slug": "rosatom"})).status_code == 403


def test_timeline_marks_today_and_late_projects(client: Any, make_project: Any) -> None:
    today = date.today()
    late = make_project(
        title="Опоздавший", planned_start=today - timedelta(days=400), planned_end=today - timedelta(days=10)
    )
    html = client.get(reverse("partnerships:roadmap", kwargs={"slug": "rosatom"})).content.decode()
    assert 'class="today"' in html
    assert f'<g class="bar late" data-project="{late.pk}">' in html


def _bulk_roadmap(agreement: Agreement, corp: Any, city: Any, n: int) -> None:
    today = date.today()
    projects = Project.objects.bulk_create(
        [
            Project(
                partner=corp,
                agreement=agreement,
                code=f"B-{i:04d}",
                title=f"Проект {i}",
                category=Project.Category.values[i % 8],
                status=Project.Status.values[i % 6],
                planned_start=today - timedelta(days=300 + i),
                planned_end=today + timedelta(days=i),
                is_demo=True,
            )
            for i in range(n)
        ]
    )
    Duty.objects.bulk_create([Duty(project=p, organisation=city, text="Строит") for p in projects])
    Milestone.objects.bulk_create(
        [
            Milestone(project=p, title=f"Веха {k}", due_on=today + timedelta(days=k * 30 - 60))
            for p in projects
            for k in range(3)
        ]
    )


@pytest.mark.parametrize("as_operator", [False, True])
def test_roadmap_constant_queries_with_hundreds_of_projects(
    client: Any,
    operator: Any,
    agreement: Agreement,
    corp: Any,
    city: Any,
    as_operator: bool,
    django_assert_max_num_queries: Any,
) -> None:
    if as_operator:
        client.force_login(operator)
    _bulk_roadmap(agreement, corp, city, 20)
    url = reverse("partnerships:roadmap", kwargs={"slug": "rosatom"})
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    _bulk_roadmap_more = 400
    Project.objects.all().delete()
    _bulk_roadmap(agreement, corp, city, _bulk_roadmap_more)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url + "?page=2")
    assert response.status_code == 200
    assert response.content.decode().count('<g class="bar') == 40


def test_list_pages_constant_queries(
    client: Any, operator: Any, make_project: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        make_project(milestones=[{"title": "x", "due_on": date(2026, 2, 1)}])
    with django_assert_max_num_queries(6):
        client.get(reverse("partnerships:agreement_list"))
    with django_assert_max_num_queries(10):
        client.get(reverse("partnerships:agreement_detail", kwargs={"slug": "session"}))
    client.force_login(operator)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("partnerships:overdue_list")).status_code == 200


def test_bad_filters_and_unknown_pages_do_not_fail(client: Any, project: Project) -> None:
    url = reverse("partnerships:roadmap", kwargs={"slug": "rosatom"})
    assert client.get(url + "?category=nonsense&page=999").status_code == 200
    assert client.get(reverse("partnerships:agreement_list") + "?kind=zzz&status=zzz").status_code == 200
    assert client.get(reverse("partnerships:roadmap", kwargs={"slug": "nobody"})).status_code == 404
    assert client.get("/partnerships/projects/999999/").status_code == 404


def test_public_export_has_no_milestones(client: Any, project: Project) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get(reverse("partnerships:roadmap_export", kwargs={"slug": "rosatom"}))
    wb = load_workbook(BytesIO(response.content))
    assert len(wb.worksheets) == 2
    assert wb.worksheets[0]["B2"].value == project.title


def test_english_switch(client: Any, project: Project) -> None:
    client.cookies["django_language"] = "en"
    html = client.get(reverse("partnerships:roadmap", kwargs={"slug": "rosatom"})).content.decode()
    assert "Road map: Росатом" in html and "Projects by category and status" in html
    client.cookies["django_language"] = "ru"
    html = client.get(reverse("partnerships:roadmap", kwargs={"slug": "rosatom"})).content.decode()
    assert "Дорожная карта: Росатом" in html and "реализация" in html
