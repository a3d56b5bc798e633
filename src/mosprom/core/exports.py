"""Downloads: CSV and XLSX writers and the attachment response every part's exports use.

Every cell goes through `safe_cell()`: text that a spreadsheet would read as a formula (it starts with
``= + - @``, a tab or a carriage return — OWASP's CSV-injection rule, plus their full-width forms and a line
feed) is prefixed with an apostrophe, and XLSX text cells are typed as strings, never as formulas. Numbers,
dates and booleans are written as themselves (a negative number stays a number).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# First characters that make Excel, LibreOffice or Google Sheets evaluate a cell (OWASP), with the
# full-width forms some spreadsheets normalise, and a line feed (treated like a carriage return by some).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
XLSX_DATE_FORMAT = "DD.MM.YYYY"
XLSX_DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
# CSV separators a download may ask for with ?sep=: Russian Excel expects a semicolon.
CSV_DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def safe_text(value: str) -> str:
    """Text as a spreadsheet shows it, never as a formula it runs."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """The text a person typed, from a cell `safe_text` wrote (for imports of our own exports)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def safe_cell(value: Any) -> Any:
    """A value ready for a CSV or XLSX cell: None → "", numbers/dates/booleans unchanged, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | dt.date | dt.time):
        return value
    return safe_text(str(value))


def csv_delimiter(request: HttpRequest, default: str = ",") -> str:
    """The separator the download asked for (`?sep=semicolon` for Russian Excel), else `default`."""
    return CSV_DELIMITERS.get(request.GET.get("sep", ""), default)


def rows_to_csv(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> bytes:
    """UTF-8 with a BOM, so Excel opens Cyrillic correctly; None becomes an empty cell; text neutralised.

    `delimiter=";"` gives the file Russian Excel splits into columns on a double click.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([safe_cell(h) for h in headers])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_append(sheet: Any, values: Sequence[Any]) -> None:
    """Append one row to an openpyxl worksheet safely: text typed as a string (never a formula) and
    neutralised, dates as real dates in Russian format, aware datetimes in local time (Excel has no zones).

    Use it instead of `sheet.append()` in every XLSX writer.
    """
    prepared: list[Any] = []
    for value in values:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.make_naive(value)
        if value is not None and not isinstance(value, bool | int | float | Decimal | dt.date | dt.time):
            value = safe_text(str(value))
        prepared.append(value)
    sheet.append(prepared)
    if not any(value is not None for value in prepared):
        return
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text, never a formula
        elif isinstance(cell.value, dt.datetime):
            cell.number_format = XLSX_DATETIME_FORMAT
        elif isinstance(cell.value, dt.date):
            cell.number_format = XLSX_DATE_FORMAT


def rows_to_xlsx(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    xlsx_append(sheet, list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download_response(content: bytes, *, filename: str) -> HttpResponse:
    """An attachment whose content type follows the file's extension (csv or xlsx)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[filename.rsplit(".", 1)[-1]])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
