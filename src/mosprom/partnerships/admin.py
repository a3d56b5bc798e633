"""Back-office for operators: agreements with parties, directions and projects; projects with duties and milestones."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mosprom.registry.admin import ServiceWrites

from . import rules, services
from .models import Agreement, AgreementDocument, AgreementParty, Direction, Duty, Milestone, Project


class ProjectOverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("has overdue milestones")), ("no", _("nothing overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        overdue = Exists(Milestone.objects.filter(rules.milestone_overdue_q(date.today()), project=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


class MilestoneOverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        n = rules.warning_days()
        soon = ngettext("due within %(n)d day", "due within %(n)d days", n) % {"n": n}
        return [("yes", _("overdue")), ("soon", soon), ("done", _("done"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = date.today()
        if self.value() == "yes":
            return queryset.filter(rules.milestone_overdue_q(today))
        if self.value() == "soon":
            return queryset.filter(rules.milestone_due_soon_q(today))
        if self.value() == "done":
            return queryset.filter(done_on__isnull=False)
        return queryset


class AgreementStateFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*Agreement.Status.choices, ("expiring", _("ends soon"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today, value = date.today(), self.value()
        if value is not None and value in Agreement.Status.values:
            return queryset.filter(rules.agreement_status_q(value, today))
        if value == "expiring":
            return queryset.filter(rules.agreement_expiring_q(today))
        return queryset


class PartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "signatory", "order"]


class DirectionInline(admin.TabularInline):
    model = Direction
    extra = 0
    autocomplete_fields = ["responsible"]
    fields = ["text", "responsible", "order"]


class DocumentInline(admin.TabularInline):
    model = AgreementDocument
    extra = 0
    fields = ["title", "file", "is_public"]


def _writes(save: Any, delete: Any, name: str) -> tuple[Any, Any]:
    return (
        lambda obj, actor: save(**{name: obj, "actor": actor}),
        lambda obj, actor: delete(**{name: obj, "actor": actor}),
    )


INLINE_WRITES: dict[Any, tuple[Any, Any]] = {
    AgreementParty: _writes(services.party_save, services.party_delete, "party"),
    Direction: _writes(services.direction_save, services.direction_delete, "direction"),
    AgreementDocument: _writes(services.document_save, services.document_delete, "document"),
    Duty: _writes(services.duty_save, services.duty_delete, "duty"),
    Milestone: _writes(services.milestone_save, services.milestone_delete, "milestone"),
}


@admin.register(Agreement)
class AgreementAdmin(ServiceWrites, admin.ModelAdmin):
    """An agreement's page holds its parties, directions and documents; its road-map projects (hundreds for a
    large partner) have their own pages, reached from the link here, so this page stays small at any size."""

    list_display = ["title", "kind", "signed_on", "ends_on", "status_label", "is_demo"]
    list_filter = [AgreementStateFilter, "kind", "parties__organisation", "is_demo"]
    search_fields = ["title", "search_text", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "signed_on"
    filter_horizontal = ["responsible_operators"]
    autocomplete_fields = ["related_to"]
    inlines = [PartyInline, DirectionInline, DocumentInline]
    readonly_fields = ["projects_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "related_to"]}),
        (_("Term"), {"fields": ["signed_on", "term_years", "ends_on", "terminated_on"]}),
        (_("Road-map projects"), {"fields": ["projects_link"]}),
        (_("Source"), {"fields": ["source_url", "source_text"]}),
        (_("Operators"), {"fields": ["responsible_operators", "internal_notes", "is_demo"]}),
    ]
    service_fields = services.AGREEMENT_FIELDS
    inline_writes = INLINE_WRITES

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.agreement_create(actor=actor, **fields)

    def service_update(self, obj: Agreement, fields: dict[str, Any], actor: Any) -> Any:
        return services.agreement_update(agreement=obj, actor=actor, **fields)

    def service_delete(self, obj: Agreement, actor: Any) -> None:
        services.agreement_delete(agreement=obj, actor=actor)

    @admin.display(description=_("status"))
    def status_label(self, obj: Agreement) -> str:
        return obj.get_status_display()

    @admin.display(description=_("projects"))
    def projects_link(self, obj: Agreement) -> str:
        if obj.pk is None:
            return str(_("Add projects after saving the agreement."))
        count = obj.projects.count()
        changelist = reverse("admin:partnerships_project_changelist") + f"?agreement__id__exact={obj.pk}"
        add = reverse("admin:partnerships_project_add") + f"?agreement={obj.pk}"
        return format_html(
            '<a href="{}" data-testid="agreement-projects-link">{}</a> · <a href="{}">{}</a>',
            changelist,
            ngettext("%(n)d project of this agreement", "%(n)d projects of this agreement", count) % {"n": count},
            add,
            _("add a project"),
        )


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "text"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    autocomplete_fields = ["responsible"]
    fields = ["title", "responsible", "due_on", "done_on"]


@admin.register(Project)
class ProjectAdmin(ServiceWrites, admin.ModelAdmin):
    list_display = ["code", "title", "partner", "category", "status", "planned_start", "planned_end", "progress_label"]
    list_filter = [ProjectOverdueFilter, "category", "status", "partner", "agreement", "is_demo"]
    list_select_related = ["partner"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["partner", "agreement", "site"]
    inlines = [DutyInline, MilestoneInline]
    actions = ["mark_milestones_done"]
    fieldsets = [
        (None, {"fields": ["partner", "agreement", "code", "title", "category", "status", "site", "investment"]}),
        (_("Dates"), {"fields": ["planned_start", "planned_end", "actual_start", "actual_end"]}),
        (None, {"fields": ["description", "internal_notes", "is_demo"]}),
    ]

    service_fields = services.PROJECT_FIELDS
    inline_writes = INLINE_WRITES

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.project_create(actor=actor, **fields)

    def service_update(self, obj: Project, fields: dict[str, Any], actor: Any) -> Any:
        return services.project_update(project=obj, actor=actor, **fields)

    def service_delete(self, obj: Project, actor: Any) -> None:
        services.project_delete(project=obj, actor=actor)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Project]:
        return super().get_queryset(request).with_progress()  # type: ignore[attr-defined, no-any-return]

    @admin.display(description=_("progress"))
    def progress_label(self, obj: Project) -> str:
        progress = obj.progress
        return "—" if progress is None else f"{round(progress * 100)}%"

    @admin.action(description=_("Mark milestones due by today done"))
    def mark_milestones_done(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        n = services.project_milestones_mark_done(projects=queryset, actor=request.user)
        self.message_user(
            request,
            ngettext("%(n)d milestone marked done.", "%(n)d milestones marked done.", n) % {"n": n},
            messages.SUCCESS,
        )


@admin.register(Milestone)
class MilestoneAdmin(ServiceWrites, admin.ModelAdmin):
    list_display = ["title", "project", "responsible", "due_on", "done_on"]
    list_filter = [MilestoneOverdueFilter, "project__partner", "project__category", "project__status"]
    list_select_related = ["project", "responsible"]
    search_fields = ["title", "project__title", "project__code"]
    autocomplete_fields = ["project", "responsible"]
    date_hierarchy = "due_on"
    actions = ["mark_done"]
    service_fields = {"project", "title", "responsible", "due_on", "done_on"}

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.milestone_add(actor=actor, **fields)

    def service_update(self, obj: Milestone, fields: dict[str, Any], actor: Any) -> Any:
        return services.milestone_save(milestone=obj, actor=actor)

    def service_delete(self, obj: Milestone, actor: Any) -> None:
        services.milestone_delete(milestone=obj, actor=actor)

    @admin.action(description=_("Mark the selected milestones done"))
    def mark_done(self, request: HttpRequest, queryset: QuerySet[Milestone]) -> None:
        n = services.milestone_mark_done(milestones=queryset, actor=request.user)
        self.message_user(
            request,
            ngettext("%(n)d milestone marked done.", "%(n)d milestones marked done.", n) % {"n": n},
            messages.SUCCESS,
        )
