from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from mosprom.registry import services
from mosprom.registry.models import Organisation, Site, Status, StatusApplication

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}  # type: ignore[misc]


def test_organisation_create_folds_search_text_and_makes_latin_slug() -> None:
    org = services.organisation_create(short_name="Госкорпорация «Росатом»", name_variants=["ГК Росатом"])
    assert org.slug == "goskorporatsiya-rosatom"
    assert "росатом" in org.search_text


def test_invalid_inn_is_refused_with_translated_message() -> None:
    with pytest.raises(ValidationError) as info:
        services.organisation_create(short_name="ООО «Ошибка»", inn="7706413349")
    assert _codes(info.value)["inn"] == ["invalid_inn"]
    assert "ИНН" in " ".join(info.value.messages)
    assert not Organisation.objects.exists()


def test_invalid_ogrn_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        services.organisation_create(short_name="ООО «Ошибка»", ogrn="1234567890123")
    assert "invalid_ogrn" in _codes(info.value)["ogrn"]


def test_duplicate_inn_names_the_owner() -> None:
    services.organisation_create(short_name="Росатом", inn="7706413348")
    with pytest.raises(ValidationError) as info:
        services.organisation_create(short_name="Копия", inn="7706413348")
    assert _codes(info.value)["inn"] == ["duplicate_inn"]
    assert "Росатом" in " ".join(info.value.messages)
    assert Organisation.objects.count() == 1


def test_update_keeps_own_inn_and_refuses_parent_cycle(make_org: Any) -> None:
    parent = make_org(inn="7706413348")
    child = make_org(parent=parent)
    services.organisation_update(organisation=parent, short_name="Новое имя")
    with pytest.raises(ValidationError) as info:
        services.organisation_update(organisation=parent, parent=child)
    assert _codes(info.value)["parent"] == ["parent_cycle"]


def test_site_coordinates_range_and_pair(make_site: Any) -> None:
    with pytest.raises(ValidationError) as info:
        make_site(latitude=Decimal("91"), longitude=Decimal("37"))
    assert "coordinates_out_of_range" in _codes(info.value)["latitude"]
    with pytest.raises(ValidationError) as info:
        make_site(latitude=Decimal("55"))
    assert "coordinates_incomplete" in _codes(info.value)["longitude"]
    assert not Site.objects.exists()


def test_site_parent_cycle_refused(make_site: Any) -> None:
    root = make_site(kind=Site.Kind.SEZ)
    child = make_site(parent=root)
    with pytest.raises(ValidationError) as info:
        services.site_update(site=root, parent=child)
    assert _codes(info.value)["parent"] == ["parent_cycle"]
    with pytest.raises(ValidationError):
        services.site_update(site=root, parent=root)


