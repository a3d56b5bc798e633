"""Factories for the partnerships tests: a small world with a city, a corporation and an agreement."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mosprom.partnerships import services
from mosprom.partnerships.models import Agreement, AgreementParty, Project
from mosprom.registry.models import Organisation, Site
from tests.factories import OrganisationFactory

TODAY = date(2026, 11, 23)


@pytest.fixture
def city(db: Any) -> Organisation:
    return OrganisationFactory(slug="moscow-government", short_name="Правительство Москвы", kind="government")


@pytest.fixture
def corp(db: Any) -> Organisation:
    return OrganisationFactory(
        slug="rosatom", short_name="Росатом", full_name="Госкорпорация «Росатом»", kind="state_corporation"
    )


@pytest.fixture
def outsider(db: Any) -> Organisation:
    return OrganisationFactory(slug="kamaz", short_name="КамАЗ", full_name="ПАО «КамАЗ»", kind="joint_stock")


@pytest.fixture
def site(db: Any) -> Site:
    return Site.objects.create(slug="pechatniki", name="Печатники", kind="sez_site")


@pytest.fixture
def agreement(city: Organisation, corp: Organisation) -> Agreement:
    return services.agreement_create(
        title="Стратегическая сессия",
        slug="session",
        kind=Agreement.Kind.STRATEGIC_SESSION,
        signed_on=date(2025, 10, 21),
        parties=[(city, AgreementParty.Role.CITY), (corp, AgreementParty.Role.STATE_CORPORATION)],
        directions=[("Дорожная карта", None)],
    )


@pytest.fixture
def make_project(agreement: Agreement, city: Organisation, corp: Organisation) -> Any:
    counter = {"n": 0}

    def make(**kwargs: Any) -> Project:
        counter["n"] += 1
        defaults: dict[str, Any] = {
            "title": f"Проект {counter['n']}",
            "code": f"P-{counter['n']:03d}",
            "category": Project.Category.PRODUCTION,
            "status": Project.Status.IMPLEMENTATION,
            "agreement": agreement,
            "planned_start": date(2026, 1, 1),
            "planned_end": date(2027, 12, 31),
        }
        defaults.update(kwargs)
        return services.project_create(**defaults)

    return make
