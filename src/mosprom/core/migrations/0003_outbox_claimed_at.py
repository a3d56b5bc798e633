from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_api_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="claimed"),
        ),
    ]
