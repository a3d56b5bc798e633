"""Forms of the partnerships pages: list filters and the road-map import upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from mosprom.core.forms import PlainErrors

from .models import Agreement, Project
from .xlsx import MAX_IMPORT_BYTES


def _with_any(choices: Any, label: Any = None) -> list[tuple[str, Any]]:
    return [("", label or _("any")), *choices]


class AgreementFilterForm(PlainErrors, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_with_any(Agreement.Kind.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_any(Agreement.Status.choices))


class RoadmapFilterForm(PlainErrors, forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False, choices=_with_any(Project.Category.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_any(Project.Status.choices))
    active = forms.BooleanField(label=_("Only open projects"), required=False)


class RoadmapImportForm(PlainErrors, forms.Form):
    file = forms.FileField(
        label=_("Road-map file (XLSX)"),
        help_text=_("Fill in the template downloaded from this page. At most 5 MB."),
        widget=forms.FileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={
            "required": _("Choose an XLSX file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("Choose an XLSX file to upload."),
        },
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is too big: at most %(mb)s MB."), params={"mb": MAX_IMPORT_BYTES // 2**20}, code="too_big"
            )
        name = (upload.name or "").lower()
        if not name.endswith(".xlsx"):
            raise forms.ValidationError(
                _("This is not an XLSX file. Download the template and fill it in."), code="not_xlsx"
            )
        return upload


class RoadmapConfirmForm(PlainErrors, forms.Form):
    """The second step of the import: the operator has seen the preview and confirms it."""

    token = forms.CharField(widget=forms.HiddenInput)
    delete_missing = forms.BooleanField(
        label=_("Also delete the projects that are not in the file"),
        required=False,
        help_text=_("Leave it unticked to keep them as they are."),
    )
