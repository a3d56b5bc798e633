"""Russian names for third-party apps in the back-office.

Django's admin lists each app under its AppConfig's `verbose_name`; django-tasks-db calls its app «Tasks Database
Backend» and django-axes has no name but its label, both in English. INSTALLED_APPS names these subclasses instead:
the same `name` and `label` (so models, migrations and permissions stay where they are) and the same `ready()`,
with a translated `verbose_name`.

django-tasks-db ships no Russian catalogue: the names of its model are marked here so that makemessages keeps
them in the project's catalogue, which translates them for the whole site.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_tasks_db.apps import TasksAppConfig

# The model names django-tasks-db passes through gettext (DBTaskResult's Meta).
TASKS_DB_MESSAGES = (gettext_noop("Task Result"), gettext_noop("Task Results"))


class TasksDatabaseConfig(TasksAppConfig):
    # django-tasks-db's class sets a plain str, so mypy infers str; Django's AppConfig takes a lazy string too.
    verbose_name = _("Background tasks")  # type: ignore[assignment]


class LoginAttemptsConfig(AxesAppConfig):
    verbose_name = _("Login attempts")