def test_residency_until_before_since(make_org: Any, make_site: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.residency_create(
            organisation=make_org(), site=make_site(), since=date(2024, 1, 1), until=date(2023, 1, 1)
        )
    assert "until_before_since" in _codes(info.value)["until"]


def test_production_negative_investment_refused(make_org: Any) -> None:
    with pytest.raises(ValidationError):
        services.production_create(organisation=make_org(), product="X", investment=Decimal("-1"))


def _application(make_org: Any, kind: Any) -> StatusApplication:
    return services.status_application_submit(
        applicant=make_org(), kind=kind, submitted_on=date(2025, 1, 10),
        obliged_jobs=100, obliged_productions=2, obliged_investment=Decimal("300"),
    )  # fmt: skip


def test_application_workflow_to_approval(make_org: Any, technopark_kind: Any) -> None:
    app = _application(make_org, technopark_kind)
    with pytest.raises(ValidationError) as info:
        services.status_application_approve(application=app)
    assert info.value.code == "invalid_state"
    services.status_application_start_review(application=app)
    with pytest.raises(ValidationError) as info:
        services.status_application_approve(application=app)
    assert info.value.code == "no_verdict"
    services.status_application_add_verdict(application=app, expert_name="Иванов", verdict="support", comment="Да")
    services.status_application_add_verdict(application=app, expert_name="Петрова", verdict="oppose", comment="Нет")
    status = services.status_application_approve(application=app, granted_on=date(2025, 3, 1))
    app.refresh_from_db()
    assert app.state == StatusApplication.State.APPROVED and app.status == status
    assert status.valid_until == date(2035, 3, 1)  # a technopark's term is 10 years
    assert (status.obliged_jobs, status.obliged_productions, status.obliged_investment) == (100, 2, Decimal("300"))
    assert app.verdicts.count() == 2
    with pytest.raises(ValidationError):
        services.status_application_reject(application=app, reason="поздно")


def test_term_from_29_february(make_org: Any, technopark_kind: Any) -> None:
    app = _application(make_org, technopark_kind)
    services.status_application_start_review(application=app)
    services.status_application_add_verdict(application=app, expert_name="Иванов", verdict="support")
    status = services.status_application_approve(application=app, granted_on=date(2024, 2, 29))
    assert status.valid_until == date(2034, 2, 28)


def test_reject_needs_a_reason(make_org: Any, technopark_kind: Any) -> None:
    app = _application(make_org, technopark_kind)
    with pytest.raises(ValidationError) as info:
        services.status_application_reject(application=app, reason="  ")
    assert "rejection_reason" in info.value.error_dict
    app = services.status_application_reject(application=app, reason="Мало площади", decided_on=date(2025, 2, 1))
    assert app.state == StatusApplication.State.REJECTED and app.rejection_reason == "Мало площади"


def test_verdict_only_under_review(make_org: Any, technopark_kind: Any) -> None:
    app = _application(make_org, technopark_kind)
    with pytest.raises(ValidationError):
        services.status_application_add_verdict(application=app, expert_name="Иванов", verdict="support")


def _granted(make_org: Any, kind: Any) -> Status:
    app = _application(make_org, kind)
    services.status_application_start_review(application=app)
    services.status_application_add_verdict(application=app, expert_name="Иванов", verdict="support")
    return services.status_application_approve(application=app, granted_on=date(2024, 3, 1))


def test_annual_report_computes_meets_obligations(make_org: Any, technopark_kind: Any) -> None:
    status = _granted(make_org, technopark_kind)
    good = services.annual_report_submit(status=status, year=2024, jobs=120, productions_launched=2, investment=300)
    assert good.meets_obligations
    bad = services.annual_report_submit(status=status, year=2025, jobs=99, productions_launched=5, investment=900)
    assert not bad.meets_obligations
    with pytest.raises(ValidationError) as info:
        services.annual_report_submit(status=status, year=2025, jobs=1, productions_launched=1, investment=1)
    assert _codes(info.value)["year"] == ["duplicate_report"]
    with pytest.raises(ValidationError):
        services.annual_report_submit(status=status, year=2020, jobs=1, productions_launched=1, investment=1)


def test_confirmation_check_flags_missing_after_deadline_only(make_org: Any, technopark_kind: Any) -> None:
    missing = _granted(make_org, technopark_kind)
    with time_machine.travel(date(2025, 3, 31)):
        assert services.status_confirmation_check(year=2024) == []
    missing.refresh_from_db()
    assert missing.state == Status.State.ACTIVE
    with time_machine.travel(date(2025, 4, 2)):
        assert services.status_confirmation_check() == [missing.pk]  # defaults to last year
        assert services.status_confirmation_check() == []  # idempotent
    missing.refresh_from_db()
    assert missing.state == Status.State.FLAGGED
    assert "2024" in missing.flag_reason and "1 апреля 2025" in missing.flag_reason


def test_failing_report_flags_at_once_and_the_check_agrees(make_org: Any, technopark_kind: Any) -> None:
    good, failing = _granted(make_org, technopark_kind), _granted(make_org, technopark_kind)
    services.annual_report_submit(
        status=good, year=2024, jobs=100, productions_launched=2, investment=300, submitted_on=date(2025, 2, 1)
    )
    services.annual_report_submit(
        status=failing, year=2024, jobs=50, productions_launched=2, investment=300, submitted_on=date(2025, 2, 1)
    )
    good.refresh_from_db()
    failing.refresh_from_db()
    assert good.state == Status.State.ACTIVE
    assert failing.state == Status.State.FLAGGED and failing.flagged_at is not None
    assert "50" in failing.flag_reason and "100" in failing.flag_reason
    # the daily check flags the same status (were it unflagged), never the good one
    assert services.status_confirmation_check(year=2024, today=date(2025, 2, 1)) == []
    services.status_update(status=failing, state=Status.State.ACTIVE)
    failing.refresh_from_db()
    assert failing.flagged_at is None
    assert services.status_confirmation_check(year=2024, today=date(2025, 2, 1)) == [failing.pk]


def test_late_report_flags_the_status_and_keeps_earlier_reasons(make_org: Any, technopark_kind: Any) -> None:
    status = _granted(make_org, technopark_kind)
    assert services.status_confirmation_check(year=2024, today=date(2025, 4, 2)) == [status.pk]
    status.refresh_from_db()
    flagged_at = status.flagged_at
    services.annual_report_submit(
        status=status, year=2024, jobs=120, productions_launched=2, investment=300, submitted_on=date(2025, 4, 10)
    )
    status.refresh_from_db()
    reasons = status.flag_reason.splitlines()
    assert len(reasons) == 2 and "1 апреля 2025" in reasons[0]
    assert "10 апреля 2025" in reasons[1] and "после срока" in reasons[1]
    assert status.flagged_at == flagged_at  # flagged since the first reason
    on_time = _granted(make_org, technopark_kind)
    services.annual_report_submit(
        status=on_time, year=2024, jobs=120, productions_launched=2, investment=300, submitted_on=date(2025, 4, 1)
    )
    on_time.refresh_from_db()
    assert on_time.state == Status.State.ACTIVE and on_time.flag_reason == ""


def test_status_flag_only_for_a_held_status(make_org: Any, technopark_kind: Any) -> None:
    status = _granted(make_org, technopark_kind)
    services.status_flag(status=status, reason="Отчёт за 2024 год возвращён", year=2024)
    services.status_flag(status=status, reason="Отчёт за 2024 год возвращён", year=2024)  # the same reason once
    status.refresh_from_db()
    assert status.state == Status.State.FLAGGED and status.flag_reason == "Отчёт за 2024 год возвращён"
    services.status_update(status=status, state=Status.State.REVOKED)
    services.status_flag(status=status, reason="Ещё причина", year=2024)
    status.refresh_from_db()
    assert status.state == Status.State.REVOKED


def test_periodic_task_is_registered_and_runs(make_org: Any, technopark_kind: Any) -> None:
    from mosprom.core import periodic
    from mosprom.registry.tasks import status_confirmation_check

    assert any(p.task is status_confirmation_check for p in periodic.registered())
    _granted(make_org, technopark_kind)
    with time_machine.travel(date(2025, 5, 1)):
        result = status_confirmation_check.enqueue()
    assert result.return_value == 1
