"""Build the POST data of a back-office change page from the page itself, as a browser would send it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Model
from django.db.models.fields.files import FieldFile


def _post_value(value: Any) -> Any:
    if value is None or isinstance(value, FieldFile):
        return ""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_post_value(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (dict,)):
        import json

        return json.dumps(value)
    return value


def _put(data: dict[str, Any], name: str, value: Any) -> None:
    if value is False:
        return  # an unticked checkbox sends nothing
    data[name] = "on" if value is True else _post_value(value)


def admin_form_data(response: Any) -> dict[str, Any]:
    """The main form and every inline formset of an admin add/change page, with their current values."""
    data: dict[str, Any] = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _put(data, name, form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for sub in formset.forms:
            for name in sub.fields:
                _put(data, sub.add_prefix(name), sub[name].value())
    return data
