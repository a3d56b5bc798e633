"""Import press releases into the review queue: `manage.py intake_import PATH...`.

Each file is stored once (by the hash of its text); its proposed facts wait for an operator. A progress bar is
shown on a terminal, nothing of it when the output is not a terminal; a summary closes the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from mosprom.core.errors import Refused
from mosprom.core.progress import bar, command_stream
from mosprom.intake.nlp.linking import Linker
from mosprom.intake.services import release_import


class Command(BaseCommand):
    help = "Import press releases (.txt/.html) and propose their facts for review. Safe to repeat."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args: Any, **options: Any) -> None:
        linker = Linker.from_registry()
        created = existing = failed = facts = 0
        paths = options["paths"]
        for path in bar(paths, desc="import", unit="release", stream=command_stream(self)):
            file = Path(path)
            try:
                result = release_import(data=file.read_bytes(), file_name=file.name, linker=linker)
            except OSError as exc:
                failed += 1
                self.stderr.write(f"{path}: {exc.strerror or exc}")
                continue
            except Refused as exc:
                failed += 1
                self.stderr.write(f"{path}: {exc.message}")
                continue
            if result.created:
                created += 1
                facts += result.release.facts.count()
            else:
                existing += 1
                self.stdout.write(f"{path}: already imported as #{result.release.pk} «{result.release.title}»")
        self.stdout.write(
            f"{len(paths)} file(s): {created} imported with {facts} proposed fact(s), "
            f"{existing} already imported, {failed} refused."
        )
        if failed and not (created or existing):
            raise SystemExit(1)
