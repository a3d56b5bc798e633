"""A tiny registry of periodic tasks; `manage.py run_periodic` enqueues each on its interval.

Apps register in their AppConfig.ready(): `periodic.register(my_task, every_seconds=300)`.
The tasks themselves are idempotent, so running one twice is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PeriodicTask:
    task: Any
    every_seconds: int

    @property
    def name(self) -> str:
        return str(self.task.module_path)


_REGISTRY: dict[str, PeriodicTask] = {}


def register(task: Any, *, every_seconds: int) -> None:
    entry = PeriodicTask(task=task, every_seconds=every_seconds)
    _REGISTRY[entry.name] = entry


def registered() -> list[PeriodicTask]:
    return sorted(_REGISTRY.values(), key=lambda p: p.name)
