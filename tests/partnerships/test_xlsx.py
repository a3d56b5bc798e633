"""XLSX round trip and the all-or-nothing import with a report naming rows and columns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from mosprom.partnerships import services
from mosprom.partnerships.models import Duty, Milestone, Project
from mosprom.partnerships.xlsx import roadmap_workbook


def snapshot(partner: Any) -> list[Any]:
    rows = []
    for p in Project.objects.filter(partner=partner).order_by("code"):
        rows.append(
            (
                p.code,
                p.title,
                p.category,
                p.status,
                p.agreement_id,
                p.site_id,
                p.investment,
                p.planned_start,
                p.planned_end,
                p.actual_start,
                p.actual_end,
                p.description,
                sorted((d.organisation_id, d.text) for d in p.duties.all()),
                sorted((m.title, m.responsible_id, m.due_on, m.done_on) for m in p.milestones.all()),
            )
        )
    return rows


@pytest.fixture
def roadmap(make_project: Any, city: Any, corp: Any, site: Any) -> None:
    make_project(
        title="Гигафабрика",
        site=site,
        investment=Decimal("1234.50"),
        description="Корпус и оснащение",
        actual_start=date(2026, 2, 1),
        duties=[(city, "Москва возводит корпус завода"), (corp, "Росатом обеспечивает технологическое оснащение")],
        milestones=[
            {"title": "Корпус", "due_on": date(2026, 6, 1), "done_on": date(2026, 6, 3), "responsible": city},
            {"title": "Оснащение", "due_on": date(2027, 6, 1), "responsible": corp},
        ],
    )
    make_project(
        title="Зарядные станции",
        category=Project.Category.TRANSPORT,
        status=Project.Status.IDEA,
        planned_start=None,
        planned_end=None,
        agreement=None,
        partner=corp,
    )


def _upload(content: bytes, name: str = "roadmap.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_round_trip_export_then_import_gives_the_same_roadmap(operator_client: Any, roadmap: None, corp: Any) -> None:
    before = snapshot(corp)
    exported = operator_client.get(reverse("partnerships:roadmap_export", kwargs={"slug": "rosatom"})).content
    # import onto the unchanged road map: nothing changes
    report = services.roadmap_import(partner=corp, file=BytesIO(exported))
    assert report.ok and report.updated == 2 and report.created == 0
    assert snapshot(corp) == before
    # delete it all, import through the page: a preview first (nothing written), then the confirmation
    Project.objects.all().delete()
    url = reverse("partnerships:roadmap_import", kwargs={"slug": "rosatom"})
    preview = operator_client.post(url, {"file": _upload(exported)})
    assert preview.status_code == 200
    assert preview.context["plan"].created == 2 and not Project.objects.exists()
    token = preview.context["confirm"].initial["token"]
    response = operator_client.post(url, {"token": token})
    assert response.status_code == 302
    assert snapshot(corp) == before
    # the same token cannot be used twice
    again = operator_client.post(url, {"token": token})
    assert again.status_code == 400 and "Загрузите его ещё раз" in again.content.decode()


def test_template_example_row_is_not_imported(operator_client: Any, corp: Any) -> None:
    content = operator_client.get(reverse("partnerships:roadmap_template", kwargs={"slug": "rosatom"})).content
    report = services.roadmap_import(partner=corp, file=BytesIO(content))
    assert report.ok, report.errors
    assert report.examples_skipped == 1 and report.created == 0
    assert not Project.objects.exists() and not Duty.objects.exists() and not Milestone.objects.exists()
    # the preview says so
    url = reverse("partnerships:roadmap_import", kwargs={"slug": "rosatom"})
    html = operator_client.post(url, {"file": _upload(content)}).content.decode()
    assert 'data-testid="preview-example"' in html


def test_bad_file_changes_nothing_and_the_report_names_rows_and_columns(
    operator_client: Any, roadmap: None, corp: Any
) -> None:
    before = snapshot(corp)
    wb = load_workbook(
        BytesIO(roadmap_workbook(partner=corp, projects=Project.objects.filter(partner=corp), with_milestones=True))
    )
    ws = wb.worksheets[0]
    ws["B2"] = "Новое название, которое не должно сохраниться"  # a valid change in row 2
    ws.append(
        ["N-1", "Новый", "rosatom", "производство", "идея", None, None, None, "31.02.2026", None, None, None, None]
    )
    ws.append(
        [
            "N-2",
            "Чужой",
            "nobody",
            "космос",
            "мечта",
            None,
            None,
            None,
            date(2027, 1, 1),
            date(2026, 1, 1),
            None,
            None,
            None,
        ]
    )
    bad_wb = BytesIO()
    wb.save(bad_wb)
    response = operator_client.post(
        reverse("partnerships:roadmap_import", kwargs={"slug": "rosatom"}), {"file": _upload(bad_wb.getvalue())}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "ничего не изменилось" in html
    errors = [(e.row, e.column.split(" ")[0], e.message) for e in response.context["report"].errors]
    assert (4, "I", "«31.02.2026» — не дата (формат ДД.ММ.ГГГГ).") in errors
    assert any(r == 5 and c == "C" and "Неизвестный партнёр «nobody»" in m for r, c, m in errors)
    assert any(r == 5 and c == "D" and "космос" in m for r, c, m in errors)
    assert any(r == 5 and c == "E" and "мечта" in m for r, c, m in errors)
    assert snapshot(corp) == before


def test_end_before_start_and_unknown_party_rows(corp: Any, roadmap: None) -> None:
    wb = load_workbook(
        BytesIO(roadmap_workbook(partner=corp, projects=Project.objects.filter(partner=corp), with_milestones=True))
    )
    wb.worksheets[0].append(
        [
            "N-3",
            "Задом наперёд",
            "",
            "energy",
            "idea",
            None,
            None,
            None,
            date(2027, 1, 1),
            date(2026, 1, 1),
            None,
            None,
            None,
        ]
    )
    wb.worksheets[1].append(["N-3", "ghost-org", "Что-то делает"])
    wb.worksheets[2].append(["NOPE", "Веха", None, date(2027, 1, 1), None])
    buffer = BytesIO()
    wb.save(buffer)
    before = snapshot(corp)
    report = services.roadmap_import(partner=corp, file=BytesIO(buffer.getvalue()))
    assert not report.ok
    messages = {(e.sheet, e.row, e.column.split(" ")[0]): e.message for e in report.errors}
    assert messages[("Проекты", 4, "J")] == "Плановое окончание раньше планового начала."
    assert "NOPE" in messages[("Вехи", 4, "A")]
    assert snapshot(corp) == before


def test_wrong_column_header(corp: Any) -> None:
    wb = load_workbook(BytesIO(roadmap_workbook(partner=corp, projects=None, with_milestones=True)))
    wb.worksheets[0]["D1"] = "Категорийка"
    buffer = BytesIO()
    wb.save(buffer)
    report = services.roadmap_import(partner=corp, file=BytesIO(buffer.getvalue()))
    assert [(e.row, e.column) for e in report.errors][:1] == [(1, "D")]
    assert "Категорийка" in report.errors[0].message
    assert any("Категория" in e.message for e in report.errors)  # the required column is missing
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roadmap.xlsx", b"", "Файл пуст"),
        ("roadmap.xlsx", b"not a zip at all", "не файл XLSX"),
        ("roadmap.csv", b"a,b,c", "не файл XLSX"),
        ("roadmap.xlsx", b"PK\x03\x04" + b"\0" * 100, "не файл XLSX"),
    ],
)
def test_upload_never_500s(operator_client: Any, corp: Any, name: str, content: bytes, message: str) -> None:
    response = operator_client.post(
        reverse("partnerships:roadmap_import", kwargs={"slug": "rosatom"}), {"file": _upload(content, name)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_too_big_upload(operator_client: Any, corp: Any, settings: Any) -> None:
    big = _upload(b"PK" + b"\0" * (5 * 1024 * 1024 + 10))
    response = operator_client.post(reverse("partnerships:roadmap_import", kwargs={"slug": "rosatom"}), {"file": big})
    assert response.status_code == 400
    assert "слишком большой" in response.content.decode()


def test_no_file(operator_client: Any, corp: Any) -> None:
    response = operator_client.post(reverse("partnerships:roadmap_import", kwargs={"slug": "rosatom"}), {})
    assert response.status_code == 400
    assert "Выберите файл XLSX" in response.content.decode()


def test_english_workbook_imports_too(roadmap: None, corp: Any) -> None:
    from django.utils import translation

    before = snapshot(corp)
    with translation.override("en"):
        content = roadmap_workbook(partner=corp, projects=Project.objects.filter(partner=corp), with_milestones=True)
    assert load_workbook(BytesIO(content)).worksheets[0]["D1"].value == "Category"
    Project.objects.all().delete()
    report = services.roadmap_import(partner=corp, file=BytesIO(content))
    assert report.ok, report.errors
    assert snapshot(corp) == before
