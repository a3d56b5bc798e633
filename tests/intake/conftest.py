"""Shared data of the intake tests: a small registry with the seeds' organisations and sites."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mosprom.registry.models import Organisation, Site
from tests.factories import OrganisationFactory, SiteFactory

SEEDS = Path(__file__).parent / "seeds"


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@pytest.fixture
def registry(db: Any) -> dict[str, Any]:
    technopolis = SiteFactory(name="ОЭЗ «Технополис Москва»", slug="technopolis-moscow", kind=Site.Kind.SEZ)
    rudnevo = SiteFactory(name="Руднево", slug="rudnevo", kind=Site.Kind.SEZ_SITE, parent=technopolis)
    rosatom = OrganisationFactory(
        short_name="Госкорпорация «Росатом»",
        slug="rosatom",
        kind=Organisation.Kind.STATE_CORPORATION,
        name_variants=["Росатом"],
        employees=20000,
    )
    kamaz = OrganisationFactory(short_name="ПАО «КамАЗ»", slug="kamaz", kind=Organisation.Kind.JOINT_STOCK)
    return {"technopolis": technopolis, "rudnevo": rudnevo, "rosatom": rosatom, "kamaz": kamaz}
