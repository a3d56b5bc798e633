"""Personal data (ФЗ-152): find and mask e-mails and phones — in log records and in the back-office.

* `mask_text(text)` replaces every e-mail and phone number in free text (log messages, tracebacks);
* `mask_email` / `mask_phone` keep just enough for an operator to recognise a visitor on the phone
  (`a•••@example.com`, `+7 ••• •••-••-67`);
* `can_see_personal_data(user)`: superusers and holders of `core.view_personal_data` (never granted to the
  operators group as a whole) see contact details in clear;
* `PersonalDataAdminMixin` masks `personal_data_fields` in a ModelAdmin for everyone else.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

PERMISSION = "core.view_personal_data"

EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]{1,64})@((?:[\w-]{1,63}\.)+[\w-]{2,63})", re.UNICODE)
# International (+…) numbers, and Russian ones written with 8 or 7 first: 8 (999) 123-45-67, 89991234567.
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d[\d\s\-().]{7,}\d|[78][\s\-]?\(?\d{3}\)?[\s\-]?\d{3}[\s\-]?\d{2}[\s\-]?\d{2})(?!\w)"
)
DOT = "•••"


def mask_text(text: str) -> str:
    """Every e-mail and phone number in `text` replaced by a marker."""
    if "@" in text:
        text = EMAIL.sub("[email]", text)
    return PHONE.sub("[phone]", text)


def mask_email(value: str | None) -> str:
    if not value:
        return ""
    local, _at, domain = str(value).partition("@")
    return f"{local[:1]}{DOT}@{domain}" if domain else DOT


def mask_phone(value: Any) -> str:
    digits = re.sub(r"\D", "", str(value or ""))
    if not digits:
        return ""
    return f"+{digits[:1]} {DOT} {DOT}-••-{digits[-2:]}" if len(digits) > 4 else DOT


def can_see_personal_data(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or (user is not None and user.has_perm(PERMISSION)))


class PersonalDataAdminMixin:
    """Put first in a ModelAdmin's bases: the fields named in `personal_data_fields` are shown masked
    (read-only) to back-office users without `core.view_personal_data`."""

    personal_data_fields: tuple[str, ...] = ("email", "phone")

    def _masked(self, request: HttpRequest, names: Any) -> list[Any]:
        if can_see_personal_data(request.user):
            return list(names)
        masked = [f"{name}_masked" if name in self.personal_data_fields else name for name in names]
        return list(dict.fromkeys(masked))  # in order, once each

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self._masked(request, super().get_fields(request, obj))  # type: ignore[misc]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = self._masked(request, super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if not can_see_personal_data(request.user):
            # The clear fields stay out of any form too (they are never rendered: get_fields shows the masks).
            fields += [name for name in self.personal_data_fields if name not in fields]
        return fields

    def get_list_display(self, request: HttpRequest) -> Any:
        return self._masked(request, super().get_list_display(request))  # type: ignore[misc]

    def get_search_fields(self, request: HttpRequest) -> Any:
        fields = super().get_search_fields(request)  # type: ignore[misc]
        if can_see_personal_data(request.user):
            return fields
        return [f for f in fields if f.lstrip("=^@") not in self.personal_data_fields]

    @admin.display(description=_("e-mail"))
    def email_masked(self, obj: Any) -> str:
        return mask_email(getattr(obj, "email", ""))

    @admin.display(description=_("recipient"))
    def to_masked(self, obj: Any) -> str:
        return mask_email(getattr(obj, "to", ""))

    @admin.display(description=_("phone"))
    def phone_masked(self, obj: Any) -> str:
        return mask_phone(getattr(obj, "phone", ""))
