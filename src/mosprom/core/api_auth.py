"""Bearer-token authentication for API writes: only operators' tokens are accepted."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from .audit import set_request_actor
from .models import ApiToken
from .roles import is_operator


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = "mp_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=_digest(raw), prefix=raw[:8])
    return token, raw


class OperatorTokenAuth(HttpBearer):
    openapi_description = "Operator API token: `Authorization: Bearer mp_…` (created in the back-office)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.objects.select_related("user").filter(digest=_digest(token), revoked=False).first()
        if found is None or not found.user.is_active or not is_operator(found.user):
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        set_request_actor(found.user)
        return found.user
