"""Forms only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mosprom.core.forms import PlainErrors
from mosprom.registry.models import Organisation, Site, StatusKind
from mosprom.tours.models import Format

from .rules import Question


class InvitationAcceptForm(PlainErrors, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits, not a common word."),
    )
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class InviteForm(PlainErrors, forms.Form):
    email = forms.EmailField(label=_("E-mail of the person to invite"))
    as_manager = forms.BooleanField(label=_("They will manage the other representatives"), required=False)


class AccessRequestForm(PlainErrors, forms.Form):
    inn = forms.CharField(
        label=_("INN of the organisation"),
        max_length=12,
        help_text=_("10 digits for a company, 12 for an entrepreneur."),
    )
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=300)
    contact_name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your work e-mail"))
    message = forms.CharField(
        label=_("Message to the department"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DecisionForm(PlainErrors, forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ApplicationStartForm(PlainErrors, forms.Form):
    kind = forms.ModelChoiceField(
        label=_("Kind of status"), queryset=StatusKind.objects.order_by("name"), empty_label=None
    )
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.order_by("name"),
        required=False,
        help_text=_("Where the status would apply, if it is a site."),
    )


class AnswerField(forms.CharField):
    """An answer of the questionnaire: every one is needed to submit (the service names those missing), so the
    label does not say «optional»; a draft saves with blanks, so the form itself lets a blank through."""

    def validate(self, value: Any) -> None:
        if value not in self.empty_values:
            super().validate(value)


def questionnaire_form(
    questions: list[Question], *, data: Any = None, initial: dict[str, Any] | None = None
) -> forms.Form:
    """A form with one field per question of the kind's questionnaire (names `q_<code>`)."""
    form = forms.Form(data=data, initial={f"q_{k}": v for k, v in (initial or {}).items()})
    for q in questions:
        field: forms.Field
        if q.kind == "text":
            field = AnswerField(widget=forms.Textarea(attrs={"rows": 3}))
        else:
            field = AnswerField(
                widget=forms.TextInput(attrs={"inputmode": "decimal" if q.kind == "decimal" else "numeric"})
            )
        field.label, field.help_text = q.label, q.hint
        form.fields[f"q_{q.code}"] = field
    return form


class DocumentForm(PlainErrors, forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, PNG or JPEG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class MessageForm(PlainErrors, forms.Form):
    message = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}))


class OperatorMessageForm(PlainErrors, forms.Form):
    message = forms.CharField(
        label=_("Message to the company"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class VerdictForm(PlainErrors, forms.Form):
    expert_name = forms.CharField(label=_("Expert"), max_length=200)
    verdict = forms.ChoiceField(label=_("Verdict"), choices=[("support", _("supports")), ("oppose", _("opposes"))])
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ProfileForm(PlainErrors, forms.Form):
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    website = forms.CharField(label=_("Web address"), required=False, help_text=_("For example https://example.ru"))
    contacts = forms.CharField(label=_("Contacts for the public page"), required=False, max_length=300)
    site = forms.ModelChoiceField(
        label=_("Site where you work"),
        queryset=Site.objects.order_by("name"),
        required=False,
        help_text=_("A technopark, industrial park or SEZ site; the department records you as its resident."),
    )


class ProductionReportForm(PlainErrors, forms.Form):
    product = forms.CharField(label=_("Product"), max_length=300)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.order_by("name"), required=False)
    opened_on = forms.DateField(
        label=_("Opened on"),
        required=False,
        help_text=_("For example 21.10.2025"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
    )
    import_substitution = forms.BooleanField(label=_("Import substitution"), required=False)
    no_domestic_analogue = forms.BooleanField(label=_("No domestic analogue"), required=False)
    jobs = forms.IntegerField(label=_("Jobs"), required=False, min_value=0)


class AnnualReportForm(PlainErrors, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    jobs = forms.IntegerField(label=_("Jobs"), min_value=0)
    productions_launched = forms.IntegerField(label=_("New productions launched"), min_value=0)
    investment = forms.DecimalField(
        label=_("Investment, million roubles"), min_value=0, max_digits=14, decimal_places=2
    )
    output = forms.DecimalField(
        label=_("Output, million roubles"), min_value=0, max_digits=14, decimal_places=2, required=False
    )


class AnnualReportCorrectionForm(AnnualReportForm):
    """A returned report corrected: the same figures; the year is the report's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["year"]


class HostApplicationForm(PlainErrors, forms.Form):
    tours_offered = forms.CharField(
        label=_("Which tours could you offer?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What visitors would see, how often, for whom."),
    )
    formats = forms.ModelMultipleChoiceField(
        label=_("Formats"),
        queryset=Format.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(label=_("Visitors per session"), min_value=1, max_value=1000)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)


class TokenForm(PlainErrors, forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=120, help_text=_("For example «ERP integration»."))


class OperatorInviteForm(PlainErrors, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.order_by("short_name"))
    email = forms.EmailField(label=_("E-mail of the representative"))
    as_manager = forms.BooleanField(label=_("They will manage the other representatives"), required=False, initial=True)
