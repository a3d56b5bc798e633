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
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connections

# A callback told how far a backup or restore is: (done, total) in SQLite pages or PostgreSQL tables.
Progress = Callable[[int, int], None]
# Below this size a backup takes a moment: the commands draw no progress bar.
PROGRESS_MIN_BYTES = 16 * 1024 * 1024
# SQLite pages copied per step when progress is reported (the copy yields to writers between steps).
_SQLITE_STEP_PAGES = 1024


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


def database_size(alias: str = "default") -> int:
    """The database's size in bytes (what a backup has to copy)."""
    connection = connections[alias]
    if _engine(alias) == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    name = Path(str(connection.settings_dict["NAME"]))
    return name.stat().st_size if name.is_file() else 0


def _pg_table_count(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%%'"
        )
        return int(cursor.fetchone()[0])


def _run_counting(command: list[str], env: dict[str, str], marker: str, total: int, progress: Progress) -> None:
    """Run a PostgreSQL client tool with --verbose and report each stderr line holding `marker` as one step
    done; the tool's other messages are kept and shown only if it fails."""
    env = {**env, "LC_ALL": "C", "LC_MESSAGES": "C"}  # the marker is matched in English
    tail: deque[str] = deque(maxlen=40)
    done = 0
    progress(0, total)
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as process:
        assert process.stderr is not None
        for line in process.stderr:
            if marker in line:
                done += 1
                progress(min(done, total), total)
            else:
                tail.append(line)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, stderr="".join(tail))
    progress(total, total)


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection, progress: Progress | None) -> None:
    if progress is None:
        source.backup(target)
        return
    source.backup(
        target,
        pages=_SQLITE_STEP_PAGES,
        progress=lambda _status, remaining, total: progress(total - remaining, total),
    )


def backup(path: Path, *, alias: str = "default", progress: Progress | None = None) -> Path:
    """Write a consistent snapshot of the database to `path` (a pg_dump custom-format archive or an
    SQLite database file). The file is written next to its final name and renamed when complete.
    `progress`, if given, is told (done, total) as the copy goes: SQLite pages or PostgreSQL tables."""
    connection = connections[alias]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if _engine(alias) == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial), *args]
        if progress is None:
            subprocess.run(command, env=env, check=True)
        else:
            total = _pg_table_count(alias)
            _run_counting([*command, "--verbose"], env, "dumping contents of table", total, progress)
    elif _engine(alias) == "sqlite":
        connection.close()
        source = sqlite3.connect(str(connection.settings_dict["NAME"]))
        target = sqlite3.connect(str(partial))
        try:
            _sqlite_copy(source, target, progress)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            target.close()
            source.close()
    else:
        raise RuntimeError(f"no backup procedure for {connection.vendor}")
    partial.replace(path)
    return path


def restore(path: Path, *, alias: str = "default", progress: Progress | None = None) -> None:
    """Replace the database's content with the snapshot in `path` (written by `backup`); `progress` as for
    `backup`."""
    connection = connections[alias]
    if not path.is_file():
        raise FileNotFoundError(path)
    connection.close()
    if _engine(alias) == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        command = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(path),
        ]
        if progress is None:
            subprocess.run(command, env=env, check=True)
        else:
            listing = subprocess.run(
                [_tool("pg_restore"), "--list", str(path)], env=env, check=True, capture_output=True, text=True
            ).stdout
            total = sum(1 for line in listing.splitlines() if " TABLE DATA " in line)
            _run_counting([*command, "--verbose"], env, "processing data for table", total, progress)
    elif _engine(alias) == "sqlite":
        source = sqlite3.connect(str(path))
        target = sqlite3.connect(str(connection.settings_dict["NAME"]))
        try:
            _sqlite_copy(source, target, progress)
        finally:
            target.close()
            source.close()
    else:
        raise RuntimeError(f"no restore procedure for {connection.vendor}")
