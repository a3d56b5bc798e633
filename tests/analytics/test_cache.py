"""KPIs are cached, and an edit is visible at once: signals bump the data version, no timeout involved."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mosprom.analytics import cache as kpi_cache
from mosprom.analytics import selectors
from mosprom.registry import services
from mosprom.registry.models import Production, Residency, Site


def test_second_read_comes_from_the_cache(kpi_data: Any) -> None:
    selectors.productions_by_year(last_year=2023)
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.productions_by_year(last_year=2023)
    assert len(queries) == 0
    assert rows[-1]["count"] == 35


def test_create_update_delete_show_at_once(kpi_data: Any) -> None:
    assert selectors.summary(2023)["new_productions"] == 35
    production = Production.objects.create(
        organisation=kpi_data.alpha, site=kpi_data.skolkovo, product="Новинка", opened_on=date(2023, 10, 1), jobs=7
    )
    assert selectors.summary(2023)["new_productions"] == 36
    assert selectors.jobs_summary(2023)["jobs_in_year"] == 357
    production.opened_on = date(2022, 10, 1)
    production.save()
    assert [r["count"] for r in selectors.productions_by_year(last_year=2023)] == [28, 35]
    production.delete()
    assert [r["count"] for r in selectors.productions_by_year(last_year=2023)] == [27, 35]


def test_a_new_child_site_moves_the_sez_figures(kpi_data: Any) -> None:
    before = {r["site"]["slug"]: r for r in selectors.sites_overview()}
    assert before["technopolis"]["residents"] == 3
    rudnevo = Site.objects.create(name="Руднево", slug="rudnevo", kind=Site.Kind.SEZ_SITE, parent=kpi_data.sez)
    Residency.objects.create(organisation=kpi_data.beta, site=rudnevo)
    after = {r["site"]["slug"]: r for r in selectors.sites_overview()}
    assert after["technopolis"]["residents"] == 4
    assert after["rudnevo"]["residents"] == 1


def test_dashboard_never_shows_a_stale_figure_after_an_operator_edit(operator_client: Any, kpi_data: Any) -> None:
    url = reverse("analytics:dashboard")
    assert "+30\u00a0%" in operator_client.get(url, {"year": 2023}).content.decode()
    # the operator edits a production (the back-office and the API call this same service)
    production = Production.objects.filter(opened_on__year=2023).first()
    assert production is not None
    services.production_update(production=production, opened_on=date(2022, 5, 5))
    html = operator_client.get(url, {"year": 2023}).content.decode()
    # 34 vs 28: 6/28 = 21.4 % → +21
    assert "+21\u00a0%" in html
    assert "+30\u00a0%" not in html


def test_version_bumps_again_on_commit(kpi_data: Any, django_capture_on_commit_callbacks: Any) -> None:
    first = kpi_cache.data_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        kpi_cache.bump_data_version()
    second = kpi_cache.data_version()
    assert second != first
    assert len(callbacks) == 1
    callbacks[0]()
    assert kpi_cache.data_version() != second


def test_last_modified_follows_the_data(kpi_data: Any) -> None:
    before = kpi_cache.data_changed_at()
    Production.objects.filter(opened_on__year=2022).first().delete()  # type: ignore[union-attr]
    assert kpi_cache.data_changed_at() >= before


def test_cache_can_be_switched_off(kpi_data: Any, settings: Any) -> None:
    settings.ANALYTICS_CACHE_ENABLED = False
    selectors.productions_by_year(last_year=2023)
    with CaptureQueriesContext(connection) as queries:
        selectors.productions_by_year(last_year=2023)
    assert len(queries) >= 1


def test_a_tour_registration_keeps_the_registry_figures(kpi_data: Any) -> None:
    """Each part has its own data version: a change in tours recomputes the tourism figures only."""
    selectors.productions_by_year(last_year=2023)
    registry_version = kpi_cache.data_version(("registry",))
    kpi_cache.bump_data_version("tours")
    assert kpi_cache.data_version(("registry",)) == registry_version
    with CaptureQueriesContext(connection) as queries:
        selectors.productions_by_year(last_year=2023)
    assert len(queries) == 0
    kpi_cache.bump_data_version("registry")
    assert kpi_cache.data_version(("registry",)) != registry_version


def test_the_productions_are_scanned_once_for_the_years_and_every_range(kpi_data: Any) -> None:
    """The year selector, the default year and every range of productions_by_year read one cached aggregate."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        choices = selectors.year_choices()
        default = selectors.default_year()
        wide = selectors.productions_by_year(last_year=2023)
        narrow = selectors.productions_by_year(last_year=2023, first_year=2023)
    scans = [q["sql"] for q in queries if 'FROM "registry_production"' in q["sql"]]
    assert len(scans) == 1, scans
    assert narrow == wide[-1:] and wide[-1]["count"] == 35
    assert default in choices and choices == sorted(choices, reverse=True)
