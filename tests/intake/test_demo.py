"""The demo reads the five seed releases against the demo registry and leaves every proposal waiting."""

from __future__ import annotations

from typing import Any

from mosprom.demo import intake as demo_intake
from mosprom.demo import registry as demo_registry
from mosprom.intake.models import PressRelease, ProposedFact


def test_demo_intake_is_idempotent_and_accepts_nothing(db: Any) -> None:
    demo_registry.load()
    notes = demo_intake.load()
    assert notes and "5" in notes[0]
    assert demo_intake.load() == []
    assert PressRelease.objects.count() == 5
    assert not ProposedFact.objects.exclude(state=ProposedFact.State.PROPOSED).exists()
    fact = ProposedFact.objects.get(kind="new_productions", value=35)
    assert fact.site is not None and fact.site.slug == "technopolis-moscow" and fact.year == 2023
    rosatom = ProposedFact.objects.get(value=20000, qualifier="more")
    assert rosatom.organisation is not None and rosatom.organisation.slug == "rosatom"
