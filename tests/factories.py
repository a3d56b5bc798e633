"""factory_boy factories, one per model, shared by every suite.

Each builds a valid row with the fewest fields; tests name only what they are about:
`OrganisationFactory(short_name="Росатом", kind=Organisation.Kind.STATE_CORPORATION)`,
`SessionFactory(tour__host=org, capacity=20)`. Rows are saved through the model (its `save()` keeps the
folded search columns); writes that must go through a rule (a registration, a status approval) are made
in tests through the services, not here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from mosprom.core.roles import operators_group
from mosprom.partnerships.models import Agreement, AgreementParty, Duty, Milestone, Project
from mosprom.registry.models import (
    Industry,
    Membership,
    Organisation,
    Production,
    Residency,
    Site,
    Status,
    StatusKind,
)
from mosprom.tours.models import Format, Season, Session, Tour


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("test-pass-2026")


class OperatorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"operator{n}")
    is_staff = True

    @factory.post_generation
    def operators(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.groups.add(operators_group())


class IndustryFactory(DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Отрасль {n}")
    name_en = factory.Sequence(lambda n: f"Industry {n}")
    slug = factory.Sequence(lambda n: f"industry-{n}")


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Площадка {n}")
    slug = factory.Sequence(lambda n: f"site-{n}")
    kind = Site.Kind.TECHNOPARK


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    short_name = factory.Sequence(lambda n: f"ООО «Компания {n}»")
    full_name = factory.LazyAttribute(lambda o: o.short_name)
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ResidencyFactory(DjangoModelFactory):
    class Meta:
        model = Residency

    organisation = factory.SubFactory(OrganisationFactory)
    site = factory.SubFactory(SiteFactory)


class ProductionFactory(DjangoModelFactory):
    class Meta:
        model = Production

    organisation = factory.SubFactory(OrganisationFactory)
    product = factory.Sequence(lambda n: f"Изделие {n}")


class StatusKindFactory(DjangoModelFactory):
    class Meta:
        model = StatusKind
        django_get_or_create = ("code",)

    code = "technopark"
    name = "Технопарк"


class StatusFactory(DjangoModelFactory):
    class Meta:
        model = Status

    kind = factory.SubFactory(StatusKindFactory)
    holder = factory.SubFactory(OrganisationFactory)
    granted_on = factory.LazyFunction(date.today)


class SeasonFactory(DjangoModelFactory):
    class Meta:
        model = Season
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Сезон {n}")
    slug = factory.Sequence(lambda n: f"season-{n}")
    starts_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: date.today() + timedelta(days=300))
    registration_opens_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))


class FormatFactory(DjangoModelFactory):
    class Meta:
        model = Format
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"формат {n}")
    slug = factory.Sequence(lambda n: f"format-{n}")


class TourFactory(DjangoModelFactory):
    class Meta:
        model = Tour
        django_get_or_create = ("slug",)

    host = factory.SubFactory(OrganisationFactory)
    format = factory.SubFactory(FormatFactory, slug="excursion", name="экскурсия")
    title = factory.Sequence(lambda n: f"Экскурсия {n}")
    slug = factory.Sequence(lambda n: f"tour-{n}")
    address = "Москва, ул. Примерная, 1"
    meeting_point = "Проходная"
    state = Tour.State.PUBLISHED
    duration_minutes = 90


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    tour = factory.SubFactory(TourFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    capacity = 10


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Соглашение {n}")
    slug = factory.Sequence(lambda n: f"agreement-{n}")
    signed_on = date(2025, 1, 15)


class AgreementPartyFactory(DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    partner = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"P-{n}")
    title = factory.Sequence(lambda n: f"Проект {n}")
    category = Project.Category.PRODUCTION


class DutyFactory(DjangoModelFactory):
    class Meta:
        model = Duty

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SelfAttribute("project.partner")
    text = "Оснастить производство"


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Этап {n}")
    due_on = factory.LazyFunction(lambda: date.today() + timedelta(days=60))
