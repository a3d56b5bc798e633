"""Forms of the intake pages: import a release (paste or upload), edit a proposed fact before accepting it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mosprom.core.forms import PlainErrors
from mosprom.registry.models import Organisation, Site

from .models import ProposedFact


class ReleaseImportForm(PlainErrors, forms.Form):
    text = forms.CharField(
        label=_("Text of the press release"),
        help_text=_("Paste the whole page as it is: page clutter is removed."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        strip=False,
    )
    file = forms.FileField(
        label=_("Or upload a file"),
        help_text=_("A .txt or .html file, at most 1 MB."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.html,.htm,text/plain,text/html"}),
    )
    source_url = forms.URLField(label=_("Address of the release on the web"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text, upload = (data.get("text") or "").strip(), data.get("file")
        if not text and not upload:
            self.add_error("text", _("Paste the text of the press release or choose a file."))
        elif text and upload:
            self.add_error("file", _("Either paste the text or choose a file, not both."))
        if upload is not None and not upload.name.lower().endswith((".txt", ".html", ".htm")):
            self.add_error("file", _("Choose a .txt or .html file."))
        return data


class FactEditForm(PlainErrors, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of fact"), choices=ProposedFact.Kind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=400, required=False)
    detail = forms.CharField(
        label=_("Details"), max_length=300, required=False, help_text=_("What is produced, signed or granted.")
    )
    organisation = forms.ModelChoiceField(
        label=_("Registry organisation"), queryset=Organisation.objects.order_by("short_name"), required=False
    )
    site = forms.ModelChoiceField(label=_("Registry site"), queryset=Site.objects.order_by("name"), required=False)
    remember_alias = forms.BooleanField(
        label=_("Remember the name the release used as another name of this organisation"), required=False
    )
    value = forms.DecimalField(label=_("Value"), required=False, max_digits=20, decimal_places=3)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=60,
        required=False,
        help_text=format_lazy(
            _("What is counted, in the release's own words: {examples}"), examples="компаний, человек, %…"
        ),
    )
    qualifier = forms.ChoiceField(label=_("Qualifier"), choices=ProposedFact.Qualifier.choices)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)

    @classmethod
    def for_fact(cls, fact: ProposedFact, data: Any = None) -> FactEditForm:
        initial = {
            "kind": fact.kind,
            "subject": fact.subject,
            "detail": fact.detail,
            "organisation": fact.organisation_id,
            "site": fact.site_id,
            "value": fact.value,
            "unit": fact.unit,
            "qualifier": fact.qualifier,
            "year": fact.year,
        }
        return cls(data, initial=initial)
