"""The catalogue's cheaper reads give what the plain ones gave: a page read as ordered ids then rows, and filter
choices found by EXISTS."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mosprom.registry.models import Industry, Site
from mosprom.tours import selectors
from mosprom.tours.models import Tour
from tests.factories import IndustryFactory

from .conftest import make_org, make_session, make_site, make_tour

pytestmark = pytest.mark.django_db


def test_a_page_is_the_same_slice_of_the_same_order(db: Any) -> None:
    tours = [make_tour(title=f"Тур {k:02d}") for k in range(9)]
    for k, tour in enumerate(tours[:6]):
        make_session(tour=tour, days=8 + (k * 5) % 7)
    make_tour(title="Черновик", state=Tour.State.DRAFT)
    everything = list(selectors.tour_list_public())
    assert len(everything) == 9
    for start, stop in ((0, 4), (4, 8), (8, 12), (2, 3)):
        with CaptureQueriesContext(connection) as queries:
            page = selectors.tour_list_public()[start:stop]
            # the joins came with the page's rows: reading them costs no query
            names = [(t.host.short_name, t.format.slug, t.site, t.season) for t in page]
        assert [t.pk for t in page] == [t.pk for t in everything[start:stop]]
        assert len(names) == len(page) and len(queries) == 2  # ordered ids, then the rows
    searched = selectors.tour_list_public(q="Тур")
    assert [t.pk for t in searched[0:3]] == [t.pk for t in list(searched)[0:3]]
    assert selectors.tour_list_public().count() == 9


def test_filter_choices_name_only_what_published_tours_have(db: Any) -> None:
    used, unused = IndustryFactory(), IndustryFactory()
    site = make_site(district="cao")
    make_site(district="zao")  # no tour
    draft_site = make_site(district="sao")
    make_tour(host=make_org(industry=used), site=site)
    make_tour(host=make_org(industry=used), site=site)  # two tours: still one option
    make_tour(host=make_org(industry=unused), site=draft_site, state=Tour.State.DRAFT)
    choices = selectors.catalogue_filter_choices()
    assert choices["industries"] == list(Industry.objects.filter(organisations__tours__state="published").distinct())
    assert choices["industries"] == [used]
    assert choices["sites"] == list(Site.objects.filter(tours__state="published").distinct()) == [site]
    assert choices["districts"] == {"cao"}
