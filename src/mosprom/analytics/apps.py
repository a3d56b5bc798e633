from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "mosprom.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from mosprom.core import periodic

        from . import signals, tasks, tourism

        signals.connect()
        tourism.connect()
        periodic.register(tasks.refresh_tourism_days, every_seconds=60)
