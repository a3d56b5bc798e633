"""Demo: the five seed press releases read by the intake, their proposals left waiting for an operator.

Idempotent: a release already imported (same text) is not imported again; nothing is accepted here.
"""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"


def load() -> list[str]:
    from mosprom.intake.nlp.linking import Linker
    from mosprom.intake.services import release_import

    linker = Linker.from_registry()
    created = 0
    for path in sorted(SEEDS.glob("*.txt")):
        result = release_import(data=path.read_bytes(), file_name=path.name, linker=linker)
        created += int(result.created)
    if not created:
        return []
    return [f"intake: {created} press release(s) read; their proposed facts wait in the review queue"]
