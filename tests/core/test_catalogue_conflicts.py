"""The project catalogue (src/mosprom/locale) takes precedence over every app's: a message it translates
differently from an app would silently change that app's pages (a digest said «1 просрочено» instead of
«1 веха просрочена»). Same message, same context: same Russian."""

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "mosprom"
PROJECT = SRC / "locale" / "ru" / "LC_MESSAGES" / "django.po"
APPS = sorted(p for p in SRC.glob("*/locale/ru/LC_MESSAGES/django.po"))


def _entries(po: Path) -> dict[tuple[str | None, str], str]:
    entries = {}
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        if "msgid" not in block:
            continue
        context = re.search(r'^msgctxt "(.*)"', block, re.M)
        head, _, tail = block.partition("msgstr")
        msgid = "".join(re.findall(r'"(.*)"', head.split("msgid", 1)[1].split("msgid_plural")[0]))
        if msgid:
            entries[(context.group(1) if context else None, msgid)] = "".join(re.findall(r'"(.*)"', tail))
    return entries


@pytest.mark.parametrize("po", APPS, ids=lambda p: p.parts[-5])
def test_the_project_catalogue_does_not_override_an_app_with_other_words(po: Path) -> None:
    project, app = _entries(PROJECT), _entries(po)
    assert {key: (project[key], app[key]) for key in project.keys() & app.keys() if project[key] != app[key]} == {}
