"""Django admin's and django-auditlog's own phrases, marked here so that the project catalogue words them.

Django's Russian admin catalogue puts a model's name into a fixed sentence: «Выберите %s для изменения»,
«Добавить %s», «%s … был успешно изменен». Russian needs the accusative case and the noun's gender there, so
every feminine or neuter model read wrong («Выберите заявка на статус», «Производство … был изменен»). The
project catalogue (LOCALE_PATHS) takes precedence over Django's, and it words these phrases so that the model's
name stands on its own, in the nominative, after a colon or in brackets, whatever its gender: «Выберите для
изменения: заявка на статус», «Запись «…» (производство) изменена». The changelist's count is
«Заявки на статус: 6» (templates/admin/pagination.html), never «6 заявки на статус».

django-auditlog has no Russian catalogue: its app's name is worded here; its back-office columns, filters and
the change table are mosprom.core.admin.AuditEntryAdmin's, with their own words.

Nothing imports this module; `makemessages` reads it (the msgids must stay exactly Django's and auditlog's).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_ADMIN = (
    gettext_noop("Select %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("Cannot delete %(name)s"),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related objects, but your "
        "account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following protected "
        "related objects:"
    ),
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the following related '
        "items will be deleted:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but your account "
        "doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects and their "
        "related items will be deleted:"
    ),
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.", "%(count)s %(name)s were changed successfully.", "count"
    ),
)

AUDITLOG = (
    gettext_noop("Audit log"),
    gettext_noop("Audit log: %s"),
)
