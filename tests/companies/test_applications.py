"""Status applications from the cabinet: every transition, the refused ones, documents and e-mails."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from mosprom.companies import services
from mosprom.companies.models import Application, StatusKindTerms
from mosprom.core.errors import Forbidden, Refused
from mosprom.registry.models import Status, StatusApplication

from .conftest import ANSWERS, PDF, PNG, pdf

pytestmark = pytest.mark.django_db


def _subjects() -> list[str]:
    return [m.subject for m in mail.outbox]


def test_draft_needs_answers_and_a_document(rep_a: Any, org_a: Any, kind: Any) -> None:
    app = services.application_create(actor=rep_a, organisation=org_a, kind=kind)
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=rep_a, application=app)
    assert {"q_area", "q_jobs", "file"} <= set(exc.value.error_dict)
    app.refresh_from_db()
    assert app.stage == Application.Stage.DRAFT and app.record is None


def test_full_journey_to_the_granted_status(submitted: Application, operator: Any, rep_a: Any) -> None:
    app = submitted
    assert app.stage == Application.Stage.COMPLETENESS
    assert app.record is not None and app.record.state == StatusApplication.State.SUBMITTED
    assert app.record.obliged_jobs == 200 and app.record.obliged_investment == Decimal("150.5")
    assert (
        mail.outbox[-1].to == ["manager@alfa.ru"]
        and mail.outbox[-1].subject == "Ваша заявка на статус «Городской технопарк» получена"
    )

    services.application_request_info(actor=operator, application=app, message="Приложите план площадки")
    app.refresh_from_db()
    assert app.stage == Application.Stage.INFO_REQUESTED
    assert "Приложите план площадки" in mail.outbox[-1].body

    services.application_add_document(actor=rep_a, application=app, upload=pdf("site-plan.pdf"))
    services.application_answer(actor=rep_a, application=app, message="План приложен")
    app.refresh_from_db()
    assert app.stage == Application.Stage.COMPLETENESS

    services.application_start_review(actor=operator, application=app)
    app.refresh_from_db()
    assert app.stage == Application.Stage.EXPERT_REVIEW
    assert app.record.state == StatusApplication.State.UNDER_REVIEW

    with pytest.raises(Refused) as exc:
        services.application_approve(actor=operator, application=app)
    assert exc.value.code == "no_verdict"
    services.application_add_verdict(actor=operator, application=app, expert_name="Эксперт", verdict="support")
    status = services.application_approve(actor=operator, application=app, message="Поздравляем")
    app.refresh_from_db()
    assert app.stage == Application.Stage.APPROVED
    assert status.holder == app.organisation and status.kind.benefits
    assert status.valid_until is not None and status.valid_until.year == status.granted_on.year + 10
    stages = [e.stage for e in app.events.all()]
    assert stages == ["completeness", "info_requested", "completeness", "expert_review", "approved"]
    assert len(mail.outbox) == 4  # received, question, expert review, granted (the answer sends none)
    assert mail.outbox[-1].subject == "Статус «Городской технопарк» предоставлен"
    assert "Поздравляем" in mail.outbox[-1].body


def test_double_submission_and_second_open_application_are_refused(submitted: Application, rep_a: Any) -> None:
    with pytest.raises(Refused) as exc:
        services.application_submit(actor=rep_a, application=submitted)
    assert exc.value.code == "already_submitted"
    with pytest.raises(Refused) as exc:
        services.application_create(actor=rep_a, organisation=submitted.organisation, kind=submitted.kind)
    assert exc.value.code == "application_open"
    assert StatusApplication.objects.count() == 1


def test_transitions_out_of_order_are_refused(submitted: Application, operator: Any, rep_a: Any) -> None:
    with pytest.raises(Refused) as exc:
        services.application_approve(actor=operator, application=submitted)
    assert exc.value.code == "invalid_stage"
    with pytest.raises(Refused):
        services.application_answer(actor=rep_a, application=submitted, message="?")
    with pytest.raises(Refused) as exc:
        services.application_save_answers(actor=rep_a, application=submitted, answers=ANSWERS)
    assert exc.value.code == "already_submitted"
    with pytest.raises(Forbidden):
        services.application_start_review(actor=rep_a, application=submitted)


def test_reject_needs_a_reason_and_closes_the_registry_record(submitted: Application, operator: Any) -> None:
    with pytest.raises(Refused) as exc:
        services.application_reject(actor=operator, application=submitted, message=" ")
    assert exc.value.code == "comment_required"
    services.application_reject(actor=operator, application=submitted, message="Нет документов на землю")
    submitted.refresh_from_db()
    assert submitted.stage == Application.Stage.REJECTED
    assert submitted.record is not None and submitted.record.state == StatusApplication.State.REJECTED
    assert "Нет документов на землю" in mail.outbox[-1].body
    # A rejected application no longer blocks a new one.
    services.application_create(actor=submitted.created_by, organisation=submitted.organisation, kind=submitted.kind)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("plan.pdf", b"MZ\x90\x00 not a pdf at all", "file_type"),
        ("plan.exe", PDF, "file_type"),
        ("photo.pdf", PNG, "file_type"),
        ("empty.pdf", b"", "empty_file"),
    ],
)
def test_wrong_documents_are_refused(rep_a: Any, org_a: Any, kind: Any, name: str, content: bytes, code: str) -> None:
    app = services.application_create(actor=rep_a, organisation=org_a, kind=kind)
    with pytest.raises(ValidationError) as exc:
        services.application_add_document(actor=rep_a, application=app, upload=pdf(name, content))
    assert exc.value.error_dict["file"][0].code == code
    assert not app.documents.exists()


def test_document_over_the_limit_is_refused(rep_a: Any, org_a: Any, kind: Any, settings: Any) -> None:
    settings.COMPANIES_DOCUMENT_MAX_BYTES = 100
    app = services.application_create(actor=rep_a, organisation=org_a, kind=kind)
    with pytest.raises(ValidationError) as exc:
        services.application_add_document(actor=rep_a, application=app, upload=pdf(content=PDF + b"0" * 200))
    assert exc.value.error_dict["file"][0].code == "file_too_large"


def test_png_and_jpeg_are_accepted_and_stored_through_storage(rep_a: Any, org_a: Any, kind: Any) -> None:
    app = services.application_create(actor=rep_a, organisation=org_a, kind=kind)
    doc = services.application_add_document(actor=rep_a, application=app, upload=pdf("scan.PNG", PNG))
    assert doc.content_type == "image/png"
    assert doc.file.storage.exists(doc.file.name)
    jpeg = services.application_add_document(
        actor=rep_a, application=app, upload=pdf("scan.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20)
    )
    assert jpeg.content_type == "image/jpeg"


def test_kind_questionnaire_decides_the_questions(rep_a: Any, org_a: Any, kind: Any) -> None:
    StatusKindTerms.objects.create(kind=kind, questions=["area", "residents"])
    app = services.application_create(actor=rep_a, organisation=org_a, kind=kind)
    services.application_save_answers(actor=rep_a, application=app, answers={"area": "5000", "jobs": "9"})
    app.refresh_from_db()
    assert app.answers == {"area": "5000"}
    with pytest.raises(ValidationError) as exc:
        services.application_save_answers(actor=rep_a, application=app, answers={"residents": "много"})
    assert "q_residents" in exc.value.error_dict


def test_other_company_cannot_touch_the_application(submitted: Application, rep_b: Any) -> None:
    for call in (
        lambda: services.application_answer(actor=rep_b, application=submitted, message="x"),
        lambda: services.application_add_document(actor=rep_b, application=submitted, upload=pdf()),
        lambda: services.application_create(actor=rep_b, organisation=submitted.organisation, kind=submitted.kind),
    ):
        with pytest.raises(Forbidden) as exc:
            call()
        assert exc.value.code == "not_your_organisation"


def test_holding_the_status_already_is_refused(submitted: Application, operator: Any, rep_a: Any) -> None:
    services.application_start_review(actor=operator, application=submitted)
    services.application_add_verdict(actor=operator, application=submitted, expert_name="Э", verdict="support")
    services.application_approve(actor=operator, application=submitted)
    with pytest.raises(Refused) as exc:
        services.application_create(actor=rep_a, organisation=submitted.organisation, kind=submitted.kind)
    assert exc.value.code == "status_held"
    assert Status.objects.count() == 1
