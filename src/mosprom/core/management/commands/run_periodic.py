"""Enqueue the registered periodic tasks on their intervals (the worker runs them)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from mosprom.core import periodic


class Command(BaseCommand):
    help = "Enqueue periodic tasks (reminders, hold expiry, digests, outbox sweep) on their intervals."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue every task once and exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for entry in periodic.registered():
                if once or now - last_run.get(entry.name, -1e9) >= entry.every_seconds:
                    entry.task.enqueue()
                    last_run[entry.name] = now
            if once:
                return
            time.sleep(5)
