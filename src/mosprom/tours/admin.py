"""Operator back-office for tours. Registrations show no more personal data than needed.

Nothing here writes around the services: registrations, waitlist entries and feedback are read-only, changed
only through actions that call services (cancel, check in, take off the waitlist); a session's capacity and date
change through `services.session_update` (under the seat lock, never below what is booked), a new session
through `services.session_create` (the date window).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mosprom.core.errors import Refused
from mosprom.core.pii import PersonalDataAdminMixin

from . import services
from .models import Audience, Feedback, Format, Registration, Season, Session, Tour, WaitlistEntry


class OperatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Base of the tours back-office; operators hold the model permissions through their group."""


class ReadOnlyAdmin(OperatorAdmin):
    """Rows that only services change: viewable, never added, edited or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _run_each(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any], call: Any) -> None:  # type: ignore[type-arg]
    """Call a service for each selected row; report how many succeeded and each refusal."""
    done = 0
    for obj in queryset:
        try:
            call(obj)
        except Refused as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.WARNING)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, _("Done: %(count)s.") % {"count": done}, messages.SUCCESS)


class ReferenceAdmin(OperatorAdmin):
    """Seasons, formats and audiences: written and deleted through `services.reference_save` / `_delete`."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.reference_save(actor=request.user, obj=obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.reference_delete(actor=request.user, obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            services.reference_delete(actor=request.user, obj=obj)


@admin.register(Season)
class SeasonAdmin(ReferenceAdmin):
    list_display = ["name", "starts_on", "ends_on", "registration_opens_on"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Format)
class FormatAdmin(ReferenceAdmin):
    list_display = ["name", "name_en", "is_online"]


@admin.register(Audience)
class AudienceAdmin(ReferenceAdmin):
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

    def has_delete_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


class SessionAdminForm(forms.ModelForm):
    """Validation *is* the service call: the admin's own save does nothing more (see SessionAdmin.save_model).

    The admin runs the whole change view in one transaction, so a later failure rolls the service's write back.
    """

    operator: Any = None
    force_reschedule = forms.BooleanField(
        label=gettext_lazy("Move even though registration has closed"),
        help_text=gettext_lazy(
            "Visitors have planned their day: move a session this late only when it cannot be helped."
        ),
        required=False,
    )

    class Meta:
        model = Session
        fields = ["tour", "starts_at", "capacity"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            if self.instance.pk:
                self.saved = services.session_update(
                    actor=self.operator,
                    session_id=self.instance.pk,
                    capacity=data.get("capacity"),
                    starts_at=data.get("starts_at"),
                    force=bool(data.get("force_reschedule")),
                )
            else:
                self.saved = services.session_create(
                    actor=self.operator, tour=data["tour"], starts_at=data["starts_at"], capacity=data["capacity"]
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    for error in errors:
                        self.add_error(field if field in self.fields else None, error)
            else:
                self.add_error(None, exc)
        return data


@admin.register(Tour)
class TourAdmin(OperatorAdmin):
    list_display = ["title", "host", "format", "state", "is_demo"]
    list_filter = ["state", "format", "season", "is_demo"]
    search_fields = ["title", "host__short_name"]
    list_select_related = ["host", "format"]
    raw_id_fields = ["host", "site"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SessionInline]
    actions = ["publish_moderated", "return_moderated"]

    def save_model(self, request: HttpRequest, obj: Tour, form: Any, change: bool) -> None:
        services.tour_save(actor=request.user, tour=obj, audiences=form.cleaned_data.get("audiences"))

    @admin.action(description=gettext_lazy("Publish the selected tours awaiting moderation"))
    def publish_moderated(self, request: HttpRequest, queryset: QuerySet[Tour]) -> None:
        _run_each(
            self, request, queryset, lambda t: services.tour_moderate(actor=request.user, tour_id=t.pk, approve=True)
        )

    @admin.action(description=gettext_lazy("Return the selected tours awaiting moderation to their hosts as drafts"))
    def return_moderated(self, request: HttpRequest, queryset: QuerySet[Tour]) -> None:
        _run_each(
            self, request, queryset, lambda t: services.tour_moderate(actor=request.user, tour_id=t.pk, approve=False)
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The audiences were set by the service; the sessions inline is read-only (nothing to save)."""
        for formset in formsets:
            formset.save(commit=False)  # only lists what changed (nothing) for the admin's change message


@admin.register(Session)
class SessionAdmin(OperatorAdmin):
    list_display = ["tour", "starts_at", "capacity", "state"]
    list_filter = ["state", "tour__format", "tour__host"]
    date_hierarchy = "starts_at"
    list_select_related = ["tour"]
    # Cancelling goes through the host cabinet (it notifies every registrant).
    form = SessionAdminForm
    readonly_fields = ["state", "cancel_reason"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"operator": request.user})

    def save_model(self, request: HttpRequest, obj: Session, form: Any, change: bool) -> None:
        saved = form.saved  # written by services in the form's validation
        obj.pk = saved.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ["ticket_code", "session", "party_size", "state", "from_waitlist", "created_at"]
    list_filter = ["state", "from_waitlist", "language", "session__tour__format", "session__tour__host"]
    search_fields = ["ticket_code"]
    list_select_related = ["session__tour"]
    actions = ["cancel_registrations", "check_in_registrations"]
    # Contact details stay out of the list; the detail shows them read-only for support requests.
    fields = (
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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)  # e-mail and phone masked without core.view_personal_data

    @admin.action(description=gettext_lazy("Cancel the selected registrations (the visitors are notified)"))
    def cancel_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        _run_each(
            self,
            request,
            queryset,
            lambda r: services.registration_cancel_by_operator(registration_id=r.pk, actor=request.user),
        )

    @admin.action(description=gettext_lazy("Check in the selected registrations"))
    def check_in_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        _run_each(
            self, request, queryset, lambda r: services.registration_check_in(actor=request.user, code=r.ticket_code)
        )


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ["session", "position", "party_size", "state", "offer_expires_at"]
    list_filter = ["state"]
    list_select_related = ["session__tour"]
    actions = ["remove_entries", "serve_waitlist"]
    fields = (
        "session",
        "position",
        "state",
        "party_size",
        "name",
        "email",
        "phone",
        "group_name",
        "group_leader",
        "consent_at",
        "consent_version",
        "offered_at",
        "offer_expires_at",
        "registration",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)  # e-mail and phone masked without core.view_personal_data

    @admin.action(description=gettext_lazy("Take the selected entries off the waitlist"))
    def remove_entries(self, request: HttpRequest, queryset: QuerySet[WaitlistEntry]) -> None:
        _run_each(self, request, queryset, lambda e: services.waitlist_entry_cancel(entry_id=e.pk, actor=request.user))

    @admin.action(description=gettext_lazy("Offer free seats to the waitlist of the selected entries' sessions"))
    def serve_waitlist(self, request: HttpRequest, queryset: QuerySet[WaitlistEntry]) -> None:
        session_ids = sorted(set(queryset.values_list("session_id", flat=True)))
        offered = sum(len(services.waitlist_serve(session_id=pk, actor=request.user)) for pk in session_ids)
        self.message_user(request, _("Offers sent: %(count)s.") % {"count": offered}, messages.SUCCESS)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["registration", "rating", "created_at"]
    list_filter = ["rating"]
    list_select_related = ["registration__session__tour"]
    fields = ["registration", "rating", "comment", "created_at"]
    readonly_fields = ["registration", "rating", "comment", "created_at"]
