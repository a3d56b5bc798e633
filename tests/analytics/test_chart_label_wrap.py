"""A bar chart's long names wrap onto a second line inside the chart instead of running off its right edge."""

from __future__ import annotations

import re

from mosprom.analytics.charts import BAR_LABEL_CHAR_WIDTH, bar_chart

LONG = "Инновационный кластер «Зеленоградский нанотехнологический центр»"


def _texts(svg: str) -> list[list[str]]:
    return [re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text) for text in re.findall(r"<text [^>]*>(.*?)</text>", svg)]


def test_a_long_name_wraps_between_words_and_fits_the_width() -> None:
    svg = str(bar_chart([LONG, "Руднево"], [("2025", [1, 54])], title="Новые производства по площадкам", width=420))
    names = [lines for lines in _texts(svg) if lines]
    assert names[0] == ["Инновационный кластер «Зеленоградский", "нанотехнологический центр»"]
    assert names[1] == ["Руднево"]
    assert all(len(line) * BAR_LABEL_CHAR_WIDTH <= 420 for lines in names for line in lines)
    # the chart grows by the extra line, so nothing overlaps the next bar
    short = str(bar_chart(["Руднево", "Руднево"], [("2025", [1, 54])], title="t", width=420))
    height = re.compile(r'viewBox="0 0 420 (\d+)"')
    assert int(height.search(svg).group(1)) == int(height.search(short).group(1)) + 18  # type: ignore[union-attr]


def test_a_name_too_long_for_two_lines_ends_with_an_ellipsis_and_keeps_the_whole_name_as_a_tooltip() -> None:
    name = " ".join([LONG] * 3)
    svg = str(bar_chart([name], [("2025", [3])], title="t", width=420))
    lines = next(lines for lines in _texts(svg) if lines)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert f"<title>{name}</title>" in svg
