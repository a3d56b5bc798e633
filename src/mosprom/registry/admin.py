"""The operators' back-office for the registry. Saves and workflow actions go through the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
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


class ServiceWrites:
    """The back-office writes only through services, with the operator as the actor of every audit entry.

    A model admin sets `service_fields` and implements `service_create(fields, actor)`,
    `service_update(obj, fields, actor)` and `service_delete(obj, actor)`; `inline_writes` maps each inline's model
    to its `(save(obj, actor), delete(obj, actor))` services. Deleting from the list goes through the same delete.
    Read-only admins (no add, change or delete) need none of them.
    """

    service_fields: set[str] = set()
    inline_writes: dict[Any, tuple[Any, Any]] = {}

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        raise NotImplementedError

    def service_update(self, obj: Any, fields: dict[str, Any], actor: Any) -> Any:
        raise NotImplementedError

    def service_delete(self, obj: Any, actor: Any) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = {name: value for name, value in form.cleaned_data.items() if name in self.service_fields}
        if change:
            self.service_update(obj, fields, request.user)
            return
        created = self.service_create(fields, request.user)
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
        obj._state.adding = False
        obj._state.db = created._state.db

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.service_delete(obj, request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.service_delete(obj, request.user)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # many-to-many fields, if any, are among `service_fields`: the services set them
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)  # type: ignore[attr-defined]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        if not instances and not formset.deleted_objects:
            return  # nothing to write (read-only inlines end here)
        save, delete = self.inline_writes[formset.model]
        for obj in formset.deleted_objects:
            delete(obj, request.user)
        for obj in instances:
            save(obj, request.user)


class OperatorAdmin(OperatorAccess, ServiceWrites, admin.ModelAdmin):
    pass


class OperatorTabularInline(OperatorAccess, admin.TabularInline):
    pass


class OperatorStackedInline(OperatorAccess, admin.StackedInline):
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


class ProductionInline(OperatorStackedInline):
    """Stacked, a few fields a line: as a table its eight columns (two autocompletes, a date with its shortcuts)
    made the organisation's page 1,767 px wide at 1280."""

    model = Production
    extra = 0
    autocomplete_fields = ("site", "industry")
    fields = (
        ("product", "jobs"),
        ("site", "industry"),
        ("opened_on", "import_substitution", "no_domestic_analogue"),
    )
    show_change_link = True


class MembershipInline(OperatorTabularInline):
    model = Membership
    extra = 0


def _save_residency(obj: Residency, actor: Any) -> Any:
    if obj.pk is None:
        fields = {name: getattr(obj, name) for name in services.RESIDENCY_FIELDS - {"organisation", "site"}}
        return services.residency_create(organisation=obj.organisation, site=obj.site, actor=actor, **fields)
    return services.residency_update(residency=obj, actor=actor)


def _save_production(obj: Production, actor: Any) -> Any:
    if obj.pk is None:
        fields = {name: getattr(obj, name) for name in services.PRODUCTION_FIELDS - {"organisation", "product"}}
        return services.production_create(organisation=obj.organisation, product=obj.product, actor=actor, **fields)
    return services.production_update(production=obj, actor=actor)


INLINE_WRITES: dict[Any, tuple[Any, Any]] = {
    Residency: (_save_residency, lambda obj, actor: services.residency_delete(residency=obj, actor=actor)),
    Production: (_save_production, lambda obj, actor: services.production_delete(production=obj, actor=actor)),
    Membership: (
        lambda obj, actor: services.membership_save(membership=obj, actor=actor),
        lambda obj, actor: services.membership_remove(membership=obj, actor=actor),
    ),
}


@admin.register(Industry)
class IndustryAdmin(OperatorAdmin):
    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    service_fields = {"name", "name_en", "slug"}

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.industry_save(industry=Industry(**fields), actor=actor)

    def service_update(self, obj: Industry, fields: dict[str, Any], actor: Any) -> Any:
        return services.industry_save(industry=obj, actor=actor)

    def service_delete(self, obj: Industry, actor: Any) -> None:
        services.industry_delete(industry=obj, actor=actor)


