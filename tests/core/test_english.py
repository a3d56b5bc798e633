"""English is complete: no message of an `en` catalogue is left in Russian, and the names the database keeps in
two languages (industries, formats, seasons, audiences, kinds of status) show in English on English pages,
charts and files — all of them filled in by the demo."""

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from mosprom.analytics import exports
from mosprom.registry.models import Industry, StatusKind
from mosprom.tours.forms import CatalogueFilterForm
from mosprom.tours.models import Audience, Format, Season
from tests.factories import IndustryFactory, OrganisationFactory, ProductionFactory, SessionFactory

SRC = Path(__file__).resolve().parents[2] / "src" / "mosprom"
EN_CATALOGUES = sorted(SRC.glob("**/locale/en/LC_MESSAGES/django.po"))
CYRILLIC = re.compile("[\u0400-\u04ff]")


def _entries(po: Path) -> list[tuple[str, str, list[str], bool]]:
    """(context, msgid, msgstrs, fuzzy) of every entry."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        if "msgid" not in block:
            continue
        context = "".join(re.findall(r'^msgctxt "(.*)"', block, re.M))
        head, _, tail = block.partition("\nmsgstr")
        msgid = "".join(re.findall(r'"(.*)"', head.split("msgid", 1)[1].split("msgid_plural")[0]))
        if not msgid:
            continue
        strs = [
            "".join(re.findall(r'"(.*)"', part))
            for part in re.split(r"^msgstr(?:\[\d\])? ", "msgstr" + tail, flags=re.M)[1:]
        ]
        entries.append((context, msgid, strs, "#, fuzzy" in head))
    return entries


def test_there_are_english_catalogues() -> None:
    assert len(EN_CATALOGUES) >= 7


@pytest.mark.parametrize("po", EN_CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_english_message_is_left_in_russian(po: Path) -> None:
    """An English msgstr may stay empty (the English msgid is shown) unless the msgid holds Russian; a filled
    msgstr is never Russian and never fuzzy."""
    problems = []
    for context, msgid, strs, fuzzy in _entries(po):
        if fuzzy:
            problems.append(f"fuzzy: {msgid}")
        if CYRILLIC.search(msgid) and (not all(strs) or msgid in strs):
            problems.append(f"Russian msgid without English: {msgid}")
        if CYRILLIC.search(context):
            problems.append(f"Russian context: {context}")
        for value in strs:
            if value and CYRILLIC.search(value) and not CYRILLIC.search(msgid):
                problems.append(f"Russian in the English text of: {msgid}")
    assert problems == []


@pytest.mark.parametrize("po", EN_CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_english_catalogue_is_compiled(po: Path) -> None:
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_size > 0, f"{mo} is missing: run `make messages`"


@pytest.mark.django_db
def test_industry_names_are_english_in_english_charts_tables_and_filters() -> None:
    industry = IndustryFactory(name="Электроника", name_en="Electronics", slug="electronics")
    ProductionFactory(industry=industry, opened_on=date(2024, 3, 1))
    SessionFactory(tour__host=OrganisationFactory(industry=industry))
    with translation.override("en"):
        table = exports.TABLES["productions-by-industry"](2024)
        assert table is not None and table.rows[0][0] == "Electronics"
        assert ("electronics", "Electronics") in CatalogueFilterForm().fields["industry"].choices  # type: ignore[attr-defined]
    with translation.override("ru"):
        table = exports.TABLES["productions-by-industry"](2024)
        assert table is not None and table.rows[0][0] == "Электроника"
        assert ("electronics", "Электроника") in CatalogueFilterForm().fields["industry"].choices  # type: ignore[attr-defined]


def test_industry_chart_on_the_english_dashboard(client: Any, db: Any) -> None:
    industry = IndustryFactory(name="Электроника", name_en="Electronics", slug="electronics")
    ProductionFactory(industry=industry, opened_on=date(2024, 3, 1))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/analytics/", {"year": 2024, "section": "industry"}).content.decode()
    assert "Electronics" in html and "Электроника" not in html


@pytest.mark.django_db
def test_the_demo_fills_in_every_english_name() -> None:
    from mosprom.demo import formats, registry, tours

    for loader in (registry.load, tours.load, formats.formats_ensure):
        loader()
    for model in (Industry, StatusKind, Format, Season, Audience):
        assert model.objects.exists(), model.__name__
        missing = list(model.objects.filter(name_en="").values_list("name", flat=True))
        assert missing == [], f"{model.__name__} without an English name: {missing}"


ALLOWED_RUSSIAN = ("Русский", ">М<")
ENGLISH_PAGES = [
    "/",
    "/tours/",
    "/tours/?q=abracadabra",
    "/organisations/",
    "/productions/",
    "/sites/",
    "/map/",
    "/analytics/",
    "/analytics/?section=industry",
    "/analytics/report/",
    "/partnerships/",
    "/accounts/login/",
]


@pytest.mark.parametrize("url", ENGLISH_PAGES)
def test_an_english_page_has_no_russian_words_of_its_own(client: Any, db: Any, url: str) -> None:
    """With nothing in the database but what the page itself says, an English page holds no Russian."""
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(url)
    assert response.status_code == 200
    html = re.sub(r"<script\b.*?</script>", "", response.content.decode(), flags=re.S)
    for allowed in ALLOWED_RUSSIAN:
        html = html.replace(allowed, "")
    assert [match.group(0) for match in re.finditer(r"\S*[\u0400-\u04ff]\S*", html)][:10] == []
