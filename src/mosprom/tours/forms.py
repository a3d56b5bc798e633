"""Forms of the tours part: they only collect input; the rules live in rules.py, the writes in services.py."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from mosprom.core.forms import PlainErrors
from mosprom.registry.models import District, Organisation

from . import rules, selectors
from .models import Audience, Format, Season, Session, Tour


def apply_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside each field and in the summary."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


class CatalogueFilterForm(PlainErrors, forms.Form):
    q = forms.CharField(label=_("Search tours"), required=False, max_length=200)
    format = forms.ChoiceField(label=_("Format"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)
    date_from = forms.DateField(label=_("Date from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Date to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    age = forms.IntegerField(label=_("Age of the youngest visitor"), required=False, min_value=0, max_value=120)
    free = forms.BooleanField(label=_("Only with free seats"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        choices = selectors.catalogue_filter_choices()
        cast(forms.ChoiceField, self.fields["format"]).choices = everything + [
            (f.slug, f.display_name) for f in choices["formats"]
        ]
        cast(forms.ChoiceField, self.fields["industry"]).choices = everything + [
            (i.slug, i.name_en if get_language() == "en" and i.name_en else i.name) for i in choices["industries"]
        ]
        cast(forms.ChoiceField, self.fields["district"]).choices = everything + [
            (value, label) for value, label in District.choices if value in choices["districts"]
        ]
        cast(forms.ChoiceField, self.fields["site"]).choices = everything + [(s.slug, s.name) for s in choices["sites"]]


def _required(message: Any) -> dict[str, Any]:
    return {"required": True, "error_messages": {"required": message}}


class RegistrationForm(PlainErrors, forms.Form):
    """Collects the visitor's data; the rules are `rules.validate_visitor` (the service runs them again)."""

    session = forms.TypedChoiceField(
        label=_("Date and time"), coerce=int, widget=forms.RadioSelect, **_required(_("Choose a date and time."))
    )
    name = forms.CharField(label=_("Your name"), max_length=200, **_required(_("Enter your name.")))
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We will send the confirmation link and the ticket here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        **_required(_("Enter an e-mail address in the correct format, like name@example.com.")),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        help_text=_("For urgent changes only, like +7 495 123-45-67."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        **_required(_("Enter your phone number.")),
    )
    party_size = forms.IntegerField(
        label=_("How many people, including you"),
        initial=1,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-short"}),
        **_required(_("Enter how many people will come (at least 1).")),
    )
    group_name = forms.CharField(
        label=_("School or organisation"),
        max_length=200,
        required=False,
        help_text=_("Only for organised groups."),
    )
    group_leader = forms.CharField(label=_("Group leader"), max_length=200, required=False)
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data to register for the tour"),
        # the hint under the box says what is kept and links to the consent text (/privacy/consent/)
        widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-hint"}),
        **_required(_("You must agree to the processing of personal data to register.")),
    )

    def __init__(self, *args: Any, sessions: list[Session], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .templatetags.tours_extras import session_date

        def seats(session: Session) -> str:
            left = getattr(session, "seats_left", None)
            if left is None:
                return ""
            if left <= 0:
                return " — " + str(_("No free seats")).lower()
            return (
                " — " + (ngettext("%(counter)s seat free", "%(counter)s seats free", left) % {"counter": left}).lower()
            )

        cast(forms.ChoiceField, self.fields["session"]).choices = [
            (s.pk, session_date(s.starts_at) + seats(s)) for s in sessions
        ]
        self.fields["party_size"].widget.attrs["max"] = settings.TOURS_MAX_PARTY_SIZE
        self.fields["party_size"].help_text = _("At most %(max)s.") % {"max": settings.TOURS_MAX_PARTY_SIZE}

    def clean(self) -> dict[str, Any]:
        """Run the rule's checks too, so every problem is listed at once (not one per submit)."""
        data = super().clean() or {}
        try:
            rules.validate_visitor(
                name=data.get("name") or "",
                email=data.get("email") or "",
                phone=data.get("phone") or "",
                party_size=data.get("party_size"),
                group_name=data.get("group_name") or "",
                group_leader=data.get("group_leader") or "",
                consent=bool(data.get("consent")),
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                if field in self.fields and field not in self.errors:
                    for error in errors:
                        self.add_error(field, error)
        return data


class TourForm(PlainErrors, forms.ModelForm):
    class Meta:
        model = Tour
        fields = [
            "host",
            "title",
            "format",
            "season",
            "site",
            "audiences",
            "description",
            "address",
            "meeting_point",
            "online_url",
            "duration_minutes",
            "min_age",
            "accessibility",
            "what_to_bring",
            "state",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
            "what_to_bring": forms.Textarea(attrs={"rows": 2}),
            "audiences": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, organisation_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hosts = Organisation.objects.all()
        if organisation_ids is not None:
            hosts = hosts.filter(pk__in=organisation_ids)
        self.fields["host"].queryset = hosts  # type: ignore[attr-defined]
        self.fields["format"].queryset = Format.objects.all()  # type: ignore[attr-defined]
        self.fields["season"].queryset = Season.objects.all()  # type: ignore[attr-defined]
        self.fields["audiences"].queryset = Audience.objects.all()  # type: ignore[attr-defined]
        if hosts.count() == 1 and not self.instance.pk:
            self.fields["host"].initial = hosts.first()


# A message that names what is missing (GOV.UK): the error summary lists messages without their labels.
_STARTS_AT_ERRORS = {
    "required": _("Enter the date and time the session starts."),
    "invalid": _("Enter the date and time like 21.10.2026 11:00."),
}
_CAPACITY_ERRORS = {"required": _("Enter how many visitors the session takes.")}


class SessionForm(PlainErrors, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        error_messages=_STARTS_AT_ERRORS,
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, max_value=10000, error_messages=_CAPACITY_ERRORS)


class RescheduleForm(PlainErrors, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New date and time"),
        help_text=_("Everyone registered or waiting gets the new time by e-mail, with a link to cancel."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        error_messages={"required": _("Enter the new date and time."), "invalid": _STARTS_AT_ERRORS["invalid"]},
    )


class CapacityForm(PlainErrors, forms.Form):
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, max_value=10000, error_messages=_CAPACITY_ERRORS)


class CancelSessionForm(PlainErrors, forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the visitors)"), max_length=300, required=False, widget=forms.TextInput()
    )


class CheckinForm(PlainErrors, forms.Form):
    code = forms.CharField(
        label=_("Ticket code"),
        max_length=30,
        help_text=_("10 letters and digits, as printed under the QR code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Enter the ticket code.")},
    )


class FeedbackForm(PlainErrors, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How would you rate the tour?"),
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 is the best."),
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
