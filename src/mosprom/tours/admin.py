"""Operator back-office for tours. Registrations show no more personal data than needed."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Audience, Feedback, Format, Registration, Season, Session, Tour, WaitlistEntry


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "registration_opens_on"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Format)
class FormatAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "is_online"]


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["starts_at", "capacity", "state"]
    readonly_fields = ["state"]


@admin.register(Tour)
class TourAdmin(admin.ModelAdmin):
    list_display = ["title", "host", "format", "state", "is_demo"]
    list_filter = ["state", "format", "season", "is_demo"]
    search_fields = ["title", "host__short_name"]
    list_select_related = ["host", "format"]
    raw_id_fields = ["host", "site"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["tour", "starts_at", "capacity", "state"]
    list_filter = ["state", "tour__format", "tour__host"]
    date_hierarchy = "starts_at"
    list_select_related = ["tour"]
    # Capacity and cancelling go through the host cabinet / services so the waitlist and e-mails follow.
    readonly_fields = ["state", "cancel_reason"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
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
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["session", "position", "party_size", "state", "offer_expires_at"]
    list_filter = ["state"]
    list_select_related = ["session__tour"]
    readonly_fields = ["name", "email", "phone", "consent_at", "consent_version"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["registration", "rating", "created_at"]
    list_filter = ["rating"]
    list_select_related = ["registration__session__tour"]
