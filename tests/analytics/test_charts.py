"""Every bar, segment and point of a chart carries its value on hover (an SVG <title>, and a value the CSS shows
on hover or focus); every chart on the dashboard comes with its one-line reading and its data table."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from mosprom.analytics import charts

SVG = "{http://www.w3.org/2000/svg}"
CSS = Path(__file__).resolve().parents[2] / "src/mosprom/analytics/static/analytics/analytics.css"


def marks(svg: str) -> list[tuple[str, ET.Element]]:
    root = ET.fromstring(svg)
    assert root.get("tabindex") == "0", "the chart takes the keyboard focus"
    found = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "mark":
            title = group.find(f"{SVG}title")
            assert title is not None and title.text
            found.append((title.text, group))
    return found


def hidden_values(group: ET.Element) -> list[str]:
    return [t.text or "" for t in group.iter(f"{SVG}text") if "mark-value" in (t.get("class") or "")]


def test_each_column_has_a_hover_title_with_its_value() -> None:
    svg = charts.column_chart(["2022", "2023"], [("Новые производства", [27, 35])], title="По годам")
    found = marks(svg)
    assert [tip for tip, _g in found] == ["2022: 27", "2023: 35"]
    for _tip, group in found:
        assert len(group.findall(f"{SVG}rect")) == 1


def test_grouped_columns_with_many_years_show_the_value_on_hover() -> None:
    years = [str(y) for y in range(2015, 2025)]
    svg = charts.column_chart(years, [("А", list(range(10))), ("Б", list(range(10, 20)))], title="Много лет")
    found = marks(svg)
    assert len(found) == 20
    assert found[0][0] == "2015, А: 0" and found[-1][0] == "2024, Б: 19"
    assert all(hidden_values(group) for _tip, group in found), "no printed label: the value appears on hover"


def test_stacked_segments_each_carry_their_own_value() -> None:
    svg = charts.column_chart(
        ["2023"], [("импортозамещение", [7]), ("без аналогов", [3]), ("прочие", [25])], title="Доли", stacked=True
    )
    found = marks(svg)
    assert [tip for tip, _g in found] == ["2023, импортозамещение: 7", "2023, без аналогов: 3", "2023, прочие: 25"]
    assert [hidden_values(group) for _tip, group in found] == [["7"], ["3"], ["25"]]


def test_horizontal_bars_and_stacked_bars() -> None:
    svg = charts.bar_chart(["Печатники", "Алабушево"], [("Производства", [20, 5])], title="По площадкам")
    assert [tip for tip, _g in marks(svg)] == ["Печатники: 20", "Алабушево: 5"]
    svg = charts.bar_chart(["Печатники"], [("2022", [1000]), ("2023", [2])], title="Стопка", stacked=True)
    found = marks(svg)
    assert [tip for tip, _g in found] == ["Печатники, 2022: 1\u202f000", "Печатники, 2023: 2"]
    wide, narrow = (group for _tip, group in found)
    assert [t.get("class") for t in wide.iter(f"{SVG}text")] == ["mark-value"]
    assert [t.get("class") for t in narrow.iter(f"{SVG}text")] == ["mark-value mark-value-hover"]


def test_each_point_of_a_line_has_a_hover_title_and_a_target() -> None:
    svg = charts.line_chart(
        ["2022", "2023", "2024"], [("Посетители", [120, None, 300]), ("Экскурсии", [4, 6, 9])], title="Туризм"
    )
    found = marks(svg)
    assert [tip for tip, _g in found] == [
        "2022, Посетители: 120",
        "2024, Посетители: 300",
        "2022, Экскурсии: 4",
        "2023, Экскурсии: 6",
        "2024, Экскурсии: 9",
    ]
    for _tip, group in found:
        assert [c.get("r") for c in group.findall(f"{SVG}circle")] == ["11", "4"]


def test_titles_are_escaped() -> None:
    svg = charts.bar_chart(["<b>«Альфа» & Ко</b>"], [("x", [1])], title="t")
    assert "&lt;b&gt;«Альфа» &amp; Ко&lt;/b&gt;: 1" in svg
    assert marks(svg)[0][0] == "<b>«Альфа» & Ко</b>: 1"


def test_the_stylesheet_shows_values_on_hover_and_focus() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert ".svg-chart .mark-value { opacity: 0;" in css
    assert (
        ".svg-chart .mark:hover .mark-value, .svg-chart:focus .mark-value:not(.mark-value-hover) { opacity: 1; }" in css
    )


@pytest.mark.parametrize("year", [2021, 2023, 2024])
@pytest.mark.parametrize("section", ["overview", "industry", "partnerships", "tourism"])
def test_every_chart_has_its_reading_and_its_table(client: Any, kpi_data: Any, section: str, year: int) -> None:
    html = client.get(reverse("analytics:dashboard"), {"year": year, "section": section}).content.decode()
    blocks = re.findall(r'<section class="kpi-section" id="([^"]+)".*?</section>', html, re.S)
    bodies = re.findall(r'<section class="kpi-section" id="[^"]+".*?</section>', html, re.S)
    assert len(blocks) == len(bodies)
    charted = 0
    for anchor, body in zip(blocks, bodies, strict=True):
        if "<svg" not in body:
            continue
        charted += 1
        reading = re.search(rf'<p class="kpi-reading" data-testid="reading-{anchor}">([^<]+)</p>', body)
        assert reading and len(reading.group(1)) > 10, f"{anchor}: no reading"
        assert '<table class="table kpi-table' in body, f"{anchor}: no data table"
        assert 'class="mark"' in body and "<title>" in body, f"{anchor}: no hover values"
    if section in ("overview", "industry"):
        assert charted >= (2 if year == 2023 else 1)


def test_a_year_with_no_new_production_still_reads_its_charts(client: Any, kpi_data: Any) -> None:
    """2024 has no production in the fixture: the charts of the years around it say so in words."""
    html = client.get(reverse("analytics:dashboard"), {"year": 2024, "section": "industry"}).content.decode()
    assert (
        '<p class="kpi-reading" data-testid="reading-productions-by-site">В 2024 году новых производств не открывалось.</p>'
        in html
    )
