from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "mosprom.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import periodic, tasks

        periodic.register(tasks.outbox_sweep, every_seconds=120)
