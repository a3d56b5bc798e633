"""Database backups: pg_dump/pg_restore on PostgreSQL, SQLite's online backup API otherwise.

Both give a consistent snapshot of a live database (pg_dump runs in one repeatable-read transaction;
SQLite's backup API copies pages under a read lock), so the site keeps running during a backup.
The recovery point is the moment the backup started: whatever is written after it is lost on restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections


def _engine(alias: str) -> str:
    return str(connections[alias].vendor)


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL client tools; the password goes in the environment."""
    args = ["--dbname", str(settings_dict["NAME"])]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def backup(path: Path, *, alias: str = "default") -> Path:
    """Write a consistent snapshot of the database to `path` (a pg_dump custom-format archive or an
    SQLite database file). The file is written next to its final name and renamed when complete."""
    connection = connections[alias]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if _engine(alias) == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial), *args],
            env=env,
            check=True,
        )
    elif _engine(alias) == "sqlite":
        connection.close()
        source = sqlite3.connect(str(connection.settings_dict["NAME"]))
        target = sqlite3.connect(str(partial))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            target.close()
            source.close()
    else:
        raise RuntimeError(f"no backup procedure for {connection.vendor}")
    partial.replace(path)
    return path


def restore(path: Path, *, alias: str = "default") -> None:
    """Replace the database's content with the snapshot in `path` (written by `backup`)."""
    connection = connections[alias]
    if not path.is_file():
        raise FileNotFoundError(path)
    connection.close()
    if _engine(alias) == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        subprocess.run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(path),
            ],
            env=env,
            check=True,
        )
    elif _engine(alias) == "sqlite":
        source = sqlite3.connect(str(path))
        target = sqlite3.connect(str(connection.settings_dict["NAME"]))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        raise RuntimeError(f"no restore procedure for {connection.vendor}")
