"""An operator pastes a press release, accepts «35 new productions in 2023 on Технополис Москва» and sees it,
with its quote, on the site's page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from mosprom.core.roles import operators_group
from mosprom.demo import registry as demo

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "intake-journey-2026"
SEED = Path(__file__).resolve().parents[1] / "intake" / "seeds" / "technopolis-new-productions-2024.txt"


@pytest.fixture
def world(transactional_db: Any) -> None:
    demo.load()
    user = get_user_model().objects.create_user(username="irina", password=PASSWORD, is_staff=True)
    user.groups.add(operators_group())


def test_operator_pastes_a_release_and_accepts_a_figure(page: Any, world: None) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "irina")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

    page.goto("/intake/")
    page.get_by_test_id("release-new").click()
    page.fill("#id_text", SEED.read_text(encoding="utf-8"))
    page.get_by_test_id("release-submit").click()
    page.wait_for_selector("[data-testid=facts-waiting]")
    assert "Читайте также" not in page.get_by_test_id("release-text").inner_text()
    assert page.locator(".mention-site").count() >= 3

    row = page.locator("[data-testid^=fact-]", has_text="35").filter(has_text="новых производств за год").first
    assert "2023" in row.inner_text() and "Технополис" in row.inner_text()
    page.screenshot(path="/tmp/intake-release.png", full_page=True)
    row.get_by_role("button", name="Принять").click()
    page.wait_for_selector(".notice-success")
    assert "Принят 1 факт" in page.locator(".messages").inner_text()

    page.goto("/sites/technopolis-moscow/")
    provenance = page.get_by_test_id("provenance")
    text = provenance.inner_text()
    assert "35" in text and "2023" in text
    assert "пресс-релиз от 29 января 2024" in text
    assert "На площадках ОЭЗ «Технополис «Москва» в 2023 году открылись 35 новых производств" in text
    page.screenshot(path="/tmp/intake-site.png", full_page=True)


def test_release_page_reads_at_phone_width(phone_page: Any, world: None, live_server: Any) -> None:
    phone_page.goto("/accounts/login/")
    phone_page.fill("input[name=username]", "irina")
    phone_page.fill("input[name=password]", PASSWORD)
    phone_page.locator("main button[type=submit]").click()
    phone_page.wait_for_load_state()
    phone_page.goto("/intake/new/")
    phone_page.get_by_test_id("release-submit").click()
    phone_page.wait_for_selector("[data-testid=error-summary]")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone_page.screenshot(path="/tmp/intake-phone.png", full_page=True)

    from mosprom.intake.services import release_import

    release = release_import(data=SEED.read_bytes()).release
    phone_page.goto(release.get_absolute_url())
    phone_page.wait_for_selector("[data-testid=facts-waiting]")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path="/tmp/intake-phone-release.png", full_page=True)
