"""Two companies, A and B, each with a manager; an operator; a kind of status. Built through the services."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from mosprom.companies import services
from mosprom.companies.models import Representative
from mosprom.registry import services as registry_services
from mosprom.registry.models import StatusKind

_seq = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
VALID_INNS = ["7707083893", "7736050003", "7702070139", "7706413348", "7728168971"]


def pdf(name: str = "plan.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def make_user(db: Any) -> Any:
    def make(email: str = "") -> Any:
        n = next(_seq)
        email = email or f"person{n}@example.ru"
        return get_user_model().objects.create_user(username=email, email=email, password="Very-secret-2026")

    return make


@pytest.fixture
def org_a(db: Any) -> Any:
    return registry_services.organisation_create(short_name="ООО «Альфа»", inn=VALID_INNS[0], slug="alfa")


@pytest.fixture
def org_b(db: Any) -> Any:
    return registry_services.organisation_create(short_name="ООО «Бета»", inn=VALID_INNS[1], slug="beta")


@pytest.fixture
def rep_a(org_a: Any, make_user: Any) -> Any:
    user = make_user("manager@alfa.ru")
    Representative.objects.create(user=user, organisation=org_a, is_manager=True)
    return user


@pytest.fixture
def rep_b(org_b: Any, make_user: Any) -> Any:
    user = make_user("manager@beta.ru")
    Representative.objects.create(user=user, organisation=org_b, is_manager=True)
    return user


@pytest.fixture
def kind(db: Any) -> StatusKind:
    return StatusKind.objects.create(
        code="city-technopark", name="Городской технопарк", term_years=10, benefits="Льготы по налогу на имущество"
    )


ANSWERS = {"area": "12000", "investment": "150.5", "jobs": "200", "new_productions": "2", "products": "Конденсаторы"}


@pytest.fixture
def submitted(rep_a: Any, org_a: Any, kind: StatusKind) -> Any:
    app = services.application_create(actor=rep_a, organisation=org_a, kind=kind)
    services.application_save_answers(actor=rep_a, application=app, answers=ANSWERS)
    services.application_add_document(actor=rep_a, application=app, upload=pdf())
    return services.application_submit(actor=rep_a, application=app)
