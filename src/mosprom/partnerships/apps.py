from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "mosprom.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from mosprom.core import periodic

        from . import models, tasks

        periodic.register(tasks.send_weekly_digest, every_seconds=3600)
        # every change an operator makes leaves an audit entry
        for model in (
            models.Agreement,
            models.AgreementParty,
            models.Direction,
            models.AgreementDocument,
            models.Project,
            models.Duty,
            models.Milestone,
        ):
            auditlog.register(model, exclude_fields=["search_text", "updated_at"])
