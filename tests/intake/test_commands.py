"""The command-line contract: intake_extract --json (writes nothing) and intake_import (once, with a summary)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mosprom.intake.models import PressRelease

SEEDS = Path(__file__).parent / "seeds"
FILES = [SEEDS / "technopolis-new-productions-2024.txt", SEEDS / "battery-plant-agreement-2023.txt"]


def test_extract_json_contract(registry: dict[str, Any]) -> None:
    out = StringIO()
    call_command("intake_extract", "--json", *map(str, FILES), stdout=out)
    data = json.loads(out.getvalue())
    assert [d["file"] for d in data] == [str(f) for f in FILES]
    first = data[0]
    assert set(first) == {"file", "title", "published", "organisations", "people", "sites", "facts"}
    assert first["published"] == "2024-01-29"
    for org in first["organisations"]:
        assert set(org) == {"name", "kind", "registry_id", "mentions"}
        assert all(isinstance(m, list) and len(m) == 2 for m in org["mentions"])
    assert all(set(p) == {"name", "role"} for p in first["people"])
    sites = {s["name"]: s["registry_id"] for s in first["sites"]}
    assert sites["ОЭЗ «Технополис Москва»"] == registry["technopolis"].pk
    fact = next(f for f in first["facts"] if f["value"] == 35)
    assert set(fact) == {"kind", "subject", "value", "unit", "qualifier", "year", "quote", "start", "end", "confidence"}
    assert (fact["qualifier"], fact["year"], fact["unit"]) == ("exact", 2023, "производство")
    battery = data[1]
    assert {o["name"] for o in battery["organisations"]} == {"Росатом", "КамАЗ"}
    rosatom = next(o for o in battery["organisations"] if o["name"] == "Росатом")
    assert rosatom["registry_id"] == registry["rosatom"].pk and len(rosatom["mentions"]) == 4
    assert PressRelease.objects.count() == 0  # nothing written


def test_extract_refuses_a_binary_file(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(CommandError, match=r"x\.txt"):
        call_command("intake_extract", str(path), stdout=StringIO())


def test_import_once_with_summary(registry: dict[str, Any]) -> None:
    out = StringIO()
    call_command("intake_import", *map(str, FILES), stdout=out, stderr=StringIO())
    assert "2 imported" in out.getvalue()
    again = StringIO()
    call_command("intake_import", *map(str, FILES), stdout=again, stderr=StringIO())
    assert "2 already imported" in again.getvalue()
    assert PressRelease.objects.count() == 2
