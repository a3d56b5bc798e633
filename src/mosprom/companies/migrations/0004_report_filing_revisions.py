"""An annual report returned for correction is filed again: each filing is a revision with the figures it stated.

`ReportFiling.report` becomes a foreign key (several filings of one registry confirmation); the figures and the
judgement on the obligations move onto each filing, copied from the confirmation for the existing ones; at most one
filing of a report waits for a decision or is accepted."""

from django.db import migrations, models
from django.db.models import Q


def copy_figures(apps, schema_editor):
    ReportFiling = apps.get_model("companies", "ReportFiling")
    for filing in ReportFiling.objects.select_related("report").iterator():
        report = filing.report
        filing.jobs = report.jobs
        filing.productions_launched = report.productions_launched
        filing.investment = report.investment
        filing.meets_obligations = report.meets_obligations
        filing.save(update_fields=["jobs", "productions_launched", "investment", "meets_obligations"])


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0003_kind_terms_without_deadline"),
        ("registry", "0005_status_kind_report_deadline"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportfiling",
            name="report",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE,
                related_name="filings",
                to="registry.annualreport",
                verbose_name="annual confirmation",
            ),
        ),
        migrations.AddField(
            model_name="reportfiling",
            name="revision",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="revision"),
        ),
        migrations.AddField(
            model_name="reportfiling",
            name="jobs",
            field=models.PositiveIntegerField(null=True, verbose_name="jobs"),
        ),
        migrations.AddField(
            model_name="reportfiling",
            name="productions_launched",
            field=models.PositiveIntegerField(null=True, verbose_name="productions launched"),
        ),
        migrations.AddField(
            model_name="reportfiling",
            name="investment",
            field=models.DecimalField(
                decimal_places=2, max_digits=14, null=True, verbose_name="investment, million roubles"
            ),
        ),
        migrations.AddField(
            model_name="reportfiling",
            name="meets_obligations",
            field=models.BooleanField(default=True, verbose_name="meets obligations"),
        ),
        migrations.RunPython(copy_figures, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reportfiling",
            name="jobs",
            field=models.PositiveIntegerField(verbose_name="jobs"),
        ),
        migrations.AlterField(
            model_name="reportfiling",
            name="productions_launched",
            field=models.PositiveIntegerField(verbose_name="productions launched"),
        ),
        migrations.AlterField(
            model_name="reportfiling",
            name="investment",
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name="investment, million roubles"),
        ),
        migrations.AlterModelOptions(
            name="reportfiling",
            options={
                "ordering": ["-created_at", "-id"],
                "verbose_name": "annual report filing",
                "verbose_name_plural": "annual report filings",
            },
        ),
        migrations.AddConstraint(
            model_name="reportfiling",
            constraint=models.UniqueConstraint(fields=("report", "revision"), name="report_filing_unique_revision"),
        ),
        migrations.AddConstraint(
            model_name="reportfiling",
            constraint=models.UniqueConstraint(
                condition=Q(state__in=["pending", "accepted"]), fields=("report",), name="report_filing_one_open"
            ),
        ),
    ]
