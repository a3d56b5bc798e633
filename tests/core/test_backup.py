"""Backups: data after a restore equals data before it, on the database engine the suite runs on."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mosprom.core import services
from mosprom.core.models import OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def _snapshot() -> str:
    out = io.StringIO()
    call_command("dumpdata", "--all", "--indent", "0", stdout=out, exclude=["sessions"])
    return out.getvalue()


def _some_data() -> None:
    users = get_user_model().objects
    users.create_user(username="anna", email="anna@example.com", password="pass-2026-anna")
    users.create_user(username="пётр", email="petr@example.com", password="pass-2026-petr")
    for i in range(3):
        services.email_enqueue(
            to=f"visitor{i}@example.com",
            template="core/email/test",
            context={"name": "Ёлка «ёж»"},
            language="ru",
            idempotency_key=f"backup-{i}",
        )


def test_backup_then_restore_gives_back_the_same_data(tmp_path: Path) -> None:
    _some_data()
    before = _snapshot()
    assert '"username": "пётр"' in before

    out = io.StringIO()
    target = tmp_path / ("db.dump" if connection.vendor == "postgresql" else "db.sqlite3")
    call_command("db_backup", str(target), stdout=out)
    assert out.getvalue().strip() == str(target)
    assert target.stat().st_size > 0
    assert not target.with_name(target.name + ".partial").exists()

    # Everything that happens after the backup is lost on restore: the recovery point.
    get_user_model().objects.filter(username="anna").delete()
    get_user_model().objects.create_user(username="mallory", password="pass-2026-mall")
    OutboundEmail.objects.update(subject="changed")
    assert _snapshot() != before

    call_command("db_restore", str(target), yes=True, stdout=io.StringIO())
    after = _snapshot()
    assert after == before
    assert get_user_model().objects.filter(username="anna").exists()
    assert not get_user_model().objects.filter(username="mallory").exists()
    assert OutboundEmail.objects.filter(subject="changed").count() == 0


def test_restore_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such backup"):
        call_command("db_restore", str(tmp_path / "nothing.dump"), yes=True)


def test_restore_asks_before_replacing(tmp_path: Path, monkeypatch: Any) -> None:
    target = tmp_path / "db.backup"
    call_command("db_backup", str(target), stdout=io.StringIO())
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("db_restore", str(target))


def test_backup_script_names_and_rotates_files(tmp_path: Path) -> None:
    """`make backup` runs this script; it prints the file it wrote (here on the suite's database)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = "sqlite:///" + str(db["NAME"])
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "MOSPROM_VAR_DIR": str(tmp_path / "var")}
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "backup.sh"), "backup", str(tmp_path / "b")],
        env={**env, "PY": str(ROOT / ".venv" / "bin" / "python"), "PYTHONPATH": str(ROOT / "src")},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    written = Path(result.stdout.strip().splitlines()[-1])
    assert written.parent == tmp_path / "b"
    assert written.name.startswith("mosprom-")
    assert written.stat().st_size > 0
