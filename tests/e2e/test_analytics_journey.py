"""An analyst's journey: open the dashboard, change the year, download the XLSX and read it back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from mosprom.analytics import exports, selectors
from mosprom.core.formatting import THIN_NBSP

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data(transactional_db: Any) -> None:
    call_command("load_demo", verbosity=0)


def _number(text: str) -> float | None:
    text = text.replace(THIN_NBSP, "").replace("\u00a0", "").replace("%", "").replace("\u2212", "-").strip()
    if text in ("", "—"):
        return None
    return float(text.replace(",", ".").lstrip("+"))


def test_dashboard_year_change_and_xlsx_download(page: Any, demo_data: None, tmp_path: Any) -> None:
    page.goto("/")
    page.locator(".main-nav").get_by_role("link", name="Цифры").click()
    page.wait_for_url("**/analytics/")
    assert page.locator("h1").inner_text() == "Промышленность Москвы в цифрах"
    assert page.locator("svg.svg-chart").count() >= 2  # the overview; the other sections are one click away
    assert page.get_by_test_id("reading-productions-by-year").inner_text().endswith(".")

    years = [y for y in selectors.year_choices() if y != selectors.default_year()]
    target = str(years[-1] if years else selectors.default_year())
    page.get_by_test_id("year-select").select_option(target)
    page.get_by_test_id("year-submit").click()
    page.wait_for_url(f"**/analytics/?year={target}")
    assert page.get_by_test_id("year-select").input_value() == target
    page.screenshot(path="/tmp/analytics-dashboard-desktop.png", full_page=True)

    # the table on the page, cell by cell
    table = page.locator('table[data-table="productions-by-year"]')
    # the table sits under the chart in a closed <details>: read its text, not its rendering
    page_rows = [
        [(c.text_content() or "").strip() for c in row.locator("th, td").all()]
        for row in table.locator("tbody tr").all()
    ]
    with page.expect_download() as info:
        page.get_by_test_id("xlsx-productions-by-year").click()
    download = info.value
    assert download.suggested_filename == f"mosprom-productions-by-year-{target}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(min_row=exports.XLSX_HEADER_ROW + 1, values_only=True)]
    assert len(rows) == len(page_rows) > 0
    for page_row, xlsx_row in zip(page_rows, rows, strict=True):
        assert page_row[0] == str(xlsx_row[0])
        for cell, value in zip(page_row[1:], xlsx_row[1:], strict=True):
            assert _number(cell) == (None if value is None else float(value)), (page_row, xlsx_row)
    assert rows[-1][0] == target


def test_dashboard_on_a_phone_and_the_printable_report(phone_page: Any, page: Any, demo_data: None) -> None:
    phone_page.goto("/analytics/")
    # nothing wider than the screen: charts scale, tables scroll inside their wrapper
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, width
    svg_width = phone_page.evaluate("document.querySelector('svg.svg-chart').getBoundingClientRect().width")
    assert svg_width <= 390
    phone_page.screenshot(path="/tmp/analytics-dashboard-390.png", full_page=True)

    year = str(selectors.default_year())
    page.goto(f"/analytics/report/?year={year}")
    assert re.search(rf"Промышленность Москвы в {year} году", page.locator("h1").inner_text())
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert page.locator('table[data-table="summary"]').is_visible()
    page.screenshot(path="/tmp/analytics-report-print.png", full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
    page.emulate_media(media="screen")
    page.goto("/analytics/?year=1812")
    assert "Выберите год от 2000 до" in page.get_by_test_id("error-summary").inner_text()
