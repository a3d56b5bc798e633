"""The demo loader: the seeds' agreements, a road map of realistic size, idempotent."""

from __future__ import annotations

from datetime import date
from typing import Any

import time_machine

from mosprom.demo import partnerships as demo
from mosprom.partnerships.models import Agreement, Duty, Milestone, Project


def test_demo_loader_is_idempotent_and_follows_the_seeds(db: Any) -> None:
    with time_machine.travel(date(2026, 11, 23), tick=False):
        demo.load()
        counts = (Agreement.objects.count(), Project.objects.count(), Duty.objects.count(), Milestone.objects.count())
        demo.load()
        assert counts == (
            Agreement.objects.count(),
            Project.objects.count(),
            Duty.objects.count(),
            Milestone.objects.count(),
        )
        clusters = Agreement.objects.get(slug="moscow-rosnano-fiop-clusters-2015")
        assert clusters.ends_on == date(2020, 2, 9) and clusters.status == Agreement.Status.EXPIRED
        assert clusters.directions.count() == 5
        assert {p.organisation.slug for p in clusters.parties.all()} == {"moscow-government", "rosnano", "fiop"}
        ev = Agreement.objects.get(slug="moscow-rosatom-kamaz-ev-2023")
        assert ev.signed_on == date(2023, 9, 29) and ev.parties.count() == 3
        assert Agreement.objects.get(kind=Agreement.Kind.OFFSET).related_to == ev
        session = Agreement.objects.get(kind=Agreement.Kind.STRATEGIC_SESSION)
        assert session.signed_on == date(2025, 10, 21) and session.status == Agreement.Status.ACTIVE
        giga = Project.objects.get(code="RA-001")
        assert sorted(d.text for d in giga.duties.all()) == [
            "Москва возводит корпус завода",
            "Росатом обеспечивает технологическое оснащение",
        ]
        rosatom = Project.objects.filter(partner__slug="rosatom")
        assert rosatom.count() >= 300 and rosatom.filter(is_demo=True).count() == 300
        assert rosatom.filter(is_demo=False).count() == 8
        overdue = Milestone.objects.filter(done_on__isnull=True, due_on__lt=date(2026, 11, 23))
        assert overdue.exists()
        # done dates never lie in the future
        assert not Milestone.objects.filter(done_on__gt=date(2026, 11, 23)).exists()