@admin.register(Site)
class SiteAdmin(ServiceValidatedAdmin):
    validator = staticmethod(services._validate_site)
    list_display = ("name", "kind", "parent", "district", "is_demo")
    list_filter = ("kind", "district", "is_demo")
    search_fields = ("name", "slug", "address", "search_text")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    inlines = [ResidencyInline]
    service_fields = services.SITE_FIELDS
    inline_writes = INLINE_WRITES

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.site_create(actor=actor, **fields)

    def service_update(self, obj: Site, fields: dict[str, Any], actor: Any) -> Any:
        return services.site_update(site=obj, actor=actor, **fields)

    def service_delete(self, obj: Site, actor: Any) -> None:
        services.site_delete(site=obj, actor=actor)


class NameVariantsField(forms.CharField):
    """An organisation's other spellings, one per line (stored as a JSON list): not «[]» to be typed as JSON."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        names: list[str] = []
        for line in (super().to_python(value) or "").splitlines():
            name = " ".join(line.split())
            if name and name not in names:
                names.append(name)
        return names


@admin.register(Organisation)
class OrganisationAdmin(ServiceValidatedAdmin):
    validator = staticmethod(services._validate_organisation)
    list_display = ("short_name", "kind", "inn", "industry", "parent", "is_demo")
    list_filter = ("kind", "industry", "is_demo")
    search_fields = ("short_name", "full_name", "slug", "inn", "ogrn", "search_text")
    autocomplete_fields = ("parent", "industry")
    list_select_related = ("industry", "parent")
    inlines = [ResidencyInline, ProductionInline, MembershipInline]
    service_fields = services.ORGANISATION_FIELDS
    inline_writes = INLINE_WRITES

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "name_variants":
            return NameVariantsField(
                label=capfirst(db_field.verbose_name),
                help_text=_("One per line: other spellings used to match press releases."),
                required=False,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.organisation_create(actor=actor, **fields)

    def service_update(self, obj: Organisation, fields: dict[str, Any], actor: Any) -> Any:
        return services.organisation_update(organisation=obj, actor=actor, **fields)

    def service_delete(self, obj: Organisation, actor: Any) -> None:
        services.organisation_delete(organisation=obj, actor=actor)


@admin.register(Production)
class ProductionAdmin(ServiceValidatedAdmin):
    validator = staticmethod(services._validate_production)
    list_display = ("product", "organisation", "site", "opened_on", "import_substitution", "no_domestic_analogue")
    list_filter = ("import_substitution", "no_domestic_analogue", "industry", "site", "is_demo")
    search_fields = ("product", "organisation__short_name", "search_text")
    autocomplete_fields = ("organisation", "site", "industry")
    list_select_related = ("organisation", "site")
    date_hierarchy = "opened_on"
    service_fields = services.PRODUCTION_FIELDS

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.production_create(actor=actor, **fields)

    def service_update(self, obj: Production, fields: dict[str, Any], actor: Any) -> Any:
        return services.production_update(production=obj, actor=actor, **fields)

    def service_delete(self, obj: Production, actor: Any) -> None:
        services.production_delete(production=obj, actor=actor)


@admin.register(Residency)
class ResidencyAdmin(ServiceValidatedAdmin):
    validator = staticmethod(services._validate_residency)
    list_display = ("organisation", "site", "since", "until", "is_anchor")
    list_filter = ("is_anchor", "site")
    search_fields = ("organisation__short_name", "site__name")
    autocomplete_fields = ("organisation", "site")
    list_select_related = ("organisation", "site")
    service_fields = services.RESIDENCY_FIELDS

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.residency_create(actor=actor, **fields)

    def service_update(self, obj: Residency, fields: dict[str, Any], actor: Any) -> Any:
        return services.residency_update(residency=obj, actor=actor, **fields)

    def service_delete(self, obj: Residency, actor: Any) -> None:
        services.residency_delete(residency=obj, actor=actor)


@admin.register(Membership)
class MembershipAdmin(OperatorAdmin):
    list_display = ("user", "organisation", "created_at")
    search_fields = ("user__username", "user__email", "organisation__short_name")
    autocomplete_fields = ("organisation",)
    list_select_related = ("user", "organisation")
    service_fields = {"user", "organisation"}

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.membership_add(actor=actor, **fields)

    def service_update(self, obj: Membership, fields: dict[str, Any], actor: Any) -> Any:
        return services.membership_save(membership=obj, actor=actor)

    def service_delete(self, obj: Membership, actor: Any) -> None:
        services.membership_remove(membership=obj, actor=actor)


@admin.register(StatusKind)
class StatusKindAdmin(OperatorAdmin):
    list_display = ("name", "code", "term_years", "report_due")
    search_fields = ("name", "name_en", "code")
    service_fields = {
        "code",
        "name",
        "name_en",
        "benefits",
        "term_years",
        "report_month",
        "report_day",
        "report_reminder_days",
        "report_asks_output",
    }

    @admin.display(description=gettext_lazy("annual report due"))
    def report_due(self, obj: StatusKind) -> str:
        return date_format(date(2001, obj.report_month, obj.report_day), "j E")

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.status_kind_save(kind=StatusKind(**fields), actor=actor)

    def service_update(self, obj: StatusKind, fields: dict[str, Any], actor: Any) -> Any:
        return services.status_kind_save(kind=obj, actor=actor)

    def service_delete(self, obj: StatusKind, actor: Any) -> None:
        services.status_kind_delete(kind=obj, actor=actor)


class AnnualReportInline(OperatorTabularInline):
    model = AnnualReport
    extra = 0
    fields = ("year", "jobs", "productions_launched", "investment", "submitted_on", "meets_obligations")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reports are filed through the annual confirmation, which computes the result

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
    readonly_fields = ("flag_reason", "flagged_at")
    inlines = [AnnualReportInline]
    actions = ["run_confirmation_check"]
    service_fields = services.STATUS_FIELDS

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.status_create(actor=actor, **fields)

    def service_update(self, obj: Status, fields: dict[str, Any], actor: Any) -> Any:
        return services.status_update(status=obj, actor=actor, **fields)

    def service_delete(self, obj: Status, actor: Any) -> None:
        services.status_delete(status=obj, actor=actor)

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
        flagged = services.status_confirmation_check(actor=request.user)
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

    service_fields = services.APPLICATION_FIELDS

    def service_create(self, fields: dict[str, Any], actor: Any) -> Any:
        return services.status_application_submit(actor=actor, **fields)

    def service_update(self, obj: StatusApplication, fields: dict[str, Any], actor: Any) -> Any:
        return services.status_application_update(application=obj, actor=actor, **fields)

    def service_delete(self, obj: StatusApplication, actor: Any) -> None:
        services.status_application_delete(application=obj, actor=actor)

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
            lambda a: services.status_application_start_review(application=a, actor=request.user),
            lambda n: ngettext(
                "%(n)s application sent to expert review.", "%(n)s applications sent to expert review.", n
            ),
        )

    @admin.action(description=gettext_lazy("Approve and grant the status"))
    def approve(self, request: HttpRequest, queryset: QuerySet[StatusApplication]) -> None:
        self._each(
            request,
            queryset,
            lambda a: services.status_application_approve(application=a, actor=request.user),
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
                    actor=request.user,
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
                lambda a: services.status_application_reject(application=a, reason=reason, actor=request.user),
                lambda n: ngettext("%(n)s application rejected.", "%(n)s applications rejected.", n),
            )
            return None
        return self._intermediate(request, queryset, form, "reject", _("Reject applications"))
