"""Roles: operator (a group) and anonymous visitor. Host staff are memberships: `registry.roles`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db.models import Q

OPERATORS_GROUP = "operators"
# Operators keep everything of these apps in the back-office…
OPERATOR_APPS = ("core", "registry", "partnerships", "tours", "analytics", "intake", "companies")
# …and may read the audit trail and the task queue, never edit them.
OPERATOR_READ_ONLY_APPS = ("auditlog", "django_tasks_db", "auth")


def operator_permissions() -> Q:
    return (
        Q(content_type__app_label__in=OPERATOR_APPS)
        | Q(content_type__app_label__in=OPERATOR_READ_ONLY_APPS, codename__startswith="view_")
    ) & ~Q(content_type__app_label="core", codename="view_personal_data")  # granted person by person (core.pii)


def operators_group() -> Group:
    """The operators group, with the model permissions the back-office needs."""
    group, created = Group.objects.get_or_create(name=OPERATORS_GROUP)
    if created:
        sync_operator_permissions(group)
    return group


def sync_operator_permissions(group: Group | None = None) -> None:
    group = group or Group.objects.get_or_create(name=OPERATORS_GROUP)[0]
    group.permissions.add(*Permission.objects.filter(operator_permissions()))


def is_operator(user: Any) -> bool:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_mosprom_is_operator", None)
    if cached is None:
        cached = user.groups.filter(name=OPERATORS_GROUP).exists()
        user._mosprom_is_operator = cached
    return bool(cached)
