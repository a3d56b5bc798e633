"""Cache invalidation: any write to a model the KPIs read bumps the KPI data version."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from .cache import bump_data_version

# Apps whose models feed the KPIs: every model in them invalidates the KPI cache on change.
WATCHED_APPS = ("registry", "partnerships", "tours")
DISPATCH_PREFIX = "analytics-kpi-invalidate"


def _on_change(sender: Any, **kwargs: Any) -> None:
    bump_data_version(sender._meta.app_label)


def watched_models() -> list[Any]:
    models: list[Any] = []
    for label in WATCHED_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        models.extend(config.get_models())
    return models


def connect() -> None:
    for model in watched_models():
        uid = f"{DISPATCH_PREFIX}:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
    m2m_changed.connect(_on_m2m, dispatch_uid=f"{DISPATCH_PREFIX}:m2m", weak=False)


def _on_m2m(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and instance._meta.app_label in WATCHED_APPS:
        bump_data_version(instance._meta.app_label)
