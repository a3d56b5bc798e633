"""A visitor's journey through the registry in a real browser."""

from typing import Any

import pytest

from mosprom.demo import registry as demo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data(transactional_db: Any) -> None:
    demo.load()


def test_home_language_search_site_and_organisation(page: Any, demo_data: None) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.get_by_test_id("lang-en").click()
    page.wait_for_selector("html[lang=en]")
    page.get_by_test_id("lang-ru").click()
    page.wait_for_selector("html[lang=ru]")

    page.fill("#home-q", "росатом")
    page.locator("form.search-box button").click()
    page.wait_for_url("**/organisations/?q=*")
    table = page.get_by_test_id("organisation-table")
    assert "Госкорпорация «Росатом»" in table.inner_text()
    table.get_by_role("link", name="Госкорпорация «Росатом»").click()
    page.wait_for_url("**/organisations/rosatom/")
    assert "«Рэнера»" in page.locator("main").inner_text()

    page.goto("/sites/")
    page.get_by_test_id("site-tree").get_by_role("link", name="Руднево").click()
    page.wait_for_url("**/sites/rudnevo/")
    main = page.locator("main").inner_text()
    assert "Банкоматы" in main and "ФЦ БАС" in main
    page.screenshot(path="/tmp/registry-site.png", full_page=True)


def test_map_shows_markers_without_tiles(page: Any, demo_data: None, live_server: Any) -> None:
    """With no tile server configured (the default) the map is a plain background with labelled markers and asks
    nothing of the outside world; the attribution carries no outside link."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/map/")
    page.wait_for_selector("[data-registry-map][data-ready=true]")
    assert page.locator(".map-offline").count() == 1
    assert page.locator(".leaflet-marker-icon").count() >= 10
    assert page.locator(".map-label").count() >= 10 and "Руднево" in page.locator(".map-label").all_inner_texts()
    assert page.locator(".leaflet-control-attribution a").count() == 0
    outside = [url for url in requested if not url.startswith(live_server.url) and not url.startswith("data:")]
    assert outside == []
    assert "Руднево" in page.get_by_test_id("map-list").inner_text()
    page.screenshot(path="/tmp/registry-map.png", full_page=True)


def test_readable_at_390px(phone_page: Any, demo_data: None) -> None:
    for path in ["/", "/organisations/", "/sites/", "/productions/", "/organisations/rosatom/", "/map/"]:
        phone_page.goto(path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"{path} scrolls sideways at 390px ({width}px)"
        name = path.strip("/").replace("/", "-") or "home"
        phone_page.screenshot(path=f"/tmp/registry-390-{name}.png", full_page=True)


def test_status_benefits_and_term_on_phone_and_desktop(page: Any, phone_page: Any, demo_data: None) -> None:
    """A visitor sees what a status gives (benefits) and how long it lasts, on the organisation and site pages."""
    for browser_page, size in ((phone_page, 390), (page, 1280)):
        browser_page.goto("/organisations/demo-technopark-sever-uk/")
        status = browser_page.get_by_test_id("status").first
        assert status.get_by_test_id("status-benefits").is_visible()
        assert "Льготы" in status.inner_text() and "выдаётся на" in status.inner_text()
        if size == 390:
            width = browser_page.evaluate("document.documentElement.scrollWidth")
            assert width <= 392, f"the organisation page scrolls sideways at 390px ({width}px)"
        browser_page.screenshot(path=f"/tmp/registry-{size}-status.png", full_page=True)
        browser_page.goto("/sites/demo-technopark-sever/")
        assert browser_page.get_by_test_id("status-benefits").first.is_visible()
