from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.filters import CIDFilter, ResourceTypeFilter
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignObjectRel, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from . import services
from .api_auth import api_token_create
from .audit import event_label
from .models import ApiToken, OutboundEmail
from .pii import PersonalDataAdminMixin


@admin.register(OutboundEmail)
class OutboundEmailAdmin(PersonalDataAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    personal_data_fields = ("to",)
    list_display = ("subject", "state", "attempts", "created_at", "sent_at")
    list_filter = ("state", "language")
    search_fields = ("subject", "idempotency_key")
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Retry delivery"))
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        for message in queryset.exclude(state=OutboundEmail.State.SENT):
            services.email_retry(message=message)
        self.message_user(request, _("Delivery re-queued."), messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    fields = ("name", "user", "prefix", "revoked", "last_used_at")
    readonly_fields = ("prefix", "last_used_at")

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw = api_token_create(user=obj.user, name=obj.name)
        obj.pk = token.pk
        self.message_user(
            request,
            _("Token created. Copy it now, it is not shown again: %(token)s") % {"token": raw},
            messages.WARNING,
        )


# --- the audit trail (django-auditlog's admin, in the operator's words) ------------------------------------------

ACTIONS = {
    LogEntry.Action.CREATE: pgettext_lazy("audit action", "created"),
    LogEntry.Action.UPDATE: pgettext_lazy("audit action", "changed"),
    LogEntry.Action.DELETE: pgettext_lazy("audit action", "deleted"),
    LogEntry.Action.ACCESS: pgettext_lazy("audit action", "viewed"),
}


class AuditResourceFilter(ResourceTypeFilter):
    """By kind of record, named as the back-office names it («площадка», not «site»)."""

    title = pgettext_lazy("audit", "kind of record")

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[int, str]]:
        ids = model_admin.get_queryset(request).values_list("content_type_id", flat=True).distinct()
        types = ContentType.objects.filter(pk__in=set(ids))
        return sorted(((t.pk, str(capfirst(_label(t)))) for t in types), key=lambda pair: pair[1])


class AuditActionFilter(admin.SimpleListFilter):
    title = pgettext_lazy("audit", "action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(str(action), label) for action, label in ACTIONS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[LogEntry]) -> QuerySet[LogEntry]:
        value = self.value()
        return queryset.filter(action=int(value)) if value and value.isdigit() else queryset


class AuditRequestFilter(CIDFilter):
    title = pgettext_lazy("audit", "request ID")


def _field_label(entry: LogEntry, name: str) -> str:
    """A changed field as the forms name it («ИНН»); a relation by the related records' name («вехи»)."""
    model = entry.content_type.model_class()
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if isinstance(field, ForeignObjectRel):
        return str(field.related_model._meta.verbose_name_plural)
    return str(getattr(field, "verbose_name", name))


def _label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else content_type.model


class AuditEntryAdmin(LogEntryAdmin):
    """django-auditlog's list and page with Russian labels: what happened, to which record, which fields (by
    their names on the forms, not in the database), who did it and in which request."""

    CID_TITLE = pgettext_lazy("audit", "Show everything done in this request")
    list_display = ["created", "resource_url", "action_label", "msg_short", "user_url", "cid_url"]
    list_filter = [AuditActionFilter, AuditResourceFilter, AuditRequestFilter]
    readonly_fields = ["created", "resource_url", "action_label", "user_url", "cid", "msg"]
    fieldsets = [
        (None, {"fields": ["created", "user_url", "resource_url", "cid"]}),
        (pgettext_lazy("audit", "What changed"), {"fields": ["action_label", "msg"]}),
    ]

    @admin.display(description=pgettext_lazy("audit", "when"), ordering="timestamp")
    def created(self, obj: LogEntry) -> Any:
        return super().created(obj)

    @admin.display(description=pgettext_lazy("audit", "record"))
    def resource_url(self, obj: LogEntry) -> Any:
        return super().resource_url(obj)

    @admin.display(description=pgettext_lazy("audit", "action"), ordering="action")
    def action_label(self, obj: LogEntry) -> str:
        event = (obj.additional_data or {}).get("event") if isinstance(obj.additional_data, dict) else None
        if event:
            return event_label(str(event))
        return str(ACTIONS.get(obj.action, obj.get_action_display()))

    @admin.display(description=pgettext_lazy("audit", "who"))
    def user_url(self, obj: LogEntry) -> Any:
        if obj.actor_id is None:
            return pgettext("audit", "the system")
        return super().user_url(obj)

    @admin.display(description=pgettext_lazy("audit", "request ID"))
    def cid_url(self, obj: LogEntry) -> Any:
        return super().cid_url(obj)

    @admin.display(description=pgettext_lazy("audit", "changes"))
    def msg_short(self, obj: LogEntry) -> str:
        if obj.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
            return ""
        changes = obj.changes_dict
        if not changes:
            return ""
        names = [_field_label(obj, name) for name in changes]
        fields = ", ".join(names)
        if len(fields) > 75:
            fields = fields[: fields.rfind(" ", 0, 75)].rstrip(",") + " …"
        return ngettext("%(count)s change: %(fields)s", "%(count)s changes: %(fields)s", len(changes)) % {
            "count": len(changes),
            "fields": fields,
        }

    @admin.display(description=pgettext_lazy("audit", "changes"))
    def msg(self, obj: LogEntry) -> SafeString | str:
        changes = obj.changes_dict
        if not changes:
            return ""
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th></tr>",
            pgettext("audit", "field"),
            pgettext("audit", "was"),
            pgettext("audit", "became"),
        )
        rows = []
        for name, change in sorted(changes.items()):
            label = capfirst(_field_label(obj, name))
            if isinstance(change, dict) and change.get("type") == "m2m":
                operation = (
                    pgettext("audit", "added") if change.get("operation") == "add" else pgettext("audit", "removed")
                )
                rows.append((label, operation, ", ".join(str(o) for o in change.get("objects", []))))
            else:
                before, after = (["***", "***"] if name == "password" else [*list(change), "", ""])[:2]
                rows.append((label, before, after))
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html("<table>{}{}</table>", head, body)


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, AuditEntryAdmin)
