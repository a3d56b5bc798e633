from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToursConfig(AppConfig):
    name = "mosprom.tours"
    label = "tours"
    verbose_name = _("Tours")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from mosprom.core import periodic

        from . import models, tasks

        # Changes by hosts and operators leave an audit entry. Registrations and waitlist entries are left
        # out on purpose: their rows hold personal data, which must not be copied into the audit log.
        for model in (models.Season, models.Format, models.Audience, models.Tour, models.Session):
            auditlog.register(model, exclude_fields=["search_title", "search_text", "updated_at"])

        periodic.register(tasks.expire_holds, every_seconds=60)
        periodic.register(tasks.expire_offers, every_seconds=60)
        periodic.register(tasks.send_reminders, every_seconds=3600)
        periodic.register(tasks.send_feedback_requests, every_seconds=3600)
        periodic.register(tasks.purge_registrations, every_seconds=24 * 3600)
