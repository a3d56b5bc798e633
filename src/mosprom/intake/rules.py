"""Pure decisions of the intake: is this upload text we can read, what is its hash, can this fact be accepted."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from mosprom.core.errors import Refused

FIGURE_KINDS = {
    "companies_on_site",
    "companies",
    "workers",
    "new_productions",
    "productions",
    "visitors",
    "projects",
    "share",
    "growth",
    "investment",
    "figure",
}


def max_bytes() -> int:
    return int(settings.INTAKE_MAX_BYTES)


def _limit_label() -> str:
    limit = max_bytes()
    if limit % (1024 * 1024) == 0:
        return _("%(n)s MB") % {"n": limit // (1024 * 1024)}
    return _("%(n)s KB") % {"n": max(1, limit // 1024)}


def check_size(size: int) -> None:
    if size > max_bytes():
        raise Refused(
            "too_large",
            _("The file is too large: a press release may be at most %(limit)s.") % {"limit": _limit_label()},
            status=413,
        )


def decode_upload(data: bytes | str) -> str:
    """The text of an upload: UTF-8, or whatever charset-normalizer recognises (cp1251, KOI8-R…).
    Binary files and undecodable bytes are refused with a clear message."""
    if isinstance(data, str):
        check_size(len(data.encode("utf-8")))
        text = data
    else:
        check_size(len(data))
        if b"\x00" in data[:8192]:
            raise Refused("binary", _("This is not a text file. Upload a .txt or .html file, or paste the text."))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            if best is None:
                raise Refused(
                    "unreadable",
                    _("The file's encoding could not be recognised. Save it as UTF-8 and upload it again."),
                ) from None
            text = str(best)
    control = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if text and control / min(len(text), 20000) > 0.02:
        raise Refused("binary", _("This is not a text file. Upload a .txt or .html file, or paste the text."))
    if not text.strip():
        raise Refused("empty", _("The press release is empty. Paste its text or choose a file."), status=422)
    return text


def content_hash(text: str) -> str:
    normalised = "\n".join(line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n"))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def can_decide(fact: Any) -> bool:
    return fact.state == "proposed"


def acceptance_problem(fact: Any) -> tuple[str, str] | None:
    """Why a proposed fact cannot be accepted as it stands (code, message), or None."""
    if fact.kind in FIGURE_KINDS and fact.organisation_id is None and fact.site_id is None:
        return "no_subject", _("Choose the registry organisation or site this figure is about, then accept it.")
    if fact.kind == "agreement_signed" and fact.organisation_id is None:
        return "no_subject", _("Choose a registry organisation that signed the agreement, then accept it.")
    if fact.kind == "production_opened" and fact.organisation_id is None:
        return "no_subject", _("Choose the registry organisation that opened the production, then accept it.")
    if fact.kind == "status_granted" and fact.organisation_id is None and fact.site_id is None:
        return "no_subject", _("Choose the organisation or site that holds the status, then accept it.")
    if fact.kind in ("residency",) and (fact.organisation_id is None or fact.site_id is None):
        return "no_subject", _("Choose both the organisation and the site, then accept it.")
    if fact.kind in ("new_organisation", "new_site") and not (fact.subject or "").strip():
        return "no_name", _("Give the name, then accept it.")
    return None
