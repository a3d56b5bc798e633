"""The dashboard is navigated by sections, and each chart comes with a one-line reading computed from the data."""

import re
from typing import Any

from django.urls import reverse


def test_sections_split_the_dashboard(client: Any, kpi_data: Any) -> None:
    url = reverse("analytics:dashboard")
    overview = client.get(url, {"year": 2023}).content.decode()
    assert 'aria-current="page">Обзор<' in overview
    assert 'id="productions-by-year"' in overview and 'id="corporations"' not in overview
    industry = client.get(url, {"year": 2023, "section": "industry"}).content.decode()
    assert 'id="corporations"' in industry and 'id="productions-by-year"' not in industry
    assert 'aria-current="page">Отрасль<' in industry


def test_each_chart_has_a_reading_from_the_data(client: Any, kpi_data: Any) -> None:
    url = reverse("analytics:dashboard")
    html = client.get(url, {"year": 2023}).content.decode()
    assert "35 новых производств в 2023 году — на 30\u00a0% больше, чем в 2022." in html
    industry = client.get(url, {"year": 2023, "section": "industry"}).content.decode()
    assert "Больше всего новых производств в 2023 году открылось на площадке «Печатники»: 20." in industry
    assert "20,0\u00a0% производств, открытых в 2023 году, — импортозамещающие." in html  # 7 of 35
    assert "«Росатом»: 3 предприятия в Москве." in industry


def test_unknown_section_is_404_and_the_report_keeps_every_section(client: Any, kpi_data: Any) -> None:
    assert client.get(reverse("analytics:dashboard"), {"section": "nope"}).status_code == 404
    report = client.get(reverse("analytics:report"), {"year": 2023}).content.decode()
    assert "Корпорации в Москве" in report and "Новые производства по годам" in report


def test_the_residents_figure_agrees_with_both_of_its_numbers(client: Any, kpi_data: Any) -> None:
    html = client.get(reverse("analytics:dashboard"), {"year": 2023}).content.decode()
    assert re.search(r"резидент(а|ов)? на \d+ площадк(е|ах)", html)
    assert "резиденты " not in html
