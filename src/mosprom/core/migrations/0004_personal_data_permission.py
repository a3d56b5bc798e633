from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outbox_claimed_at"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="outboundemail",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [("view_personal_data", "Can see visitors' e-mails and phones in clear")],
                "verbose_name": "outgoing e-mail",
                "verbose_name_plural": "outgoing e-mails",
            },
        ),
    ]
