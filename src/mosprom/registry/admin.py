"""The operators' back-office for the registry. Saves and workflow actions go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mosprom.core.roles import is_operator

from . import rules, services
from .forms import RejectForm, VerdictForm
from .models import (
    AnnualReport,
    ExpertVerdict,
    Industry,
    Membership,
    Organisation,
    Production,
    Residency,
    Site,
    Status,
    StatusApplication,
    StatusKind,
)


class OperatorAccess:
    """Operators (the group) may keep the registry without per-model permissions being handed out one by one."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user) or super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user) or super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_operator(request.user) or super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user) or super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user) or super().has_delete_permission(request, obj)  # type: ignore[misc]


class OperatorAdmin(OperatorAccess, admin.ModelAdmin):
    pass


class OperatorTabularInline(OperatorAccess, admin.TabularInline):
    pass


def _errors_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class ServiceValidatedAdmin(OperatorAdmin):
    """Runs the service's validation in the form, so a bad INN or a cycle shows beside the field."""

    validator: Any = None

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        validator = type(self).validator
        if validator is None:
            return form_class

        class Validated(form_class):  # type: ignore[misc, valid-type]
            def _post_clean(self) -> None:
                super()._post_clean()
                if self.errors:
                    return
                try:
                    validator(self.instance)
                except ValidationError as exc:
                    self._update_errors(exc)

        return Validated


class ResidencyInline(OperatorTabularInline):
    model = Residency
    extra = 0
    autocomplete_fields = ("organisation", "site")
    fields = ("organisation", "site", "since", "until", "is_anchor")


class ProductionInline(OperatorTabularInline):
    model = Production
    extra = 0
    autocomplete_fields = ("site", "industry")
    fields = ("product", "site", "industry", "opened_on", "import_substitution", "no_domestic_analogue", "jobs")
    show_change_link = True


class MembershipInline(OperatorTabularInline):
    model = Membership
    extra = 0


@admin.register(Industry)
class IndustryAdmin(OperatorAdmin):
    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Site)
class SiteAdmin(ServiceValidatedAdmin):
    validator = staticmethod(services._validate_site)
    list_display = ("name", "kind", "parent", "district", "is_demo")
    list_filter = ("kind", "district", "is_demo")
    search_fields = ("name", "slug", "address", "search_text")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    inlines = [ResidencyInline]


@admin.register(Organisation)
class OrganisationAdmin(ServiceValidatedAdmin):
    validator = staticmethod(services._validate_organisation)
    list_display = ("short_name", "kind", "inn", "industry", "parent", "is_demo")
    list_filter = ("kind", "industry", "is_demo")
    search_fields = ("short_name", "full_name", "slug", "inn", "ogrn", "search_text")
    autocomplete_fields = ("parent", "industry")
    list_select_related = ("industry", "parent")
    inlines = [ResidencyInline, ProductionInline, MembershipInline]


@admin.register(Production)
class ProductionAdmin(ServiceValidatedAdmin):
    validator = staticmethod(services._validate_production)
    list_display = ("product", "organisation", "site", "opened_on", "import_substitution", "no_domestic_analogue")
    list_filter = ("import_substitution", "no_domestic_analogue", "industry", "site", "is_demo")
    search_fields = ("product", "organisation__short_name", "search_text")
    autocomplete_fields = ("organisation", "site", "industry")
    list_select_related = ("organisation", "site")
    date_hierarchy = "opened_on"


@admin.register(Residency)
class ResidencyAdmin(ServiceValidatedAdmin):
    validator = staticmethod(services._validate_residency)
    list_display = ("organisation", "site", "since", "until", "is_anchor")
    list_filter = ("is_anchor", "site")
    search_fields = ("organisation__short_name", "site__name")
    autocomplete_fields = ("organisation", "site")
    list_select_related = ("organisation", "site")


@admin.register(Membership)
class MembershipAdmin(OperatorAdmin):
    list_display = ("user", "organisation", "created_at")
    search_fields = ("user__username", "user__email", "organisation__short_name")
    autocomplete_fields = ("organisation",)
    list_select_related = ("user", "organisation")


@admin.register(StatusKind)
class StatusKindAdmin(OperatorAdmin):
    list_display = ("name", "code", "term_years")
    search_fields = ("name", "name_en", "code")


class AnnualReportInline(OperatorTabularInline):
    model = AnnualReport
    extra = 0
    fields = ("year", "jobs", "productions_launched", "investment", "submitted_on", "meets_obligations")
    readonly_fields = ("meets_obligations",)
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reports are filed through the annual confirmation, which computes the result


