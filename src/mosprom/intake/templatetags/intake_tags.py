"""`{% intake_provenance site=site %}` / `{% intake_provenance organisation=org %}`: where registry facts came from."""

from __future__ import annotations

from typing import Any

from django import template

from mosprom.intake.selectors import provenance_for

register = template.Library()


@register.inclusion_tag("intake/includes/provenance.html")
def intake_provenance(site: Any = None, organisation: Any = None) -> dict[str, Any]:
    return {"items": provenance_for(site=site, organisation=organisation)}
