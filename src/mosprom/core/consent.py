"""The text of the consent to the processing of personal data (ФЗ-152), one entry per version.

A registration stores the version the visitor agreed to (`consent_version`, settings.TOURS_CONSENT_VERSION at the
time); /privacy/consent/ shows the current text with «Версия N от <date>», and /privacy/consent/?version=N any
earlier one, so what a visitor agreed to can always be read again. A new wording is a new entry here and a new
setting value: the old entries stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


@dataclass(frozen=True)
class ConsentText:
    version: str
    dated: date
    paragraphs: tuple[Promise, ...]  # formatted with {"days": settings.TOURS_PURGE_DAYS_AFTER} (no other "%")


VERSIONS: dict[str, ConsentText] = {
    "2026-01": ConsentText(
        version="2026-01",
        dated=date(2026, 1, 12),
        paragraphs=(
            _(
                "By registering for a tour of the Open#Mosprom programme I agree that the Department of Investment "
                "and Industrial Policy of Moscow, which runs this platform, and the host company of the tour process "
                "my personal data: my name, e-mail address, phone number, the number of people in my party and, for "
                "an organised group, its name and leader."
            ),
            _(
                "The data are used only to register me, to send me the confirmation, the ticket and changes of the "
                "session, to let me in at the gate and to ask for my feedback. The host company sees the data of its "
                "own visitors only."
            ),
            # The number of days is a setting: «через 180 дней», «через 21 день», «через 3 дня».
            ngettext_lazy(
                "The data are kept until the end of the season and erased %(days)s day after the session at the "
                "latest. I can see, download and erase my data at any time by the link in the confirmation e-mail, "
                "and withdraw this consent the same way.",
                "The data are kept until the end of the season and erased %(days)s days after the session at the "
                "latest. I can see, download and erase my data at any time by the link in the confirmation e-mail, "
                "and withdraw this consent the same way.",
                "days",
            ),
        ),
    ),
}


def current_version() -> str:
    return str(settings.TOURS_CONSENT_VERSION)


def consent_text(version: str | None = None) -> ConsentText | None:
    """The text of `version` (the current one by default); None for a version that never existed."""
    return VERSIONS.get(version or current_version())
