"""Smoke run of bench/datagen.py at a tiny scale on the test database: shape, flags, determinism, removal."""

from __future__ import annotations

import pytest

from bench import datagen
from mosprom.partnerships.models import Project
from mosprom.registry.models import Organisation, Production
from mosprom.tours.models import Registration, Session, Tour

pytestmark = pytest.mark.django_db

SCALE = 0.001  # 2 organisations, 20 productions, 10 tours, 100 sessions, 1,000 registrations, 1 project


def test_counts_scale_from_the_full_size() -> None:
    assert datagen.counts_for(1) == {
        "organisations": 2000,
        "productions": 20_000,
        "tours": 10_000,
        "sessions": 100_000,
        "registrations": 1_000_000,
        "projects": 1000,
    }
    assert datagen.counts_for(SCALE) == {
        "organisations": 2,
        "productions": 20,
        "tours": 10,
        "sessions": 100,
        "registrations": 1000,
        "projects": 1,
    }


def test_generate_flags_everything_and_never_oversells() -> None:
    written = datagen.generate(SCALE, progress=False)
    assert written["tours.Registration"] == 1000
    assert Organisation.objects.filter(is_demo=True, slug__startswith="synth-").count() == 2
    assert Tour.objects.filter(is_demo=True, slug__startswith="synth-").count() == 10
    assert Session.objects.filter(tour__slug__startswith="synth-").count() == 100
    assert Production.objects.filter(is_demo=True).count() == 20
    assert Project.objects.filter(is_demo=True, code__startswith="SYN-").count() == 1
    assert Registration.objects.exclude(email__endswith="@synthetic.invalid").count() == 0
    assert datagen.exists() is True
    for session in Session.objects.all():
        booked = sum(
            r.party_size for r in session.registrations.all() if r.state in ("held", "confirmed", "checked_in")
        )
        assert booked <= session.capacity
    # Ids follow the existing rows, so a new object still gets a fresh id from the sequence.
    tour = Tour.objects.first()
    assert tour is not None
    extra = Session.objects.create(tour=tour, starts_at=tour.created_at, capacity=5)
    assert extra.pk > Session.objects.exclude(pk=extra.pk).order_by("-pk").values_list("pk", flat=True)[0]


def test_same_seed_gives_the_same_rows_and_remove_deletes_them_all() -> None:
    keep = Organisation.objects.create(slug="real-org", short_name="Настоящая", full_name="ООО «Настоящая»")
    datagen.generate(SCALE, progress=False)
    first = list(Production.objects.order_by("id").values_list("product", "opened_on", "jobs", "import_substitution"))
    deleted = datagen.remove()
    assert sum(deleted.values()) > 1000
    assert datagen.exists() is False
    assert Registration.objects.count() == 0
    assert Tour.objects.count() == 0
    assert list(Organisation.objects.values_list("pk", flat=True)) == [keep.pk]
    datagen.generate(SCALE, progress=False)
    again = list(Production.objects.order_by("id").values_list("product", "opened_on", "jobs", "import_substitution"))
    assert again == first
