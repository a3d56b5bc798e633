"""Identifier validators built on python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn


def validate_inn(value: str) -> None:
    try:
        stdnum_inn.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("«%(value)s» is not a valid INN: it must have 10 or 12 digits with a correct checksum."),
            code="invalid_inn",
            params={"value": value},
        ) from exc


def validate_ogrn(value: str) -> None:
    try:
        stdnum_ogrn.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("«%(value)s» is not a valid OGRN: it must have 13 or 15 digits with a correct checksum."),
            code="invalid_ogrn",
            params={"value": value},
        ) from exc
