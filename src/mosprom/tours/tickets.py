"""Tickets and links of the tours part: signed links, absolute URLs, the QR code and the .ics file.

No database writes here. Signed links come in two kinds:
* read-only purposes (`registered`, `waitlisted`, `confirm`, `ticket`, `feedback`) carry the token only;
* state-changing purposes (`cancel`, `offer`) carry an expiry (the end of the session) as well, and `data`
  (see, export, erase) works `TOURS_DATA_LINK_DAYS` days after it was made. They are single-use by the
  state they change (a cancelled registration, an answered offer, erased data refuse a second use).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mosprom.core.errors import Refused

from . import rules
from .models import Registration, WaitlistEntry

EXPIRING_PURPOSES = ("cancel", "offer")


def _salt(purpose: str) -> str:
    return f"mosprom.tours.{purpose}"


def bad_link() -> Refused:
    return Refused("bad_link", _("This link is not valid. Please use the link from the e-mail exactly."), status=404)


def sign(purpose: str, token: str, *, expires_at: datetime | None = None) -> str:
    """Sign `token` for one purpose; with `expires_at`, the link stops working at that moment."""
    if expires_at is None:
        return signing.dumps(token, salt=_salt(purpose))
    return signing.dumps({"t": token, "x": int(expires_at.timestamp())}, salt=_salt(purpose))


def unsign(purpose: str, value: str, *, now: datetime | None = None) -> str:
    """The token of a link signed for `purpose`; refuses forged, foreign-purpose and expired links."""
    max_age = settings.TOURS_DATA_LINK_DAYS * 86400 if purpose == "data" else None
    try:
        payload: Any = signing.loads(value, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired as exc:
        raise link_expired() from exc
    except signing.BadSignature as exc:
        raise bad_link() from exc
    if isinstance(payload, dict):
        if (now or timezone.now()).timestamp() >= int(payload.get("x", 0)):
            raise link_expired()
        return str(payload.get("t", ""))
    if purpose in EXPIRING_PURPOSES:
        raise bad_link()  # a state-changing link must carry its expiry
    return str(payload)


def link_expired() -> Refused:
    return Refused("link_expired", _("This link has expired."), status=410)


def sign_for(purpose: str, obj: Registration | WaitlistEntry) -> str:
    """Sign the token of a registration or waitlist entry (state-changing purposes expire after the session)."""
    expires = rules.link_expires_at(obj) if purpose in EXPIRING_PURPOSES else None
    return sign(purpose, obj.token, expires_at=expires)


def absolute(url_name: str, **kwargs: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(url_name, kwargs=kwargs)


def registration_links(registration: Registration) -> dict[str, str]:
    """Every link of one registration (needs `registration.session.tour`)."""
    return {
        "confirm": absolute("tours:confirm", signed=sign_for("confirm", registration)),
        "ticket": absolute("tours:ticket", signed=sign_for("ticket", registration)),
        "cancel": absolute("tours:cancel", signed=sign_for("cancel", registration)),
        "feedback": absolute("tours:feedback", signed=sign_for("feedback", registration)),
        "data": absolute("tours:my_data", signed=sign_for("data", registration)),
        "checkin": checkin_url(registration),
    }


def offer_links(entry: WaitlistEntry) -> dict[str, str]:
    return {"offer": absolute("tours:offer", signed=sign_for("offer", entry))}


def checkin_url(registration: Registration) -> str:
    return absolute("tours:checkin_code", code=registration.ticket_code)


def ticket_png(registration: Registration) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(checkin_url(registration), error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def ticket_svg(registration: Registration) -> str:
    import segno

    return str(segno.make(checkin_url(registration), error="m").svg_inline(scale=5, border=2))


def ticket_ics(registration: Registration) -> bytes:
    from icalendar import Calendar, Event

    session = registration.session
    tour = session.tour
    cal = Calendar()
    cal.add("prodid", "-//Mosprom//Open Mosprom//RU")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"registration-{registration.pk}@mosprom")
    event.add("sequence", session.sequence)  # a moved session updates the event calendars already hold
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", tour.title)
    if tour.format.is_online:
        event.add("location", tour.online_url)
    else:
        event.add("location", ", ".join(x for x in [tour.address, tour.meeting_point] if x))
    ticket_link = absolute("tours:ticket", signed=sign_for("ticket", registration))
    event.add("description", f"{registration.ticket_code_display}\n{ticket_link}")
    cal.add_component(event)
    return bytes(cal.to_ical())
