from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToursConfig(AppConfig):
    name = "mosprom.tours"
    label = "tours"
    verbose_name = _("Tours")

    def ready(self) -> None:
        from mosprom.core import periodic

        from . import tasks

        periodic.register(tasks.expire_holds, every_seconds=60)
        periodic.register(tasks.expire_offers, every_seconds=60)
        periodic.register(tasks.send_reminders, every_seconds=3600)
        periodic.register(tasks.send_feedback_requests, every_seconds=3600)
        periodic.register(tasks.purge_registrations, every_seconds=24 * 3600)
