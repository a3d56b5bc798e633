"""The district filter offers only districts with a published tour, and each option finds what it names."""

from typing import Any

import pytest

from mosprom.registry.models import District
from mosprom.tours.forms import CatalogueFilterForm
from tests.factories import SiteFactory, TourFactory

pytestmark = pytest.mark.django_db


def test_every_district_offered_finds_its_tours(client: Any) -> None:
    zelenograd = SiteFactory(district=District.ZELAO)
    TourFactory(site=zelenograd, title="Экскурсия в Зеленограде")
    TourFactory(site=SiteFactory(district=District.TAO), state="draft")  # a draft makes no district
    offered = [value for value, _label in CatalogueFilterForm().fields["district"].choices if value]
    assert offered == [District.ZELAO]
    for district in offered:
        html = client.get("/tours/", {"district": district}).content.decode()
        assert "Экскурсия в Зеленограде" in html
