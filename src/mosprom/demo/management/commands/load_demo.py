"""Load the demo data set built from ../shared/seeds. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from mosprom.core.progress import bar, command_stream

# Each part contributes one loader; the order matters (the registry comes first).
LOADERS = [
    "mosprom.demo.registry.load",
    "mosprom.demo.accounts.load",
    "mosprom.demo.partnerships.load",
    "mosprom.demo.tours.load",
    "mosprom.demo.programme.load",  # the programme at the size open-mosprom-2026.txt gives
    "mosprom.demo.companies.load",
    "mosprom.demo.intake.load",  # reads the seed press releases against the registry loaded above
]


class Command(BaseCommand):
    help = "Load (or refresh) the demo data set and the demo accounts. Safe to run repeatedly."

    def handle(self, *args: Any, **options: Any) -> None:
        notes: list[str] = []
        # a progress bar on a terminal, nothing in logs or tests
        progress = bar(LOADERS, desc="demo", unit="part", stream=command_stream(self))
        for path in progress:
            progress.set_postfix_str(path.rsplit(".", 2)[-2])
            try:
                loader = import_string(path)
            except ImportError:
                continue  # that part has no demo data yet
            with transaction.atomic():
                result = loader()
            if result:
                notes.extend(result if isinstance(result, list) else [str(result)])
        for line in notes:
            self.stdout.write(line)
