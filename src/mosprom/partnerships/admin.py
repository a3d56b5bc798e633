"""Back-office for operators: agreements with parties, directions and projects; projects with duties and milestones."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
        today = date.today()
        if self.value() in Agreement.Status.values:
            return queryset.filter(rules.agreement_status_q(self.value(), today))
        if self.value() == "expiring":
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


class AgreementProjectInline(admin.TabularInline):
    model = Project
    extra = 0
    fk_name = "agreement"
    show_change_link = True
    autocomplete_fields = ["partner"]
    fields = ["code", "title", "partner", "category", "status", "planned_start", "planned_end"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "signed_on", "ends_on", "status_label", "is_demo"]
    list_filter = [AgreementStateFilter, "kind", "parties__organisation", "is_demo"]
    search_fields = ["title", "search_text", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "signed_on"
    filter_horizontal = ["responsible_operators"]
    autocomplete_fields = ["related_to"]
    inlines = [PartyInline, DirectionInline, AgreementProjectInline, DocumentInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "related_to"]}),
        (_("Term"), {"fields": ["signed_on", "term_years", "ends_on", "terminated_on"]}),
        (_("Source"), {"fields": ["source_url", "source_text"]}),
        (_("Operators"), {"fields": ["responsible_operators", "internal_notes", "is_demo"]}),
    ]

    @admin.display(description=_("status"))
    def status_label(self, obj: Agreement) -> str:
        return obj.get_status_display()


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
class ProjectAdmin(admin.ModelAdmin):
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Project]:
        return super().get_queryset(request).with_progress()  # type: ignore[attr-defined, no-any-return]

    @admin.display(description=_("progress"))
    def progress_label(self, obj: Project) -> str:
        progress = obj.progress
        return "—" if progress is None else f"{round(progress * 100)}%"

    @admin.action(description=_("Mark milestones due by today done"))
    def mark_milestones_done(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        n = services.project_milestones_mark_done(projects=queryset)
        self.message_user(
            request,
            ngettext("%(n)d milestone marked done.", "%(n)d milestones marked done.", n) % {"n": n},
            messages.SUCCESS,
        )


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "responsible", "due_on", "done_on"]
    list_filter = [MilestoneOverdueFilter, "project__partner", "project__category", "project__status"]
    list_select_related = ["project", "responsible"]
    search_fields = ["title", "project__title", "project__code"]
    autocomplete_fields = ["project", "responsible"]
    date_hierarchy = "due_on"
    actions = ["mark_done"]

    @admin.action(description=_("Mark the selected milestones done"))
    def mark_done(self, request: HttpRequest, queryset: QuerySet[Milestone]) -> None:
        n = services.milestone_mark_done(milestones=queryset)
        self.message_user(
            request,
            ngettext("%(n)d milestone marked done.", "%(n)d milestones marked done.", n) % {"n": n},
            messages.SUCCESS,
        )
