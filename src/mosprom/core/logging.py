"""Logs never contain e-mails or phones: a filter on every handler (settings.LOGGING) masks them in the
message, its arguments, the traceback and the stack; error reports mask them in the request's data."""

from __future__ import annotations

import logging
from typing import Any

from django.http import QueryDict
from django.views.debug import SafeExceptionReporterFilter

from .pii import mask_text


class PersonalDataFilter(logging.Filter):
    """Rewrites each record in place with e-mails and phones masked; never drops a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_pii_masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is
            message = str(record.msg)
        record.msg = mask_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        record._pii_masked = True
        return True


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (500 e-mails, the debug page): POST values and local variables with e-mails or phones
    are masked too, besides Django's own hiding of passwords and keys."""

    def get_post_parameters(self, request: Any) -> Any:
        params: Any = super().get_post_parameters(request)
        if isinstance(params, QueryDict):
            cleansed = params.copy()
            for key in list(cleansed.keys()):
                cleansed.setlist(key, [mask_text(str(v)) for v in cleansed.getlist(key)])
            return cleansed
        if isinstance(params, dict):
            return {key: mask_text(str(value)) for key, value in params.items()}
        return params

    def cleanse_special_types(self, request: Any, value: Any) -> Any:
        value = super().cleanse_special_types(request, value)
        return mask_text(value) if isinstance(value, str) else value


class ClientErrorWithoutTraceback(logging.Filter):
    """A refused request (403, 404, 429…) is the client's business: one line in the log, not a traceback.

    Django logs «Forbidden (Permission denied): /path» with the PermissionDenied traceback attached; a newcomer
    reading `make run`'s output takes that for a crash. Server errors (5xx) keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
