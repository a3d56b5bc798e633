"""In a real browser, a chart shows a mark's value while the pointer is on it, and every value while the chart has
the keyboard focus (analytics/charts.py marks, analytics.css rules)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.analytics.conftest import KpiData, kpi_data  # noqa: F401 - the fixture, for this module

pytestmark = pytest.mark.django_db(transaction=True)

OPACITY = "element => getComputedStyle(element).opacity"


def test_hover_and_focus_show_the_values(page: Any, kpi_data: KpiData) -> None:  # noqa: F811
    page.goto("/analytics/?year=2023")
    chart = page.locator("#production-shares svg.svg-chart")
    values = chart.locator("text.mark-value:not(.mark-value-hover)")
    assert values.count() >= 2
    assert values.first.evaluate(OPACITY) == "0"  # hidden until asked for

    mark = chart.locator("g.mark").filter(has=page.locator("text.mark-value:not(.mark-value-hover)")).first
    tip = mark.locator("title").text_content()
    mark.hover()
    shown = mark.locator("text.mark-value")
    page.wait_for_function("element => getComputedStyle(element).opacity === '1'", arg=shown.element_handle())
    assert tip is not None and tip.endswith(": " + shown.text_content())  # the tooltip and the value agree

    page.mouse.move(0, 0)
    chart.focus()
    assert chart.evaluate("element => element === document.activeElement")
    page.wait_for_function(
        "elements => elements.every(e => getComputedStyle(e).opacity === '1')", arg=values.element_handles()
    )
