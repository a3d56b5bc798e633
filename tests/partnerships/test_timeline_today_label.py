"""The timeline's «today» label is never cut at the chart's right edge («сегодн…» on the project page)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from mosprom.partnerships.timeline import render_timeline
from tests.factories import ProjectFactory

LABEL = re.compile(r'<text class="today-label" x="([\d.]+)" y="[\d.]+" text-anchor="(start|end)">')
WIDTH = re.compile(r'<svg [^>]*width="([\d.]+)"')


def _label(today: date) -> tuple[float, str, float]:
    project = ProjectFactory(planned_start=date(2026, 1, 1), planned_end=date(2026, 6, 1))
    html = str(render_timeline([project], today=today, with_milestones=False, labels=False))
    x, anchor = LABEL.search(html).groups()  # type: ignore[union-attr]
    return float(x), anchor, float(WIDTH.search(html).group(1))  # type: ignore[union-attr]


def test_today_label_near_the_end_of_the_year_ends_at_the_line(db: Any) -> None:
    x, anchor, width = _label(date(2026, 12, 28))  # the chart ends on 31 December
    assert anchor == "end" and x < width


def test_today_label_mid_year_starts_at_the_line(db: Any) -> None:
    x, anchor, width = _label(date(2026, 7, 1))
    assert anchor == "start" and x + 7 * len("сегодня") <= width
