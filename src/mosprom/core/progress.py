"""Progress bars for long commands: a tqdm bar on the terminal, nothing at all when the output is not one.

A command passes its own error stream (`command_stream(self)`): on a terminal the bar is drawn there and removed
when done (the command's summary stays); in a log, a pipe, CI or a test nothing of it is written, so logs hold
only the summary lines.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import IO, Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def on_terminal(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def command_stream(command: Any) -> IO[str]:
    """The raw error stream of a management command (its OutputWrapper would end every bar update with a
    newline), or sys.stderr."""
    wrapper = getattr(command, "stderr", None)
    return getattr(wrapper, "_out", None) or sys.stderr


def bar(
    iterable: Iterable[T] | None = None,
    *,
    desc: str,
    unit: str,
    total: float | None = None,
    stream: IO[str] | None = None,
    unit_scale: bool = False,
) -> tqdm[T]:
    """A bar on `stream` (sys.stderr by default) when it is a terminal; a silent pass-through otherwise."""
    stream = stream or sys.stderr
    return tqdm(
        iterable,
        desc=desc,
        unit=unit,
        total=total,
        file=stream,
        disable=not on_terminal(stream),
        leave=False,
        dynamic_ncols=True,
        unit_scale=unit_scale,
    )


def reporter(progress: tqdm[Any]) -> Callable[[int, int], None]:
    """A (done, total) callback that moves `progress`, for work that counts its own steps (a backup's pages)."""

    def report(done: int, total: int) -> None:
        progress.total = total
        progress.n = done
        progress.refresh()

    return report
