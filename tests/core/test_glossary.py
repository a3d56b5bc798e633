"""One Russian word per thing across the product: a road map's milestone is «веха» everywhere («этап» is an
application's stage in the company cabinet). The dashboard said «Просроченные вехи» while the back-office said
«Просроченные этапы»."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_catalogue_conflicts import APPS, PROJECT, _entries

CATALOGUES = [PROJECT, *APPS]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_a_milestone_is_a_veha_never_an_etap(po: Path) -> None:
    wrong = {
        msgid: russian
        for (_context, msgid), russian in _entries(po).items()
        if "milestone" in msgid.lower() and russian and ("этап" in russian.lower() or "вех" not in russian.lower())
    }
    assert wrong == {}
