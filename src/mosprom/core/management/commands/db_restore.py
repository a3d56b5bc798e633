"""`manage.py db_restore PATH`: replace the database's content with a snapshot from `db_backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mosprom.core import backup
from mosprom.core.progress import bar, command_stream, on_terminal, reporter


class Command(BaseCommand):
    help = "Restore the database from a file written by db_backup (everything written since is lost)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The backup file.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, path: str, yes: bool = False, **options: Any) -> None:
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"no such backup: {source}")
        if not yes and options.get("interactive", True):
            answer = input(f"Replace the current database with {source}? Type 'yes' to continue: ")
            if answer.strip() != "yes":
                raise CommandError("restore cancelled")
        stream = command_stream(self)
        if on_terminal(stream) and source.stat().st_size >= backup.PROGRESS_MIN_BYTES:
            with bar(desc="restore", unit="step", stream=stream) as progress:
                backup.restore(source, progress=reporter(progress))
        else:
            backup.restore(source)
        self.stdout.write(f"restored {source}")
