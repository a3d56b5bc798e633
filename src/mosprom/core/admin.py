from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .api_auth import api_token_create
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
