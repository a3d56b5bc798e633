"""Existing host staff (registry memberships) become managers of their organisation, which keeps hosting."""

from django.db import migrations


def forwards(apps, schema_editor):
    Membership = apps.get_model("registry", "Membership")
    Representative = apps.get_model("companies", "Representative")
    HostCapability = apps.get_model("companies", "HostCapability")
    for m in Membership.objects.all():
        HostCapability.objects.get_or_create(organisation_id=m.organisation_id, defaults={"moderated_tours": 0})
        Representative.objects.get_or_create(
            user_id=m.user_id, organisation_id=m.organisation_id, defaults={"is_manager": True}
        )


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
