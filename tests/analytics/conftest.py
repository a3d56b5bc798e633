"""A small hand-built registry whose KPIs are computed by hand in the tests.

Productions: 27 opened in 2022 and 35 in 2023 (→ +30 %).
  2023: Печатники 20, Алабушево 5, Сколково 4, no site 6; 2022: Печатники 10, Алабушево 7, Сколково 10.
  Industry 2023: electronics 30, pharma 5; 2022: electronics 20, pharma 7.
  Jobs: 10 each in 2023 (350), 5 each in 2022 (135).
  2023: 7 import-substituting, 3 with no domestic analogue; 2022: none.
Organisations: Росатом (state corporation, 1000 staff) → ТВЭЛ (500 staff) → Внучка (staff unknown);
  Альфа (100 staff), Бета.  ТВЭЛ opened 2 productions in 2023 (Печатники), Внучка 1 in 2022 (Сколково).
Residencies (current): Росатом@Печатники, ТВЭЛ@Алабушево, Альфа@Печатники, Альфа@Алабушево;
  Бета@Сколково ended in 2020.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from mosprom.registry.models import Industry, Organisation, Production, Residency, Site
from tests.factories import OrganisationFactory


@dataclass
class KpiData:
    sez: Site
    pechatniki: Site
    alabushevo: Site
    skolkovo: Site
    electronics: Industry
    pharma: Industry
    rosatom: Organisation
    tvel: Organisation
    grandchild: Organisation
    alpha: Organisation
    beta: Organisation


def _productions(year: int, plan: list[tuple[Site | None, int]], org: Organisation, jobs: int) -> list[Production]:
    items = []
    for site, count in plan:
        for _ in range(count):
            items.append(
                Production(organisation=org, site=site, product="Продукт", opened_on=date(year, 6, 1), jobs=jobs)
            )
    return items


@pytest.fixture
def kpi_data(db: Any) -> KpiData:
    sez = Site.objects.create(name="ОЭЗ «Технополис Москва»", slug="technopolis", kind=Site.Kind.SEZ)
    pechatniki = Site.objects.create(name="Печатники", slug="pechatniki", kind=Site.Kind.SEZ_SITE, parent=sez)
    alabushevo = Site.objects.create(name="Алабушево", slug="alabushevo", kind=Site.Kind.SEZ_SITE, parent=sez)
    skolkovo = Site.objects.create(name="Сколково", slug="skolkovo", kind=Site.Kind.TECHNOPARK)
    electronics = Industry.objects.create(name="Электроника", slug="electronics")
    pharma = Industry.objects.create(name="Фармацевтика", slug="pharma")
    rosatom = OrganisationFactory(
        full_name="Госкорпорация «Росатом»",
        short_name="Росатом",
        slug="rosatom",
        kind=Organisation.Kind.STATE_CORPORATION,
        employees=1000,
    )
    tvel = OrganisationFactory(full_name="АО «ТВЭЛ»", short_name="ТВЭЛ", slug="tvel", parent=rosatom, employees=500)
    grandchild = OrganisationFactory(full_name="АО «Внучка»", short_name="Внучка", slug="vnuchka", parent=tvel)
    alpha = OrganisationFactory(full_name="ООО «Альфа»", short_name="Альфа", slug="alpha", employees=100)
    beta = OrganisationFactory(full_name="ООО «Бета»", short_name="Бета", slug="beta")

    p2023 = _productions(2023, [(pechatniki, 18), (alabushevo, 5), (skolkovo, 4), (None, 6)], alpha, 10)
    p2023 += _productions(2023, [(pechatniki, 2)], tvel, 10)
    for index, production in enumerate(p2023):
        production.industry = electronics if index < 30 else pharma
        production.import_substitution = index < 7
        production.no_domestic_analogue = index < 3
    p2022 = _productions(2022, [(pechatniki, 10), (alabushevo, 7), (skolkovo, 9)], alpha, 5)
    p2022 += _productions(2022, [(skolkovo, 1)], grandchild, 5)
    for index, production in enumerate(p2022):
        production.industry = electronics if index < 20 else pharma
    Production.objects.bulk_create(p2023 + p2022)

    Residency.objects.create(organisation=rosatom, site=pechatniki, since=date(2020, 1, 1))
    Residency.objects.create(organisation=tvel, site=alabushevo, since=date(2021, 1, 1))
    Residency.objects.create(organisation=alpha, site=pechatniki)
    Residency.objects.create(organisation=alpha, site=alabushevo, since=date(2019, 5, 1))
    Residency.objects.create(organisation=beta, site=skolkovo, since=date(2015, 1, 1), until=date(2020, 12, 31))
    return KpiData(sez, pechatniki, alabushevo, skolkovo, electronics, pharma, rosatom, tvel, grandchild, alpha, beta)
