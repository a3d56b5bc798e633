from typing import Any

import pytest
from auditlog.models import LogEntry

from mosprom.demo import accounts
from mosprom.demo import registry as demo
from mosprom.registry import selectors
from mosprom.registry.models import (
    AnnualReport,
    Organisation,
    Production,
    Residency,
    Site,
    Status,
    StatusApplication,
)

pytestmark = pytest.mark.django_db

MODELS = [Site, Organisation, Residency, Production, Status, StatusApplication, AnnualReport, LogEntry]


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_loader_is_idempotent() -> None:
    demo.load()
    first = _counts()
    demo.load()
    assert _counts() == first
    _check_real_records_from_the_seeds()
    _check_kpis_of_the_release()
    _check_statuses_applications_and_reports()


def _check_real_records_from_the_seeds() -> None:
    technopolis = Site.objects.get(slug="technopolis-moscow")
    assert set(technopolis.children.values_list("name", flat=True)) >= {
        "Печатники",
        "Руднево",
        "Алабушево",
        "Зеленоград",
    }
    assert Site.objects.filter(kind=Site.Kind.INNOVATION_CLUSTER).count() == 3
    rosatom = Organisation.objects.get(slug="rosatom")
    assert rosatom.employees == 20000 and not rosatom.is_demo
    assert Organisation.objects.get(slug="renera").parent == rosatom
    assert Organisation.objects.get(slug="nck").full_name == "Нанотехнологический центр композитов"
    for slug in ("kamaz", "rosnano", "fiop", "mipt", "mephi", "misis", "dipp", "fcbas"):
        assert Organisation.objects.filter(slug=slug, is_demo=False).exists(), slug
    assert Production.objects.filter(product="Банкоматы", site__slug="rudnevo", opened_on__year=2023).exists()


def _check_kpis_of_the_release() -> None:
    by_year = selectors.new_productions_by_year()
    assert by_year[2023] == 35 and by_year[2022] == 27  # +30 %
    assert selectors.organisation_list(site="technopolis-moscow").count() > 200


def _check_statuses_applications_and_reports() -> None:
    technopark = Status.objects.filter(kind__code="city-technopark")
    assert technopark.count() == 3
    assert all((s.valid_until.year - s.granted_on.year) == 10 for s in technopark)  # type: ignore[union-attr]
    assert set(technopark.values_list("state", flat=True)) == {"active", "flagged"}
    assert set(StatusApplication.objects.values_list("state", flat=True)) == {
        "submitted", "under_review", "approved", "rejected",
    }  # fmt: skip
    assert AnnualReport.objects.filter(meets_obligations=False).exists()
    assert Status.objects.filter(flag_reason__contains="не подано").exists()


def test_accounts_find_host_organisations(django_user_model: Any) -> None:
    demo.load()
    lines = accounts.load()
    assert any("НЦК" in line for line in lines) and any("Рэнера" in line for line in lines)
    assert django_user_model.objects.get(username="host-nck").memberships.get().organisation.slug == "nck"
