"""`manage.py db_backup [PATH]`: a consistent snapshot of the live database (see core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from mosprom.core import backup
from mosprom.core.progress import bar, command_stream, on_terminal, reporter


class Command(BaseCommand):
    help = "Back the database up (pg_dump on PostgreSQL, SQLite's online backup API otherwise)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", help="Where to write it (default: var/backups/mosprom-<time>.<ext>).")

    def handle(self, *args: Any, path: str | None = None, **options: Any) -> None:
        if path is None:
            extension = "dump" if connection.vendor == "postgresql" else "sqlite3"
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            target = Path(settings.VAR_DIR) / "backups" / f"mosprom-{stamp}.{extension}"
        else:
            target = Path(path)
        stream = command_stream(self)
        if on_terminal(stream) and backup.database_size() >= backup.PROGRESS_MIN_BYTES:
            # a large database on a terminal: a bar while it is copied (nothing in scripts and logs)
            with bar(desc="backup", unit="step", stream=stream) as progress:
                written = backup.backup(target, progress=reporter(progress))
        else:
            written = backup.backup(target)
        self.stdout.write(str(written))
