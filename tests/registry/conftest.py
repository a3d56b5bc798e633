"""Small factories for registry tests (pytest runs without migrations, so nothing comes from data migrations)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from mosprom.registry import services
from mosprom.registry.models import Industry, Organisation, Production, Residency, Site, StatusKind

_seq = itertools.count(1)


@pytest.fixture
def make_site(db: Any) -> Any:
    def make(name: str = "", kind: str = Site.Kind.TECHNOPARK, **fields: Any) -> Site:
        n = next(_seq)
        return services.site_create(name=name or f"Площадка {n}", kind=kind, **fields)

    return make


@pytest.fixture
def make_org(db: Any) -> Any:
    def make(short_name: str = "", **fields: Any) -> Organisation:
        n = next(_seq)
        return services.organisation_create(short_name=short_name or f"ООО «Компания {n}»", **fields)

    return make


@pytest.fixture
def industry(db: Any) -> Industry:
    return Industry.objects.create(name="Микроэлектроника", name_en="Microelectronics", slug="microelectronics")


@pytest.fixture
def technopolis(make_site: Any) -> Site:
    root = make_site("ОЭЗ «Технополис Москва»", kind=Site.Kind.SEZ, slug="technopolis-moscow",
                     latitude=Decimal("55.707"), longitude=Decimal("37.726"))  # fmt: skip
    make_site("Печатники", kind=Site.Kind.SEZ_SITE, slug="pechatniki", parent=root)
    make_site("Руднево", kind=Site.Kind.INDUSTRIAL_PARK, slug="rudnevo", parent=root,
              latitude=Decimal("55.722"), longitude=Decimal("37.893"), address="Москва, Косино-Ухтомский")  # fmt: skip
    return root


@pytest.fixture
def technopark_kind(db: Any) -> StatusKind:
    return StatusKind.objects.create(code="city-technopark", name="Городской технопарк", term_years=10)


@pytest.fixture
def populated(technopolis: Site, make_org: Any, industry: Industry) -> dict[str, Any]:
    """Rosatom, a subsidiary and 40 residents with productions across the Technopolis sites."""
    rudnevo = Site.objects.get(slug="rudnevo")
    pechatniki = Site.objects.get(slug="pechatniki")
    rosatom = make_org("Госкорпорация «Росатом»", slug="rosatom", kind=Organisation.Kind.STATE_CORPORATION,
                       inn="7706413348", employees=20000)  # fmt: skip
    renera = make_org("«Рэнера»", slug="renera", parent=rosatom, industry=industry)
    services.residency_create(organisation=rosatom, site=technopolis, is_anchor=True)
    services.production_create(organisation=renera, product="Накопители энергии", site=rudnevo,
                               opened_on=date(2023, 5, 1), import_substitution=True)  # fmt: skip
    for i in range(40):
        org = make_org(f"ООО «Демо {i:02d}»", is_demo=True, industry=industry if i % 2 else None)
        site = rudnevo if i % 2 else pechatniki
        services.residency_create(organisation=org, site=site, since=date(2020, 1, 1))
        services.production_create(organisation=org, product=f"Изделие {i}", site=site,
                                   opened_on=date(2022 + i % 2, 3, 1), no_domestic_analogue=i % 5 == 0,
                                   jobs=10 + i, is_demo=True)  # fmt: skip
    return {"rosatom": rosatom, "renera": renera, "rudnevo": rudnevo, "pechatniki": pechatniki}


__all__ = ["Production", "Residency"]
