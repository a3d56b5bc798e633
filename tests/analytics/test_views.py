"""Dashboard, operator view, report and downloads: same numbers on the page, in CSV and in XLSX."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from mosprom.analytics import exports, selectors
from mosprom.analytics.views import OPERATOR_TABLES
from mosprom.core.formatting import THIN_NBSP
from mosprom.registry.models import Organisation, Production, Residency, Site


def _page_tables(html: str) -> dict[str, list[list[str]]]:
    """Every KPI table of a page as rows of cell texts (header row first)."""
    tables: dict[str, list[list[str]]] = {}
    for key, body in re.findall(
        r'<table class="table kpi-table[^"]*" data-table="([a-z0-9-]+)">(.*?)</table>', html, re.S
    ):
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
        tables.setdefault(key, rows)
    return tables


def _normalise(text: str) -> str:
    """A page cell as a plain number string: «1 234,5 %» → «1234.5», «+30 %» → «30», «—» → «»."""
    text = text.replace(THIN_NBSP, "").replace("\u00a0", "").replace("%", "").replace("\u2212", "-").strip()
    if text == "—":
        return ""
    if re.fullmatch(r"[+-]?[\d,]+", text):
        text = text.replace(",", ".").lstrip("+")
    return text


def _same_number(page: str, raw: Any) -> bool:
    if raw in (None, ""):
        return page == ""
    try:
        return float(page) == float(raw)
    except ValueError:
        return page == str(raw)


def test_dashboard_renders_in_russian_with_figures(client: Any, kpi_data: Any) -> None:
    response = client.get(reverse("analytics:dashboard"), {"year": 2023})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Промышленность Москвы в цифрах" in html
    assert "+30\u00a0%" in html  # 35 vs 27
    assert "<svg" in html and not re.search(r"<script(?![^>]*\bsrc=)", html)  # charts need no inline script
    assert 'href="/analytics/export/productions-by-year.xlsx?year=2023"' in html


def test_nav_links_the_dashboard(client: Any, db: Any) -> None:
    html = client.get(reverse("analytics:dashboard")).content.decode()
    assert f'href="{reverse("analytics:dashboard")}"' in html


def test_page_csv_and_xlsx_hold_the_same_numbers(client: Any, kpi_data: Any) -> None:
    html = "".join(
        client.get(reverse("analytics:dashboard"), {"year": 2023, "section": section}).content.decode()
        for section in ("overview", "industry")
    )
    tables = _page_tables(html)
    assert {"summary", "productions-by-year", "productions-by-site", "sites", "corporations"} <= set(tables)
    for key, page_rows in tables.items():
        csv_response = client.get(reverse("analytics:export", kwargs={"key": key, "fmt": "csv"}), {"year": 2023})
        assert csv_response.status_code == 200, key
        csv_rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
        xlsx_response = client.get(reverse("analytics:export", kwargs={"key": key, "fmt": "xlsx"}), {"year": 2023})
        sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
        xlsx_rows = [list(r) for r in sheet.iter_rows(min_row=exports.XLSX_HEADER_ROW, values_only=True)]
        assert page_rows[0] == csv_rows[0] == xlsx_rows[0], key
        body = [r for r in page_rows[1:] if len(r) == len(page_rows[0])]
        assert len(body) == len(csv_rows) - 1 == len(xlsx_rows) - 1, key
        for page_row, csv_row, xlsx_row in zip(body, csv_rows[1:], xlsx_rows[1:], strict=True):
            assert page_row[0] == csv_row[0] == str(xlsx_row[0]), key
            for page_cell, csv_cell, xlsx_cell in zip(page_row[1:], csv_row[1:], xlsx_row[1:], strict=True):
                number = _normalise(page_cell)
                assert _same_number(number, csv_cell), (key, page_cell, csv_cell)
                assert _same_number(number, xlsx_cell), (key, page_cell, xlsx_cell)


def test_csv_of_productions_by_year(client: Any, kpi_data: Any) -> None:
    response = client.get("/analytics/export/productions-by-year.csv?year=2023")
    assert response["Content-Disposition"] == 'attachment; filename="mosprom-productions-by-year-2023.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1:] == [["2022", "27", "", "135", "0", "0"], ["2023", "35", "30", "350", "7", "3"]]


def test_year_out_of_range_is_a_translated_message_never_500(client: Any, kpi_data: Any) -> None:
    for bad in ("1800", "abc", "99999999999999999999", "2023'"):
        response = client.get(reverse("analytics:dashboard"), {"year": bad})
        assert response.status_code == 400
        assert "Выберите год от 2000 до" in response.content.decode()
    assert client.get("/analytics/export/summary.csv?year=1800").status_code == 400
    assert client.get(reverse("analytics:report"), {"year": "x"}).status_code == 400


def test_unknown_table_is_404(client: Any, db: Any) -> None:
    assert client.get("/analytics/export/nope.csv").status_code == 404


def test_operators_see_their_tables_on_the_dashboard_and_the_old_operator_view_leads_to_the_back_office(
    operator_client: Any, kpi_data: Any
) -> None:
    """One place for each: the operator's extra table on the dashboard, what waits for them on the admin home."""
    url = reverse("analytics:operator")
    assert Client().get(url).status_code == 302
    moved = operator_client.get(url)
    assert moved.status_code == 302 and moved["Location"] == reverse("admin:index")
    home = operator_client.get(moved["Location"]).content.decode()
    assert "Что ждёт решения" in home
    response = operator_client.get(reverse("analytics:dashboard"), {"year": 2023, "section": "partnerships"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Промышленность Москвы в цифрах" in html and "для оператора" not in html
    assert 'href="/admin/"' in html
    if selectors.partnerships_summary() is not None:
        assert 'data-table="projects-per-partner"' in html
    public = Client().get(reverse("analytics:dashboard"), {"section": "partnerships"}).content.decode()
    assert 'data-table="projects-per-partner"' not in public and 'href="/admin/"' not in public


def test_printable_report(client: Any, kpi_data: Any) -> None:
    response = client.get(reverse("analytics:report"), {"year": 2023})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Промышленность Москвы в 2023 году" in html or "2023" in html
    assert "analytics/analytics.css" in html
    assert 'class="downloads' not in html


def _cold_queries(client: Any) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("analytics:dashboard"), {"year": 2023}).status_code == 200
    return len(queries)


def test_dashboard_runs_a_constant_number_of_queries(
    client: Any, kpi_data: Any, django_assert_max_num_queries: Any
) -> None:
    small = _cold_queries(client)
    # ten times more rows of every kind: the number of queries does not move
    for index in range(10):
        site = Site.objects.create(name=f"Площадка {index}", slug=f"extra-{index}", kind=Site.Kind.TECHNOPARK)
        org = Organisation.objects.create(
            full_name=f"ООО {index}", short_name=f"О{index}", slug=f"o-{index}", parent=kpi_data.rosatom
        )
        Residency.objects.create(organisation=org, site=site)
        for year in (2022, 2023):
            Production.objects.create(organisation=org, site=site, product="X", opened_on=date(year, 3, 1), jobs=3)
    assert _cold_queries(client) == small
    cache.clear()
    with django_assert_max_num_queries(40):
        assert client.get(reverse("analytics:dashboard"), {"year": 2023}).status_code == 200
    # cached: the second view reads the figures from the cache
    with django_assert_max_num_queries(4):
        assert client.get(reverse("analytics:dashboard"), {"year": 2023}).status_code == 200


def test_empty_registry_renders_everything(client: Any, db: Any) -> None:
    for url in ("/analytics/?section=industry", "/analytics/report/", "/analytics/?year=2020&section=industry"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Данных за этот период пока нет." in response.content.decode()
    for key in exports.TABLES:
        expected = 404 if key in OPERATOR_TABLES else 200  # operators' tables are not public
        assert client.get(f"/analytics/export/{key}.xlsx").status_code == expected, key
        assert client.get(f"/analytics/export/{key}.csv").status_code == expected, key


def test_english_numbers(client: Any, kpi_data: Any) -> None:
    client.cookies["django_language"] = "en"
    html = client.get(reverse("analytics:dashboard"), {"year": 2023}).content.decode()
    assert "Moscow industry in figures" in html
    assert "+30%" in html
    assert "20.0%" in html
