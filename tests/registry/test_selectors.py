from datetime import date
from typing import Any

import pytest
import time_machine

from mosprom.registry import selectors, services
from mosprom.registry.models import Organisation, Site

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["росатом", "РОСАТОМ", "Росатом", "госкорпорация росатом", "7706413348"])
def test_folded_search_finds_rosatom(populated: dict[str, Any], query: str) -> None:
    found = list(selectors.organisation_list(q=query))
    # Rosatom first; then only its subsidiaries, whose search columns carry the parent's names.
    assert found[0].slug == "rosatom"
    assert all(o.parent is not None and o.parent.slug == "rosatom" for o in found[1:])


def test_search_folds_yo_and_abbreviations(make_org: Any) -> None:
    services.organisation_create(short_name="ОЭЗ «Технополис»", slug="sez")
    services.organisation_create(short_name="Ёлочный завод", slug="yolka")
    assert [o.slug for o in selectors.organisation_list(q="оэз")] == ["sez"]
    assert [o.slug for o in selectors.organisation_list(q="елочный")] == ["yolka"]
    assert [o.slug for o in selectors.organisation_list(q="ЁЛОЧНЫЙ")] == ["yolka"]
    assert selectors.organisation_list(q="\x00").count() == 2  # NUL is dropped before it reaches the database


def test_organisation_filters(populated: dict[str, Any], industry: Any) -> None:
    assert selectors.organisation_list(kind=Organisation.Kind.STATE_CORPORATION).get().slug == "rosatom"
    # a site filter covers its nested sites: the SEZ includes the residents of Руднево and Печатники
    assert selectors.organisation_list(site="technopolis-moscow").count() == 42
    assert selectors.organisation_list(site="rudnevo").count() == 21  # 20 residents + renera's production
    assert selectors.organisation_list(industry="microelectronics").count() == 21


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"site": "nope"}, "site"), ({"industry": "nope"}, "industry"), ({"kind": "x"}, "kind")]
)
def test_unknown_filter_values_raise_translated(populated: dict[str, Any], kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(selectors.UnknownFilterValue) as info:
        selectors.organisation_list(**kwargs)
    assert info.value.field == field
    assert "нет" in info.value.message


def test_production_filters(populated: dict[str, Any]) -> None:
    assert selectors.production_list(year=2023).count() == 21
    assert selectors.production_list(year=2022, site="pechatniki").count() == 20
    assert selectors.production_list(import_substitution=True).get().product == "Накопители энергии"
    assert selectors.production_list(no_domestic_analogue=True).count() == 8
    assert selectors.new_productions_by_year() == {2022: 20, 2023: 21}


def test_site_tree_counts_in_one_query(populated: dict[str, Any], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        tree = selectors.site_tree()
        root = next(n for n in tree if n.site.slug == "technopolis-moscow")
        assert {c.site.slug for c in root.children} == {"pechatniki", "rudnevo"}
        assert root.total_residents == 41
        assert root.total_productions == 41


def test_site_tree_excludes_ended_residencies(populated: dict[str, Any]) -> None:
    org = populated["renera"]
    services.residency_create(organisation=org, site=populated["pechatniki"], since=date(2010, 1, 1),
                              until=date(2015, 1, 1))  # fmt: skip
    pechatniki = next(s for s in selectors.site_list_annotated() if s.slug == "pechatniki")
    assert pechatniki.resident_count == 20  # type: ignore[attr-defined]


def test_organisation_detail(populated: dict[str, Any]) -> None:
    data = selectors.organisation_detail(organisation=populated["rosatom"])
    assert [s.slug for s in data["subsidiaries"]] == ["renera"]
    assert [r.site.slug for r in data["residencies"]] == ["technopolis-moscow"]


def test_site_detail_includes_nested_sites(populated: dict[str, Any]) -> None:
    data = selectors.site_detail(site=Site.objects.get(slug="technopolis-moscow"))
    assert data["resident_total"] == 41 and len(data["residencies"]) == 30
    assert data["production_total"] == 41
    assert {c.slug for c in data["children"]} == {"pechatniki", "rudnevo"}


@time_machine.travel(date(2024, 6, 1))
def test_home_figures(populated: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(5):
        figures = selectors.home_figures()
    values = [c["value"] for c in figures["cards"]]
    labels = [str(c["label"]) for c in figures["cards"]]
    assert values[:2] == ["3", "42"]
    assert values[3] == "21" and "2023" in labels[3]  # last year
    assert all(c["url"].startswith("/") for c in figures["cards"])
    assert labels[0] == "промышленные площадки"
