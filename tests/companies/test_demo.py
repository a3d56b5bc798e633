"""The demo loader puts one synthetic company in every stage, through the services, idempotently."""

from __future__ import annotations

from typing import Any

import pytest

from mosprom.companies.models import AccessRequest, Application, HostApplication, ProductionReport, ProfileProposal
from mosprom.demo import companies as demo
from mosprom.registry import services as registry_services
from mosprom.registry.models import StatusKind

pytestmark = pytest.mark.django_db


def test_demo_companies_in_every_stage(operator: Any) -> None:
    StatusKind.objects.create(code="industrial-complex", name="Промышленный комплекс", term_years=7)
    for slug, _user, _stage in demo.SCENARIOS:
        registry_services.organisation_create(short_name=f"ООО «{slug}»", slug=slug, is_demo=True)
    demo.load()
    demo.load()  # idempotent
    stages = sorted(Application.objects.values_list("stage", flat=True))
    assert stages == sorted(stage for _s, _u, stage in demo.SCENARIOS)
    assert all(a.is_demo and a.organisation.is_demo for a in Application.objects.select_related("organisation"))
    assert ProfileProposal.objects.count() == ProductionReport.objects.count() == HostApplication.objects.count() == 1
    assert AccessRequest.objects.count() == 1
