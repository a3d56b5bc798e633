from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "mosprom.companies"
    label = "companies"
    verbose_name = _("Company cabinet")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from mosprom.core import periodic

        from . import models, tasks

        for model in (
            models.Representative,
            models.Invitation,
            models.AccessRequest,
            models.StatusKindTerms,
            models.Application,
            models.ProfileProposal,
            models.ProductionReport,
            models.ReportFiling,
            models.HostApplication,
            models.HostCapability,
            models.CompanyToken,
        ):
            auditlog.register(model, exclude_fields=["updated_at"])

        periodic.register(tasks.annual_report_reminders, every_seconds=24 * 3600)
