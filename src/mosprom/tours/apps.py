from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToursConfig(AppConfig):
    name = "mosprom.tours"
    label = "tours"
    verbose_name = _("Tours")
