from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "mosprom.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        from . import periodic, tasks
        from .models import ApiToken

        periodic.register(tasks.outbox_sweep, every_seconds=120)
        # Who created, renamed or revoked a token is part of the trail; its digest and last use are not.
        auditlog.register(ApiToken, exclude_fields=["digest", "last_used_at", "updated_at"])
        # After every app's migration, since each app's permissions are created by its own post_migrate.
        post_migrate.connect(_grant_operator_permissions, dispatch_uid="mosprom.core.operator_permissions")


def _grant_operator_permissions(**kwargs: object) -> None:
    from .roles import sync_operator_permissions

    sync_operator_permissions()
