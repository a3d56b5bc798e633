"""Each KPI against the hand-built data set of conftest.py; the expected figures are worked out by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mosprom.analytics import selectors


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(35, 27, 30), (27, 35, -23), (10, 0, None), (0, 0, None), (3, 2, 50), (1, 8, -88), (201, 200, 1), (401, 400, 0)],
)
def test_yoy_percent_rounds_half_up(current: int, previous: int, expected: int | None) -> None:
    # 35 vs 27: 8/27 = 29.63 % → 30; 27 vs 35: −8/35 = −22.86 → −23; 1/200 = 0.5 → 1 (half up); 1/400 = 0.25 → 0.
    assert selectors.yoy_percent(current, previous) == expected


def test_share_percent() -> None:
    assert selectors.share_percent(3, 35) == Decimal("8.6")  # 8.571…
    assert selectors.share_percent(1, 8) == Decimal("12.5")
    assert selectors.share_percent(1, 0) is None


def test_new_productions_per_year_with_yoy(kpi_data: Any) -> None:
    rows = selectors.productions_by_year(last_year=2023)
    assert [(r["year"], r["count"], r["change_percent"]) for r in rows] == [(2022, 27, None), (2023, 35, 30)]
    last = rows[-1]
    assert (last["jobs"], last["import_substitution"], last["no_domestic_analogue"]) == (350, 7, 3)
    assert rows[0]["jobs"] == 135


def test_years_without_productions_count_zero(kpi_data: Any) -> None:
    rows = selectors.productions_by_year(last_year=2025)
    assert [(r["year"], r["count"], r["change_percent"]) for r in rows][-2:] == [(2024, 0, -100), (2025, 0, None)]


def test_new_productions_per_site_count_children_under_the_sez(kpi_data: Any) -> None:
    rows = {(r["site"]["slug"] if r["site"] else None): r for r in selectors.productions_by_site(2023)}
    # SEZ: (20 + 5) vs (10 + 7) = 25 vs 17 → +47.06 % → +47
    assert (rows["technopolis"]["count"], rows["technopolis"]["previous"], rows["technopolis"]["change_percent"]) == (
        25,
        17,
        47,
    )
    assert (rows["pechatniki"]["count"], rows["pechatniki"]["change_percent"]) == (20, 100)
    assert (rows["alabushevo"]["count"], rows["alabushevo"]["change_percent"]) == (5, -29)  # −2/7 = −28.6
    assert (rows["skolkovo"]["count"], rows["skolkovo"]["change_percent"]) == (4, -60)
    assert (rows[None]["count"], rows[None]["previous"], rows[None]["change_percent"]) == (6, 0, None)
    # tree order: the SEZ, then its sites (alphabetical), then the other sites, then "no site"
    assert list(rows) == ["technopolis", "alabushevo", "pechatniki", "skolkovo", None]
    assert rows["pechatniki"]["site"]["level"] == 1


def test_new_productions_per_industry(kpi_data: Any) -> None:
    rows = selectors.productions_by_industry(2023)
    assert [(r["industry"]["slug"], r["count"], r["previous"], r["change_percent"]) for r in rows] == [
        ("electronics", 30, 20, 50),
        ("pharma", 5, 7, -29),
    ]


def test_shares_of_import_substitution_and_no_analogue(kpi_data: Any) -> None:
    shares = selectors.production_shares(2023)
    assert shares["year"] == {
        "total": 35,
        "import_substitution": 7,
        "import_substitution_percent": Decimal("20.0"),
        "no_domestic_analogue": 3,
        "no_domestic_analogue_percent": Decimal("8.6"),
    }
    # all years: 7/62 = 11.29 %, 3/62 = 4.84 %
    assert shares["all_time"]["import_substitution_percent"] == Decimal("11.3")
    assert shares["all_time"]["no_domestic_analogue_percent"] == Decimal("4.8")


def test_jobs(kpi_data: Any) -> None:
    jobs = selectors.jobs_summary(2023)
    assert jobs == {
        "jobs_in_year": 350,
        "jobs_previous_year": 135,
        "change_percent": 159,  # 215/135 = 159.26 %
        "jobs_total": 485,
        "employees_known": 1600,
        "organisations_with_employees": 3,
    }


def test_residents_and_productions_per_site(kpi_data: Any) -> None:
    rows = {r["site"]["slug"]: r for r in selectors.sites_overview()}
    assert (rows["pechatniki"]["residents"], rows["pechatniki"]["productions"], rows["pechatniki"]["jobs"]) == (
        2,
        30,
        250,
    )
    assert (rows["alabushevo"]["residents"], rows["alabushevo"]["productions"], rows["alabushevo"]["jobs"]) == (
        2,
        12,
        85,
    )
    # the SEZ counts distinct residents of its sites: Росатом, Альфа, ТВЭЛ
    assert (rows["technopolis"]["residents"], rows["technopolis"]["productions"], rows["technopolis"]["jobs"]) == (
        3,
        42,
        335,
    )
    # Бета's residency ended in 2020
    assert (rows["skolkovo"]["residents"], rows["skolkovo"]["productions"]) == (0, 14)


def test_registry_totals(kpi_data: Any) -> None:
    assert selectors.registry_totals() == {
        "sites": 4,
        "organisations": 5,
        "residents": 3,
        "productions": 62,
        "jobs": 485,
    }


def test_corporation_footprint(kpi_data: Any) -> None:
    footprint = selectors.corporation_footprint(kpi_data.rosatom.pk)
    assert footprint is not None
    assert footprint["organisation"]["slug"] == "rosatom"
    assert footprint["enterprises"] == 3  # Росатом (residency), ТВЭЛ (productions), Внучка (a production)
    assert footprint["subsidiaries"] == 2
    assert footprint["productions"] == 3
    assert footprint["jobs"] == 25  # 2 × 10 + 1 × 5
    assert footprint["employees"] == 1500  # staff of Внучка unknown
    assert footprint["staff_share_percent"] is None  # the corporation's total staff is not known
    kpi_data.rosatom.staff_total = 10_000
    kpi_data.rosatom.save()
    assert selectors.corporation_footprint(kpi_data.rosatom.pk)["staff_share_percent"] == Decimal(
        "15.0"
    )  # 1500 / 10 000
    listed = selectors.corporation_footprints()
    assert [f["organisation"]["slug"] for f in listed] == ["rosatom"]
    assert selectors.corporation_footprint(10**9) is None


def test_year_parsing() -> None:
    assert selectors.parse_year("2023") == 2023
    assert selectors.parse_year("", default=2021) == 2021
    for bad in ("1999", "3000", "abc", "20.5", str(selectors.year_max() + 1)):
        with pytest.raises(selectors.YearOutOfRange):
            selectors.parse_year(bad)


def test_summary(kpi_data: Any) -> None:
    summary = selectors.summary(2023)
    assert (summary["new_productions"], summary["new_productions_previous"]) == (35, 27)
    assert summary["new_productions_change_percent"] == 30
    assert summary["registry"]["residents"] == 3


def test_default_year_is_latest_with_productions(kpi_data: Any) -> None:
    assert selectors.default_year() == 2023
