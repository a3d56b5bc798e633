"""The Russian catalogues are complete and compiled: an untranslated string would show English on the Russian site."""

import gettext
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "mosprom"
RU_CATALOGUES = sorted(SRC.glob("**/locale/ru/LC_MESSAGES/django.po"))
ENTRY = re.compile(
    r'^msgid "(?P<id>.*)"\n(?P<idcont>(?:".*"\n)*)(?:msgid_plural .*\n(?:".*"\n)*)?(?P<strs>(?:msgstr.*\n(?:".*"\n)*)+)',
    re.M,
)


def _untranslated(po: Path) -> list[str]:
    text = po.read_text(encoding="utf-8") + "\n"
    missing = []
    for match in ENTRY.finditer(text):
        msgid = match.group("id") + "".join(re.findall(r'"(.*)"', match.group("idcont")))
        if not msgid:
            continue
        block = text[match.start() - 200 if match.start() > 200 else 0 : match.start()]
        if "#, fuzzy" in block.split("\n\n")[-1]:
            missing.append(f"fuzzy: {msgid}")
            continue
        values = re.findall(r'"(.*)"', match.group("strs"))
        if not "".join(values) or any(
            re.fullmatch(r'msgstr(\[\d\])? ""', line) and not cont for line, cont in _forms(match.group("strs"))
        ):
            missing.append(msgid)
    return missing


def _forms(strs: str) -> list[tuple[str, bool]]:
    lines = strs.strip("\n").split("\n")
    result = []
    for index, line in enumerate(lines):
        if line.startswith("msgstr"):
            has_cont = index + 1 < len(lines) and lines[index + 1].startswith('"')
            result.append((line, has_cont))
    return result


def test_there_are_russian_catalogues() -> None:
    assert RU_CATALOGUES, "no Russian catalogue found"


@pytest.mark.parametrize("po", RU_CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_string_is_translated_to_russian(po: Path) -> None:
    assert _untranslated(po) == []


@pytest.mark.parametrize("po", RU_CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_catalogue_is_compiled(po: Path) -> None:
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    text = po.read_text(encoding="utf-8")
    for context, msgid in re.findall(r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"$', text, re.M)[:80]:
        if "\\" in msgid:
            continue
        translated = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
        assert translated != msgid or msgid in {"demo"}, f"{msgid!r} is not in the compiled {mo.name}"
