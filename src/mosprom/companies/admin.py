"""Back-office views of the company cabinet. Decisions are taken in the work queue (companies:queue), which calls
the services; here operators read the records and their audit trail, and set the terms of each kind of status."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mosprom.core.roles import is_operator

from . import models, services


class ReadOnly(admin.ModelAdmin):
    """Visible to operators; every change goes through the cabinet, the work queue or the API (services)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Representative)
class RepresentativeAdmin(ReadOnly):
    list_display = ("user", "organisation", "is_manager", "created_at")
    list_filter = ("is_manager",)
    search_fields = ("organisation__short_name", "organisation__inn")
    list_select_related = ("user", "organisation")


@admin.register(models.Invitation)
class InvitationAdmin(ReadOnly):
    list_display = ("organisation", "as_manager", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_select_related = ("organisation",)
    exclude = ("email",)


@admin.register(models.AccessRequest)
class AccessRequestAdmin(ReadOnly):
    list_display = ("organisation_name", "inn", "state", "created_at", "decided_by", "decided_at")
    list_filter = ("state",)
    search_fields = ("organisation_name", "inn")


@admin.register(models.Application)
class ApplicationAdmin(ReadOnly):
    list_display = ("organisation", "kind", "stage", "stage_changed_at", "submitted_at", "is_demo")
    list_filter = ("stage", "kind", "is_demo")
    search_fields = ("organisation__short_name", "organisation__inn")
    list_select_related = ("organisation", "kind")


@admin.register(models.ProfileProposal)
class ProfileProposalAdmin(ReadOnly):
    list_display = ("organisation", "state", "proposed_by", "decided_by", "created_at", "decided_at")
    list_filter = ("state",)
    list_select_related = ("organisation", "proposed_by", "decided_by")


@admin.register(models.ProductionReport)
class ProductionReportAdmin(ReadOnly):
    list_display = ("product", "organisation", "state", "proposed_by", "decided_by", "created_at")
    list_filter = ("state",)
    list_select_related = ("organisation", "proposed_by", "decided_by")


@admin.register(models.ReportFiling)
class ReportFilingAdmin(ReadOnly):
    list_display = ("report", "organisation", "state", "late", "proposed_by", "decided_by")
    list_filter = ("state", "late")
    list_select_related = ("organisation", "report__status__kind", "report__status__holder")


@admin.register(models.HostApplication)
class HostApplicationAdmin(ReadOnly):
    list_display = ("organisation", "state", "capacity", "created_at", "decided_by")
    list_filter = ("state",)
    list_select_related = ("organisation", "decided_by")


@admin.register(models.HostCapability)
class HostCapabilityAdmin(ReadOnly):
    list_display = ("organisation", "moderated_tours", "created_at", "granted_by")
    list_select_related = ("organisation", "granted_by")


@admin.register(models.StatusKindTerms)
class StatusKindTermsAdmin(admin.ModelAdmin):
    list_display = ("kind", "review_days")
    list_select_related = ("kind",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.kind_terms_save(actor=request.user, terms=obj)
