"""Recompute the registry's search columns with lemmas and transliterations (core.search.document)."""

from django.db import migrations

from mosprom.registry import search


def forwards(apps, schema_editor):
    Site = apps.get_model("registry", "Site")
    Organisation = apps.get_model("registry", "Organisation")
    Production = apps.get_model("registry", "Production")
    search.recompute(Site.objects.order_by("pk"), search.site_columns)
    search.recompute(Organisation.objects.select_related("parent").order_by("pk"), search.organisation_columns)
    search.recompute(
        Production.objects.select_related("organisation__parent").order_by("pk"), search.production_columns
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_search_title")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
