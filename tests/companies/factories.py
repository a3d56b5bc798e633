"""factory_boy factories for the company cabinet's models (built on the shared ones in tests/factories.py).

Rows that must go through a rule (a submission, a decision) are made through the services in the tests.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from mosprom.companies import models
from tests.factories import OrganisationFactory, StatusFactory, StatusKindFactory, UserFactory


class RepresentativeFactory(DjangoModelFactory):
    class Meta:
        model = models.Representative

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    is_manager = True


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = models.Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.com")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class AccessRequestFactory(DjangoModelFactory):
    class Meta:
        model = models.AccessRequest

    inn = "7707083893"
    organisation_name = factory.Sequence(lambda n: f"ООО «Заявитель {n}»")
    contact_name = "Иван Петров"
    email = factory.Sequence(lambda n: f"request{n}@example.com")


class StatusKindTermsFactory(DjangoModelFactory):
    class Meta:
        model = models.StatusKindTerms
        django_get_or_create = ("kind",)

    kind = factory.SubFactory(StatusKindFactory)
    questions = factory.LazyFunction(lambda: ["area", "investment", "jobs"])


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = models.Application

    organisation = factory.SubFactory(OrganisationFactory)
    kind = factory.SubFactory(StatusKindFactory)
    stage_changed_at = factory.LazyFunction(timezone.now)


class ApplicationEventFactory(DjangoModelFactory):
    class Meta:
        model = models.ApplicationEvent

    application = factory.SubFactory(ApplicationFactory)
    stage = models.Application.Stage.COMPLETENESS
    side = models.ApplicationEvent.Side.COMPANY


class ProfileProposalFactory(DjangoModelFactory):
    class Meta:
        model = models.ProfileProposal

    organisation = factory.SubFactory(OrganisationFactory)
    changes = factory.LazyFunction(lambda: {"description": "Новое описание"})


class ProductionReportFactory(DjangoModelFactory):
    class Meta:
        model = models.ProductionReport

    organisation = factory.SubFactory(OrganisationFactory)
    product = factory.Sequence(lambda n: f"Изделие {n}")


class HostApplicationFactory(DjangoModelFactory):
    class Meta:
        model = models.HostApplication

    organisation = factory.SubFactory(OrganisationFactory)
    tours_offered = "Экскурсия по цеху"
    capacity = 15
    contact_name = "Анна"
    contact_email = factory.Sequence(lambda n: f"tours{n}@example.com")


class HostCapabilityFactory(DjangoModelFactory):
    class Meta:
        model = models.HostCapability
        django_get_or_create = ("organisation",)

    organisation = factory.SubFactory(OrganisationFactory)


class ReportFilingFactory(DjangoModelFactory):
    class Meta:
        model = models.ReportFiling

    organisation = factory.LazyAttribute(lambda f: f.report.status.holder)
    report = factory.LazyFunction(
        lambda: StatusFactory().reports.create(
            year=2025, jobs=10, productions_launched=1, investment=Decimal("1"), submitted_on=timezone.localdate()
        )
    )
    jobs = factory.LazyAttribute(lambda f: f.report.jobs)
    productions_launched = factory.LazyAttribute(lambda f: f.report.productions_launched)
    investment = factory.LazyAttribute(lambda f: f.report.investment)
    meets_obligations = factory.LazyAttribute(lambda f: f.report.meets_obligations)
