"""Operator back-office for tours. Registrations show no more personal data than needed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import selectors, services
from .models import Audience, Feedback, Format, Registration, Season, Session, Tour, WaitlistEntry


class OperatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Base of the tours back-office; operators hold the model permissions through their group."""


@admin.register(Season)
class SeasonAdmin(OperatorAdmin):
    list_display = ["name", "starts_on", "ends_on", "registration_opens_on"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Format)
class FormatAdmin(OperatorAdmin):
    list_display = ["name", "name_en", "is_online"]


@admin.register(Audience)
class AudienceAdmin(OperatorAdmin):
    list_display = ["name", "name_en"]


class SessionInline(admin.TabularInline):  # type: ignore[type-arg]
    """Read-only here: capacity changes go through the session page (refused below what is booked)."""

    model = Session
    extra = 0
    fields = ["starts_at", "capacity", "state"]
    readonly_fields = ["starts_at", "capacity", "state"]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


class SessionAdminForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["tour", "starts_at", "capacity"]

    def clean_capacity(self) -> int:
        capacity = int(self.cleaned_data["capacity"])
        if self.instance.pk:
            booked = selectors.seats_booked(self.instance)
            if capacity < booked:
                raise forms.ValidationError(
                    _("%(booked)s seats are already booked; the capacity cannot be lower than that.")
                    % {"booked": booked}
                )
        return capacity


@admin.register(Tour)
class TourAdmin(OperatorAdmin):
    list_display = ["title", "host", "format", "state", "is_demo"]
    list_filter = ["state", "format", "season", "is_demo"]
    search_fields = ["title", "host__short_name"]
    list_select_related = ["host", "format"]
    raw_id_fields = ["host", "site"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(OperatorAdmin):
    list_display = ["tour", "starts_at", "capacity", "state"]
    list_filter = ["state", "tour__format", "tour__host"]
    date_hierarchy = "starts_at"
    list_select_related = ["tour"]
    # Cancelling goes through the host cabinet (it notifies every registrant); a capacity change goes
    # through the service so that freed seats are offered to the waitlist.
    form = SessionAdminForm
    readonly_fields = ["state", "cancel_reason"]

    def save_model(self, request: HttpRequest, obj: Session, form: Any, change: bool) -> None:
        if change and "capacity" in form.changed_data:
            new_capacity = obj.capacity
            obj.capacity = Session.objects.get(pk=obj.pk).capacity
            super().save_model(request, obj, form, change)
            services.session_set_capacity(session_id=obj.pk, capacity=new_capacity)
            obj.refresh_from_db()
        else:
            super().save_model(request, obj, form, change)


@admin.register(Registration)
class RegistrationAdmin(OperatorAdmin):
    list_display = ["ticket_code", "session", "party_size", "state", "from_waitlist", "created_at"]
    list_filter = ["state", "from_waitlist", "language", "session__tour__format", "session__tour__host"]
    search_fields = ["ticket_code"]
    list_select_related = ["session__tour"]
    # Contact details stay out of the list; the detail shows them read-only for support requests.
    PERSONAL_FIELDS = (
        "session",
        "state",
        "party_size",
        "ticket_code",
        "name",
        "email",
        "phone",
        "group_name",
        "group_leader",
        "consent_at",
        "consent_version",
        "language",
        "from_waitlist",
        "hold_expires_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
        "purged_at",
    )
    fields = PERSONAL_FIELDS
    readonly_fields = PERSONAL_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(OperatorAdmin):
    list_display = ["session", "position", "party_size", "state", "offer_expires_at"]
    list_filter = ["state"]
    list_select_related = ["session__tour"]
    readonly_fields = ["name", "email", "phone", "consent_at", "consent_version"]


@admin.register(Feedback)
class FeedbackAdmin(OperatorAdmin):
    list_display = ["registration", "rating", "created_at"]
    list_filter = ["rating"]
    list_select_related = ["registration__session__tour"]