class StatusTermFilter(admin.SimpleListFilter):
    title = gettext_lazy("term")
    parameter_name = "term"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("in_force", gettext_lazy("in force")),
            ("expiring", gettext_lazy("ends soon")),
            ("ended", gettext_lazy("not in force")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        if self.value() == "in_force":
            return queryset.filter(rules.status_in_force_q(today))
        if self.value() == "expiring":
            return queryset.filter(rules.status_expiring_q(today))
        if self.value() == "ended":
            return queryset.exclude(rules.status_in_force_q(today))
        return queryset


@admin.register(Status)
class StatusAdmin(OperatorAdmin):
    list_display = ("kind", "holder", "site", "granted_on", "valid_until", "state", "term_label")
    list_filter = (StatusTermFilter, "state", "kind", "is_demo")
    search_fields = ("holder__short_name", "number", "site__name")
    autocomplete_fields = ("holder", "site", "kind")
    list_select_related = ("kind", "holder", "site")
    readonly_fields = ("flag_reason",)
    inlines = [AnnualReportInline]
    actions = ["run_confirmation_check"]

    @admin.display(description=gettext_lazy("term"))
    def term_label(self, obj: Status) -> str:
        term = rules.status_term(obj, timezone.localdate())
        if not term.in_force:
            return _("not in force")
        if term.days_left is None:
            return _("no end date")
        return ngettext("%(n)s day left", "%(n)s days left", term.days_left) % {"n": term.days_left}

    @admin.action(description=gettext_lazy("Check last year's annual confirmations now"))
    def run_confirmation_check(self, request: HttpRequest, queryset: QuerySet[Status]) -> None:
        flagged = services.status_confirmation_check()
        self.message_user(
            request,
            ngettext(
                "Confirmation check done: %(n)s status flagged.",
                "Confirmation check done: %(n)s statuses flagged.",
                len(flagged),
            )
            % {"n": len(flagged)},
            messages.SUCCESS,
        )


class ExpertVerdictInline(OperatorAccess, admin.StackedInline):
    model = ExpertVerdict
    extra = 0
    fields = ("expert_name", "verdict", "comment")
    readonly_fields = ("expert_name", "verdict", "comment")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StatusApplication)
class StatusApplicationAdmin(OperatorAdmin):
    list_display = ("kind", "applicant", "site", "submitted_on", "state", "decided_on")
    list_filter = ("state", "kind")
    search_fields = ("applicant__short_name", "site__name")
    autocomplete_fields = ("applicant", "site", "kind")
    list_select_related = ("kind", "applicant", "site")
    readonly_fields = ("state", "decided_on", "rejection_reason", "status")
    inlines = [ExpertVerdictInline]
    actions = ["start_review", "add_verdict", "approve", "reject"]

    def save_model(self, request: HttpRequest, obj: StatusApplication, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.status_application_submit(
            applicant=obj.applicant,
            kind=obj.kind,
            site=obj.site,
            submitted_on=obj.submitted_on,
            obliged_jobs=obj.obliged_jobs,
            obliged_productions=obj.obliged_productions,
            obliged_investment=obj.obliged_investment,
        )
        obj.pk = created.pk

    def _each(self, request: HttpRequest, queryset: QuerySet[StatusApplication], action: Any, done: Any) -> None:
        ok = 0
        for application in queryset:
            try:
                action(application)
            except ValidationError as exc:
                self.message_user(request, f"{application}: {_errors_text(exc)}", messages.ERROR)
            else:
                ok += 1
        if ok:
            self.message_user(request, done(ok) % {"n": ok}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Start expert review"))
    def start_review(self, request: HttpRequest, queryset: QuerySet[StatusApplication]) -> None:
        self._each(
            request,
            queryset,
            lambda a: services.status_application_start_review(application=a),
            lambda n: ngettext(
                "%(n)s application sent to expert review.", "%(n)s applications sent to expert review.", n
            ),
        )

    @admin.action(description=gettext_lazy("Approve and grant the status"))
    def approve(self, request: HttpRequest, queryset: QuerySet[StatusApplication]) -> None:
        self._each(
            request,
            queryset,
            lambda a: services.status_application_approve(application=a),
            lambda n: ngettext(
                "%(n)s application approved; the status is granted.",
                "%(n)s applications approved; the statuses are granted.",
                n,
            ),
        )

    def _intermediate(self, request: HttpRequest, queryset: Any, form: Any, action: str, title: str) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": action,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "registry/admin/action_form.html", context)

    @admin.action(description=gettext_lazy("Add an expert verdict…"))
    def add_verdict(self, request: HttpRequest, queryset: QuerySet[StatusApplication]) -> HttpResponse | None:
        form = VerdictForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            data = form.cleaned_data
            self._each(
                request,
                queryset,
                lambda a: services.status_application_add_verdict(
                    application=a,
                    expert_name=data["expert_name"],
                    verdict=data["verdict"],
                    comment=data["comment"],
                    expert=request.user,
                ),
                lambda n: ngettext("Verdict added to %(n)s application.", "Verdict added to %(n)s applications.", n),
            )
            return None
        return self._intermediate(request, queryset, form, "add_verdict", _("Add an expert verdict"))

    @admin.action(description=gettext_lazy("Reject with a reason…"))
    def reject(self, request: HttpRequest, queryset: QuerySet[StatusApplication]) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                queryset,
                lambda a: services.status_application_reject(application=a, reason=reason),
                lambda n: ngettext("%(n)s application rejected.", "%(n)s applications rejected.", n),
            )
            return None
        return self._intermediate(request, queryset, form, "reject", _("Reject applications"))
