"""Long commands draw a progress bar on a terminal and write nothing of it when the output is not one."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from mosprom.core import backup, progress
from mosprom.demo.management.commands import load_demo

SEED = Path(__file__).resolve().parents[1] / "intake" / "seeds" / "battery-plant-agreement-2023.txt"


class Terminal(io.StringIO):
    """A stream that says it is a terminal, so the bar is drawn into it."""

    def isatty(self) -> bool:
        return True


def _loader() -> str:
    return "part loaded"


def test_a_bar_only_on_a_terminal() -> None:
    piped, terminal = io.StringIO(), Terminal()
    assert list(progress.bar(range(3), desc="work", unit="item", stream=piped)) == [0, 1, 2]
    assert piped.getvalue() == ""
    assert list(progress.bar(range(3), desc="work", unit="item", stream=terminal)) == [0, 1, 2]
    assert "work:   0%" in terminal.getvalue() and "0/3" in terminal.getvalue()  # drawn, then cleared at the end
    assert terminal.getvalue().endswith("\r")


def test_a_closed_or_plain_stream_is_no_terminal() -> None:
    closed = io.StringIO()
    closed.close()
    assert progress.on_terminal(closed) is False
    assert progress.on_terminal(object()) is False  # type: ignore[arg-type]


def test_the_reporter_moves_the_bar_to_the_count_it_is_given() -> None:
    terminal = Terminal()
    with progress.bar(desc="copy", unit="step", stream=terminal) as bar:
        report = progress.reporter(bar)
        report(3, 8)
        assert (bar.n, bar.total) == (3, 8)
        report(8, 8)
    assert "8/8" in terminal.getvalue()


@pytest.mark.django_db
def test_load_demo_is_quiet_when_piped_and_shows_a_bar_on_a_terminal(monkeypatch: Any) -> None:
    monkeypatch.setattr(load_demo, "LOADERS", [f"{__name__}._loader", f"{__name__}._loader"])
    out, err = io.StringIO(), io.StringIO()
    call_command("load_demo", stdout=out, stderr=err)
    assert out.getvalue() == "part loaded\npart loaded\n"
    assert err.getvalue() == ""
    out, terminal = io.StringIO(), Terminal()
    call_command("load_demo", stdout=out, stderr=terminal)
    assert out.getvalue() == "part loaded\npart loaded\n"  # the bar never mixes into the output
    assert "demo:   0%" in terminal.getvalue() and "0/2" in terminal.getvalue()


@pytest.mark.django_db
def test_intake_import_is_quiet_when_piped_and_shows_a_bar_on_a_terminal() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("intake_import", str(SEED), stdout=out, stderr=err)
    assert err.getvalue() == ""
    assert "1 file(s): 1 imported" in out.getvalue()
    out, terminal = io.StringIO(), Terminal()
    call_command("intake_import", str(SEED), stdout=out, stderr=terminal)
    assert "import:   0%" in terminal.getvalue() and "0/1" in terminal.getvalue()
    assert "\r" not in out.getvalue()


@pytest.mark.django_db
def test_intake_extract_is_quiet_when_piped() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("intake_extract", "--json", str(SEED), stdout=out, stderr=err)
    assert err.getvalue() == ""
    assert out.getvalue().lstrip().startswith("[")


@pytest.mark.django_db(transaction=True)
def test_a_large_backup_shows_a_bar_on_a_terminal_only(tmp_path: Path, monkeypatch: Any) -> None:
    extension = "dump" if connection.vendor == "postgresql" else "sqlite3"
    out, err = io.StringIO(), io.StringIO()
    call_command("db_backup", str(tmp_path / f"a.{extension}"), stdout=out, stderr=err)
    assert err.getvalue() == ""  # small and piped: nothing
    # a database under the threshold copies in a moment: no bar even on a terminal (the threshold is set above this
    # database's size, which on PostgreSQL grows with the suite's tables and indexes and is not "small" by itself)
    monkeypatch.setattr(backup, "PROGRESS_MIN_BYTES", backup.database_size() + 1)
    out, terminal = io.StringIO(), Terminal()
    call_command("db_backup", str(tmp_path / f"b.{extension}"), stdout=out, stderr=terminal)
    assert terminal.getvalue() == ""
    monkeypatch.setattr(backup, "PROGRESS_MIN_BYTES", 0)
    out, terminal = io.StringIO(), Terminal()
    target = tmp_path / f"c.{extension}"
    call_command("db_backup", str(target), stdout=out, stderr=terminal)
    assert out.getvalue().strip() == str(target) and target.stat().st_size > 0
    assert "backup" in terminal.getvalue() and "100%" in terminal.getvalue()
    out, terminal = io.StringIO(), Terminal()
    call_command("db_restore", str(target), "--yes", stdout=out, stderr=terminal)
    assert out.getvalue().strip() == f"restored {target}"
    assert "restore" in terminal.getvalue() and "100%" in terminal.getvalue()
