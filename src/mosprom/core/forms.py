from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .formatting import format_number


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "inactive": _("This account is inactive."),
    }


# --- plain-word errors --------------------------------------------------------------------------------------------
# Django's own messages («Обязательное поле.», «Убедитесь, что это значение больше либо равно 1.») name no field,
# and the error summary at the top of a page lists messages without their labels. `PlainErrors` gives every field
# whose message is still Django's default one that names the field and says what to do. Messages a form sets
# itself (a rule's «Укажите, сколько человек придёт») stay.


def _required(label: str, field: forms.Field) -> str:
    if isinstance(field, forms.BooleanField):
        return _("Tick “%(label)s” to go on.") % {"label": label}
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return _("Choose “%(label)s”.") % {"label": label}
    if isinstance(field, forms.FileField):
        return _("Attach a file in “%(label)s”.") % {"label": label}
    return _("Fill in “%(label)s”.") % {"label": label}


def _invalid(label: str, field: forms.Field) -> str | None:
    if isinstance(field, forms.IntegerField):
        return _("Enter a whole number in “%(label)s”, like 3.") % {"label": label}
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return _("Enter a number in “%(label)s”, like 12.5.") % {"label": label}
    if isinstance(field, forms.DateTimeField):
        return _("Enter a date and time in “%(label)s”, like 21.10.2026 11:00.") % {"label": label}
    if isinstance(field, forms.DateField):
        return _("Enter a date in “%(label)s”, like 21.10.2026.") % {"label": label}
    if isinstance(field, forms.EmailField):
        return _("Enter an e-mail address in “%(label)s”, like name@example.com.") % {"label": label}
    return None


class Deferred:
    """A message that Django formats with a validator's params (limit_value, show_value) when the field fails."""

    def __init__(self, render: Callable[[dict[str, Any]], str]) -> None:
        self.render = render

    def __mod__(self, params: dict[str, Any]) -> str:
        return self.render(params)

    def __str__(self) -> str:
        return self.render({})


def plain_messages(field: forms.Field, label: str) -> dict[str, Any]:
    """The field's messages in plain words, each naming the field by its label."""
    named = {"label": label}
    messages: dict[str, Any] = {"required": _required(label, field)}
    invalid = _invalid(label, field)
    if invalid:
        messages["invalid"] = invalid
    messages["invalid_choice"] = _("Choose one of the options offered in “%(label)s”.") % named
    messages["invalid_list"] = messages["invalid_choice"]
    messages["max_length"] = Deferred(
        lambda p: (
            ngettext(
                "Shorten “%(label)s” to %(limit_value)s character or fewer: it has %(show_value)s.",
                "Shorten “%(label)s” to %(limit_value)s characters or fewer: it has %(show_value)s.",
                _count(p),
            )
            % _numbers(p, named)
        )
    )
    messages["min_length"] = Deferred(
        lambda p: (
            ngettext(
                "“%(label)s” needs at least %(limit_value)s character: it has %(show_value)s.",
                "“%(label)s” needs at least %(limit_value)s characters: it has %(show_value)s.",
                _count(p),
            )
            % _numbers(p, named)
        )
    )
    messages["min_value"] = Deferred(lambda p: _("Enter %(limit_value)s or more in “%(label)s”.") % _numbers(p, named))
    messages["max_value"] = Deferred(lambda p: _("Enter %(limit_value)s or less in “%(label)s”.") % _numbers(p, named))
    return messages


def _count(params: Any) -> int:
    value = params.get("limit_value")
    return value if isinstance(value, int) else 0


def _numbers(params: Any, named: dict[str, str]) -> dict[str, Any]:
    """The validator's numbers as people read them («10 000» in Russian), with the field's label."""
    numbers = {
        key: format_number(value) if isinstance(value, int | float | Decimal) else value
        for key, value in params.items()
    }
    return defaultdict(lambda: "…", {**numbers, **named})


def _defaults(field: forms.Field) -> dict[str, Any]:
    messages: dict[str, Any] = {}
    for klass in reversed(type(field).__mro__):
        messages.update(getattr(klass, "default_error_messages", {}))
    return messages


class PlainErrors:
    """Mix into a form: every field's default error messages become plain words naming the field.

    Messages the form sets itself stay. A validator's message (max_length, min_value…) is replaced through the
    field's `error_messages`, which Django prefers to the validator's own."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name, field in self.fields.items():
            label = str(field.label or name.replace("_", " ").capitalize())
            defaults = _defaults(field)
            plain = plain_messages(field, label)
            for key, message in plain.items():
                if key in field.error_messages and field.error_messages[key] is defaults.get(key):
                    field.error_messages[key] = message
            for validator in field.validators:
                code = getattr(validator, "code", None)
                if code in plain and code not in field.error_messages:
                    field.error_messages[code] = plain[code]
