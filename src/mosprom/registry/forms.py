"""Forms of the public registry pages: the filters. Bad values come back as translated field errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mosprom.core.forms import PlainErrors

from .models import ExpertVerdict, Organisation
from .selectors import filter_choices


class _Filters(PlainErrors, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = filter_choices()
        if "site" in self.fields:
            self.fields["site"].choices = [("", _("All sites")), *choices["sites"]]  # type: ignore[attr-defined]
        if "industry" in self.fields:
            self.fields["industry"].choices = [("", _("All industries")), *choices["industries"]]  # type: ignore[attr-defined]


class OrganisationFilterForm(_Filters):
    q = forms.CharField(label=_("Name or INN"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organisation.Kind.choices]
    )
    site = forms.ChoiceField(label=_("Site"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)


class ProductionFilterForm(_Filters):
    q = forms.CharField(label=_("Product or company"), required=False, max_length=200)
    year = forms.IntegerField(label=_("Year opened"), required=False, min_value=1900, max_value=2100)
    site = forms.ChoiceField(label=_("Site"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    import_substitution = forms.BooleanField(label=_("Import substitution only"), required=False)
    no_domestic_analogue = forms.BooleanField(label=_("No domestic analogue only"), required=False)


class SiteFilterForm(PlainErrors, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import Site

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *Site.Kind.choices]  # type: ignore[attr-defined]


class RejectForm(PlainErrors, forms.Form):
    """The intermediate page of the admin action «reject»."""

    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant sees this reason."),
        max_length=2000,
    )


class VerdictForm(PlainErrors, forms.Form):
    """The intermediate page of the admin action «add an expert verdict»."""

    expert_name = forms.CharField(label=_("Expert"), max_length=200, help_text=_("Name and position of the expert."))
    verdict = forms.ChoiceField(label=_("Verdict"), choices=ExpertVerdict.Verdict.choices)
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
