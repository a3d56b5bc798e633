"""Analytics CSV downloads take ?sep=semicolon for Russian Excel, like every CSV the platform writes."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_analytics_csv_with_semicolons(client: Client) -> None:
    comma = client.get("/analytics/export/productions-by-year.csv", {"year": 2023})
    semicolon = client.get("/analytics/export/productions-by-year.csv", {"year": 2023, "sep": "semicolon"})
    assert comma.status_code == semicolon.status_code == 200
    assert semicolon.content.startswith("\ufeff".encode())
    rows_comma = list(csv.reader(io.StringIO(comma.content.decode("utf-8-sig"))))
    rows_semicolon = list(csv.reader(io.StringIO(semicolon.content.decode("utf-8-sig")), delimiter=";"))
    assert rows_semicolon == rows_comma
    assert len(rows_semicolon[0]) > 1
    assert ";" in semicolon.content.decode("utf-8-sig").splitlines()[0]
