from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "mosprom.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        from mosprom.core import periodic

        from . import tasks

        periodic.register(tasks.send_weekly_digest, every_seconds=3600)
