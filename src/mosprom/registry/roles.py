"""Host staff: a user's memberships in organisations decide which host cabinets they may open."""

from __future__ import annotations

from typing import Any

from mosprom.core.permissions import require

from .models import Membership


def host_organisation_ids(user: Any) -> set[int]:
    """The organisations whose host cabinet this user may see (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_mosprom_host_orgs", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
        user._mosprom_host_orgs = cached
    return set(cached)


def is_host(user: Any) -> bool:
    return bool(host_organisation_ids(user))


host_required = require(is_host)
