"""Recompute the tours' search columns with lemmas, transliterations, the host's and its parent's names."""

from django.db import migrations

from mosprom.registry.search import recompute
from mosprom.tours.search import tour_columns


def forwards(apps, schema_editor):
    Tour = apps.get_model("tours", "Tour")
    recompute(Tour.objects.select_related("host__parent", "format").order_by("pk"), tour_columns)


class Migration(migrations.Migration):
    dependencies = [("tours", "0004_search_title"), ("registry", "0004_recompute_search_columns")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
