"""Counts in the dashboard's row labels agree with their number in Russian: «в ближайшие 21 день», «3 дня»."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from mosprom.analytics import exports


@pytest.mark.parametrize(
    ("days", "label"),
    [
        (180, "Соглашения, истекающие в ближайшие 180 дней"),
        (21, "Соглашения, истекающие в ближайшие 21 день"),
        (3, "Соглашения, истекающие в ближайшие 3 дня"),
    ],
)
def test_expiring_agreements_label_declines_days(monkeypatch: Any, days: int, label: str) -> None:
    summary = {"agreements_active": 4, "agreements_expiring_within_days": {"days": days, "count": 1}}
    monkeypatch.setattr(exports.selectors, "partnerships_summary", lambda today=None: summary)
    with translation.override("ru"):
        table = exports.partnerships_table()
    assert table is not None
    assert table.rows[1][0] == label
    with translation.override("en"):
        english = exports.partnerships_table()
    assert english is not None and english.rows[1][0] == f"Agreements expiring within {days} days"
