"""A site shows the same resident count on the map's list as on its own page (an SEZ counts its sites')."""

import pytest

from mosprom.registry.selectors import map_sites, site_detail
from tests.factories import OrganisationFactory, ResidencyFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_the_map_list_and_the_site_page_agree() -> None:
    sez = SiteFactory(kind="sez", name="ОЭЗ")
    inner = SiteFactory(kind="sez_site", parent=sez, name="Площадка")
    ResidencyFactory(site=sez, organisation=OrganisationFactory())
    for _n in range(3):
        ResidencyFactory(site=inner, organisation=OrganisationFactory())
    rows = {row["site"].pk: row for row in map_sites()}
    assert rows[sez.pk]["residents"] == site_detail(site=sez)["resident_total"] == 4
    assert rows[inner.pk]["residents"] == site_detail(site=inner)["resident_total"] == 3
