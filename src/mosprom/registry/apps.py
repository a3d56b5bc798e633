from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "mosprom.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Site,
            models.Industry,
            models.Organisation,
            models.Residency,
            models.Production,
            models.StatusKind,
            models.Status,
            models.StatusApplication,
            models.ExpertVerdict,
            models.AnnualReport,
            models.Membership,
        ):
            auditlog.register(model, exclude_fields=["search_title", "search_text", "updated_at"])

        from mosprom.core import periodic

        from .tasks import status_confirmation_check

        periodic.register(status_confirmation_check, every_seconds=24 * 3600)
