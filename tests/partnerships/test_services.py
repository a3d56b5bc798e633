"""Rules of agreements, projects, duties and milestones."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from mosprom.partnerships import services
from mosprom.partnerships.models import Agreement, Milestone, Project

from .conftest import TODAY


def test_agreement_term_computes_end_and_status_follows_the_clock(city: Any) -> None:
    agreement = services.agreement_create(
        title="Кластеры", slug="clusters", kind=Agreement.Kind.COOPERATION, signed_on=date(2015, 2, 9), term_years=5
    )
    assert agreement.ends_on == date(2020, 2, 9)
    with time_machine.travel(date(2019, 6, 1), tick=False):
        assert agreement.status == Agreement.Status.ACTIVE
        assert agreement.days_left() == (date(2020, 2, 9) - date(2019, 6, 1)).days
    with time_machine.travel(date(2020, 2, 9), tick=False):
        assert agreement.status == Agreement.Status.ACTIVE
        assert agreement.days_left() == 0
    with time_machine.travel(date(2020, 2, 10), tick=False):
        assert agreement.status == Agreement.Status.EXPIRED
        assert agreement.days_left() is None


def test_terminated_overrides_dates(agreement: Agreement) -> None:
    services.agreement_terminate(agreement=agreement, on=date(2026, 1, 1))
    with time_machine.travel(TODAY, tick=False):
        assert agreement.status == Agreement.Status.TERMINATED
    assert agreement.status_on(date(2025, 12, 31)) == Agreement.Status.ACTIVE


@pytest.mark.parametrize("term", [0, -3])
def test_term_must_be_positive(db: Any, term: int) -> None:
    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        services.agreement_create(title="x", slug="x", kind="other", signed_on=date(2020, 1, 1), term_years=term)
    assert "Срок" in str(exc.value.message_dict["term_years"])
    assert not Agreement.objects.exists()


def test_end_before_start_is_refused_in_russian(make_project: Any) -> None:
    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        make_project(planned_start=date(2027, 1, 1), planned_end=date(2026, 1, 1))
    assert exc.value.message_dict["planned_end"] == ["Плановое окончание раньше планового начала."]
    assert not Project.objects.exists()


def test_milestone_due_before_project_start_is_refused(make_project: Any) -> None:
    project = make_project()
    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        services.milestone_add(project=project, title="Рано", due_on=date(2025, 12, 31))
    assert "раньше начала проекта" in exc.value.message_dict["due_on"][0]


def test_duty_only_for_a_party_and_nothing_saved_half_way(
    make_project: Any, city: Any, corp: Any, outsider: Any
) -> None:
    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        make_project(duties=[(city, "Возводит корпус"), (outsider, "Чужая обязанность")])
    assert "не является стороной" in exc.value.message_dict["organisation"][0]
    assert not Project.objects.exists()
    project = make_project(duties=[(city, "Москва возводит корпус завода"), (corp, "Росатом оснащает")])
    assert [d.organisation for d in project.duties.all()] == [city, corp]


def test_partner_defaults_to_first_non_city_party(make_project: Any, corp: Any) -> None:
    assert make_project().partner == corp


def test_progress_and_overdue(make_project: Any) -> None:
    project = make_project(
        milestones=[
            {"title": "A", "due_on": date(2026, 3, 1), "done_on": date(2026, 3, 2)},
            {"title": "B", "due_on": date(2026, 6, 1)},
            {"title": "C", "due_on": date(2026, 12, 1)},
            {"title": "D", "due_on": date(2027, 6, 1)},
        ]
    )
    annotated = Project.objects.with_progress(TODAY).get(pk=project.pk)
    assert annotated.progress == 0.25
    assert annotated.milestones_overdue == 1
    assert Project.objects.get(pk=project.pk).progress == 0.25  # without annotations, same answer
    overdue = [m.title for m in project.milestones.all() if m.is_overdue(TODAY)]
    assert overdue == ["B"]
    assert make_project().progress is None


def test_mark_done_keeps_existing_dates(make_project: Any) -> None:
    project = make_project(
        milestones=[
            {"title": "A", "due_on": date(2026, 3, 1), "done_on": date(2026, 3, 2)},
            {"title": "B", "due_on": date(2026, 6, 1)},
        ]
    )
    n = services.milestone_mark_done(milestones=project.milestones.all(), on=TODAY)
    assert n == 1
    assert dict(Milestone.objects.values_list("title", "done_on")) == {"A": date(2026, 3, 2), "B": TODAY}


def test_project_action_marks_only_milestones_due(make_project: Any) -> None:
    project = make_project(
        milestones=[{"title": "A", "due_on": date(2026, 3, 1)}, {"title": "B", "due_on": date(2027, 6, 1)}]
    )
    assert services.project_milestones_mark_done(projects=[project], on=TODAY) == 1


def test_late_project(make_project: Any) -> None:
    late = make_project(planned_end=date(2026, 6, 1))
    done = make_project(planned_end=date(2026, 6, 1), status=Project.Status.COMPLETED)
    assert late.is_late(TODAY) and not done.is_late(TODAY)
