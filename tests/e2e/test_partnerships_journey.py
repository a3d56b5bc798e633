"""An operator's journey: add a road-map project in the back-office, mark a milestone done, see the road map change."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from mosprom.core.roles import operators_group
from mosprom.partnerships import services
from mosprom.partnerships.models import Agreement, AgreementParty, Project
from mosprom.registry.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "operator-journey-2026"


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    city = Organisation.objects.create(
        slug="moscow-government", short_name="Правительство Москвы", full_name="Правительство Москвы", kind="government"
    )
    corp = Organisation.objects.create(
        slug="rosatom",
        short_name="Госкорпорация «Росатом»",
        full_name="Госкорпорация «Росатом»",
        kind="state_corporation",
    )
    agreement = services.agreement_create(
        title="Итоги стратегической сессии",
        slug="session",
        kind=Agreement.Kind.STRATEGIC_SESSION,
        signed_on=date(2025, 10, 21),
        parties=[(city, AgreementParty.Role.CITY), (corp, AgreementParty.Role.STATE_CORPORATION)],
    )
    user = get_user_model().objects.create_user(username="olga", password=PASSWORD, is_staff=True)
    user.groups.add(operators_group())
    # the organisation autocomplete asks the registry admin, which checks Django's model permissions
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_organisation", "view_site"]))
    return {"city": city, "corp": corp, "agreement": agreement}


def _pick(page: Any, select_id: str, text: str) -> None:
    """Choose `text` in a select2 autocomplete of the Django admin."""
    page.locator(f"#{select_id}").locator("xpath=following-sibling::span[1]").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_operator_adds_project_marks_milestone_and_sees_progress(page: Any, world: dict[str, Any]) -> None:
    today = date.today()
    fmt = "%d.%m.%Y"
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "olga")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

    page.goto("/admin/partnerships/project/add/")
    _pick(page, "id_partner", "Росатом")
    _pick(page, "id_agreement", "Итоги стратегической")
    page.fill("#id_code", "GF-1")
    page.fill("#id_title", "Гигафабрика накопителей энергии")
    page.select_option("#id_category", "production")
    page.select_option("#id_status", "implementation")
    page.fill("#id_planned_start", (today - timedelta(days=120)).strftime(fmt))
    page.fill("#id_planned_end", (today + timedelta(days=400)).strftime(fmt))

    duties = page.locator("#duties-group")
    for i, (org, text) in enumerate(
        [("Правительство Москвы", "Москва возводит корпус завода"), ("Росатом", "Росатом обеспечивает оснащение")]
    ):
        duties.locator(".add-row a").click()
        _pick(page, f"id_duties-{i}-organisation", org)
        page.fill(f"#id_duties-{i}-text", text)
    milestones = page.locator("#milestones-group")
    for i, (title, due) in enumerate(
        [("Корпус возведён", today - timedelta(days=10)), ("Оборудование смонтировано", today + timedelta(days=200))]
    ):
        milestones.locator(".add-row a").click()
        page.fill(f"#id_milestones-{i}-title", title)
        page.fill(f"#id_milestones-{i}-due_on", due.strftime(fmt))
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/partnerships/project/")
    project = Project.objects.get(code="GF-1")
    assert project.duties.count() == 2 and project.milestones.count() == 2

    roadmap_url = "/partnerships/partners/rosatom/roadmap/"
    page.goto(roadmap_url)
    assert page.get_by_test_id(f"progress-{project.pk}").inner_text().strip() == "0\u00a0%"
    timeline = page.get_by_test_id("timeline")
    assert timeline.locator(f'.milestone.overdue[data-project="{project.pk}"]').count() == 1
    assert timeline.locator(f'.milestone.done[data-project="{project.pk}"]').count() == 0
    assert timeline.locator(f'g.bar.late[data-project="{project.pk}"]').count() == 1

    # mark the overdue milestone done from the milestone list
    page.goto(f"/admin/partnerships/milestone/?project__id__exact={project.pk}&overdue=yes")
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "mark_done")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert project.milestones.filter(done_on__isnull=False).count() == 1

    page.goto(roadmap_url)
    assert page.get_by_test_id(f"progress-{project.pk}").inner_text().strip() == "50\u00a0%"
    timeline = page.get_by_test_id("timeline")
    assert timeline.locator(f'.milestone.done[data-project="{project.pk}"]').count() == 1
    assert timeline.locator(f'.milestone.overdue[data-project="{project.pk}"]').count() == 0
    assert timeline.locator(f'g.bar.late[data-project="{project.pk}"]').count() == 0
    assert timeline.locator(f'g.bar[data-project="{project.pk}"] .done-part').count() == 1
    page.screenshot(path="/tmp/partnerships-roadmap-after.png", full_page=True)


def test_public_pages_at_phone_size(phone_page: Any, world: dict[str, Any]) -> None:
    services.project_create(
        agreement=world["agreement"],
        code="GF-1",
        title="Гигафабрика накопителей энергии",
        category=Project.Category.PRODUCTION,
        status=Project.Status.IMPLEMENTATION,
        planned_start=date(2025, 10, 21),
        planned_end=date(2028, 12, 31),
        duties=[(world["city"], "Москва возводит корпус завода")],
        milestones=[{"title": "Секретная веха", "due_on": date(2026, 1, 1)}],
    )
    phone_page.goto("/partnerships/")
    assert "Итоги стратегической сессии" in phone_page.get_by_test_id("agreement-table").inner_text()
    phone_page.get_by_role("link", name="Итоги стратегической сессии").click()
    phone_page.wait_for_url("**/agreements/session/")
    assert "Госкорпорация «Росатом»" in phone_page.get_by_test_id("parties").inner_text()
    phone_page.goto("/partnerships/partners/rosatom/roadmap/")
    html = phone_page.content()
    assert "Москва возводит корпус завода" in html and "Секретная веха" not in html
    # the page itself does not scroll sideways; only the timeline box does
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    phone_page.screenshot(path="/tmp/partnerships-roadmap-phone.png", full_page=True)


def test_operator_previews_then_imports_a_road_map_at_phone_size(
    phone_page: Any, world: dict[str, Any], tmp_path: Any
) -> None:
    """Upload → a preview of what changes (nothing written yet) → confirm → the road map has the project."""
    from io import BytesIO

    from openpyxl import load_workbook

    from mosprom.partnerships.xlsx import roadmap_workbook

    wb = load_workbook(BytesIO(roadmap_workbook(partner=world["corp"], projects=None, with_milestones=True)))
    wb.worksheets[0].append(
        ["EV-1", "Зарядные станции в Печатниках", "rosatom", "транспорт", "идея", "session", None, 50, None, None]
    )
    path = tmp_path / "roadmap.xlsx"
    wb.save(path)

    page = phone_page
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "olga")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/partnerships/partners/rosatom/roadmap/import/")
    page.set_input_files("input[type=file]", str(path))
    page.locator("main button[type=submit]").click()
    page.wait_for_selector("[data-testid=import-preview]")
    preview = page.get_by_test_id("import-preview").inner_text()
    assert "Зарядные станции в Печатниках" in preview and "X-001" in preview  # the example row is named as skipped
    assert not Project.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.screenshot(path="/tmp/partnerships-import-preview-390.png", full_page=True)
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url("**/partners/rosatom/roadmap/")
    assert Project.objects.get().code == "EV-1"
    assert "Дорожная карта импортирована" in page.locator("main").inner_text()
