"""Factories for the tours tests (plain functions: explicit and fast)."""

from __future__ import annotations

import itertools
import os
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mosprom.demo.formats import format_get_or_create
from mosprom.registry.models import Membership, Organisation, Site
from mosprom.tours import services, tickets
from mosprom.tours.models import Format, Registration, Session, Tour
from tests.factories import OrganisationFactory

_seq = itertools.count(1)

# The live rush (gunicorn + PostgreSQL + a real SMTP server) runs in the PostgreSQL pass only; on SQLite it is
# not collected (never skipped) — not even when the file is named on the command line, which collect_ignore
# does not cover.
_LIVE_RUSH = "test_live_rush.py"
_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
collect_ignore = [] if _POSTGRES else [_LIVE_RUSH]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _POSTGRES:
        items[:] = [item for item in items if item.path.name != _LIVE_RUSH]


def make_org(slug: str | None = None, **kw: Any) -> Organisation:
    return OrganisationFactory(**({"slug": slug} if slug else {}), **kw)


def make_format(slug: str = "excursion") -> Format:
    return format_get_or_create(slug=slug)


def make_tour(host: Organisation | None = None, **kw: Any) -> Tour:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "title": f"Экскурсия {n}",
        "slug": f"tour-{n}",
        "address": "Москва, ул. Примерная, 1",
        "meeting_point": "Проходная",
        "state": Tour.State.PUBLISHED,
        "duration_minutes": 90,
    }
    defaults.update(kw)
    fmt = defaults.pop("format", None) or make_format()
    return Tour.objects.create(host=host or make_org(), format=fmt, **defaults)


def make_session(tour: Tour | None = None, *, days: int = 10, capacity: int = 10, **kw: Any) -> Session:
    starts = kw.pop("starts_at", None) or timezone.now() + timedelta(days=days)
    return Session.objects.create(tour=tour or make_tour(), starts_at=starts, capacity=capacity, **kw)


def register(
    session: Session, *, email: str | None = None, party: int = 1, now: datetime | None = None, **kw: Any
) -> Registration:
    n = next(_seq)
    outcome = services.registration_create(
        session_id=session.pk,
        name=kw.pop("name", f"Гость {n}"),
        email=email or f"guest{n}@example.com",
        phone=kw.pop("phone", "+7 495 123-45-67"),
        party_size=party,
        consent=kw.pop("consent", True),
        now=now,
        **kw,
    )
    return outcome.registration


def confirm(registration: Registration, now: datetime | None = None) -> Registration:
    return services.registration_confirm(signed=tickets.sign("confirm", registration.token), now=now)


def host_user(org: Organisation, username: str | None = None) -> Any:
    user = get_user_model().objects.create_user(username=username or f"host{next(_seq)}", password="pw-host-2026")
    Membership.objects.create(user=user, organisation=org)
    return user


def make_site(**kw: Any) -> Site:
    n = next(_seq)
    return Site.objects.create(name=kw.pop("name", f"Площадка {n}"), slug=f"site-{n}", kind="technopark", **kw)


@pytest.fixture
def session(db: Any) -> Session:
    return make_session()
