"""Server-rendered SVG charts: no JavaScript, no network, readable on a phone.

Each chart scales to its container through its viewBox; the figures are also in the accessible table printed
under every chart, so the SVG is marked as an image with a title and a description pointing to that table.

Every bar, segment and point is a `<g class="mark">` with its own `<title>` («2023, Резиденты: 35»: the browser's
tooltip on hover) and, where the value is not printed beside it already, a `<text class="mark-value">` that
analytics.css shows while the mark is hovered or the chart (focusable) has the keyboard focus.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from mosprom.core.formatting import format_number

PALETTE = ("#0b3d91", "#00703c", "#b45309", "#6f42c1", "#d4351c", "#1d70b8", "#505a5f")
Number = int | float | Decimal
# The width of one character of a 14-unit legend label: Cyrillic in the usual sans-serif fonts runs about 0.68 em.
LEGEND_CHAR_WIDTH = 9.6
# A bar chart's names above the bars: 15 units, the same 0.68 em per Cyrillic letter; a second line 18 units lower.
BAR_LABEL_CHAR_WIDTH = 10.2
BAR_LABEL_LINE = 18
_ids = itertools.count(1)


def _wrap(text: str, max_chars: int, max_lines: int = 2) -> list[str]:
    """`text` in lines of at most `max_chars`, broken between words; past `max_lines` it ends with «…»."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = lines or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max_chars - 1].rstrip() + "…"
    return [line if len(line) <= max_chars else line[: max_chars - 1] + "…" for line in lines]


def _fmt(value: Number | None) -> str:
    return format_number(value)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(10 * magnitude)


def _tip(label: str, series_name: str, value: str, *, multi: bool) -> str:
    """The tooltip of one mark: «2023: 35», or «2023, Резиденты: 35» when the chart has several series."""
    return f"{label}, {series_name}: {value}" if multi else f"{label}: {value}"


def _mark(tip: str, *shapes: str) -> str:
    return f'<g class="mark"><title>{escape(tip)}</title>{"".join(shapes)}</g>'


def _value(
    x: float, y: float, text: str, *, anchor: str = "middle", fill: str = "#0b0c0c", hover_only: bool = False
) -> str:
    """A mark's value, hidden until the mark is hovered (or the chart focused, unless `hover_only`)."""
    css = "mark-value mark-value-hover" if hover_only else "mark-value"
    return (
        f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" font-size="12" font-weight="700" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(text)}</text>'
    )


def _open(width: int, height: int, title: str, kind: str) -> tuple[str, list[str]]:
    uid = f"chart-{next(_ids)}"
    description = _(
        "Point at a bar or a point to see its value, or move the keyboard focus to the chart to show every value. "
        "The figures are also in the table under the chart."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" tabindex="0" aria-labelledby="{uid}-t {uid}-d" class="svg-chart svg-chart-{kind}" '
        f'font-family="Inter, Segoe UI, Roboto, Arial, sans-serif">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(description)}</desc>',
    ]
    return uid, parts


def _legend(series: Sequence[tuple[str, Sequence[Number | None]]], y: int, width: int) -> list[str]:
    parts: list[str] = []
    x = 0
    for index, (name, _values) in enumerate(series):
        label_width = 22 + int(LEGEND_CHAR_WIDTH * len(name))
        if x + label_width > width and x > 0:
            x = 0
            y += 22
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 11}" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{x + 20}" y="{y}" font-size="14" fill="#0b0c0c">{escape(name)}</text>')
        x += label_width + 12
    return parts


def _legend_height(series: Sequence[tuple[str, Sequence[Number | None]]], width: int) -> int:
    if len(series) < 2:
        return 0
    rows, x = 1, 0
    for name, _values in series:
        label_width = 22 + int(LEGEND_CHAR_WIDTH * len(name))
        if x + label_width > width and x > 0:
            rows += 1
            x = 0
        x += label_width + 12
    return rows * 22 + 8


def column_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    title: str,
    stacked: bool = False,
    width: int = 360,
    height: int = 220,
) -> SafeString:
    """Vertical bars (grouped or stacked) for a few categories such as years."""
    legend_h = _legend_height(series, width)
    uid, parts = _open(width, height + legend_h, title, "stacked" if stacked else "column")
    top, bottom, left = 24, 30, 8
    plot_h = height - top - bottom
    n = max(len(labels), 1)
    if stacked:
        peak = max([sum(float(s[1][i] or 0) for s in series) for i in range(len(labels))] or [0])
    else:
        peak = max([float(v or 0) for _n, values in series for v in values] or [0])
    scale = plot_h / _nice_max(peak)
    slot = (width - left) / n
    bar_w = slot * 0.7 / (1 if stacked else max(len(series), 1))
    base_y = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{width}" y2="{base_y}" stroke="#505a5f"/>')
    multi = len(series) > 1
    for i, label in enumerate(labels):
        x0 = left + slot * i + slot * 0.15
        stack_top = float(base_y)
        for s_index, (name, values) in enumerate(series):
            value = float(values[i] or 0)
            h = value * scale
            colour = PALETTE[s_index % len(PALETTE)]
            tip = _tip(label, name, _fmt(values[i]), multi=multi)
            if stacked:
                y = stack_top - h
                rect = f'<rect x="{x0:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"/>'
                if h >= 16:  # the segment's value inside it, in white
                    shown = _value(x0 + bar_w / 2, y + h / 2 + 4, _fmt(values[i]), fill="#ffffff")
                else:  # too thin to hold it: beside the bar, on hover only (neighbours would overlap)
                    shown = _value(x0 + bar_w + 3, y + h / 2 + 4, _fmt(values[i]), anchor="start", hover_only=True)
                parts.append(_mark(tip, rect, shown))
                stack_top = y
            else:
                x = x0 + bar_w * s_index
                y = base_y - h
                rect = f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"/>'
                if len(series) == 1 or n <= 6:
                    shown = (
                        f'<text x="{x + bar_w / 2:.1f}" y="{y - 5:.1f}" font-size="13" text-anchor="middle" '
                        f'fill="#0b0c0c">{escape(_fmt(values[i]))}</text>'
                    )
                else:
                    shown = _value(x + bar_w / 2, y - 5, _fmt(values[i]), hover_only=True)
                parts.append(_mark(tip, rect, shown))
        if stacked:
            total = sum(float(s[1][i] or 0) for s in series)
            parts.append(
                f'<text x="{x0 + bar_w / 2:.1f}" y="{stack_top - 5:.1f}" font-size="13" text-anchor="middle" '
                f'fill="#0b0c0c">{escape(_fmt(int(total) if total == int(total) else total))}</text>'
            )
        parts.append(
            f'<text x="{left + slot * i + slot / 2:.1f}" y="{base_y + 20}" font-size="13" text-anchor="middle" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
    if legend_h:
        parts.extend(_legend(series, height + 14, width))
    parts.append("</svg>")
    del uid
    return mark_safe("".join(parts))  # every text above is escaped


def bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    title: str,
    stacked: bool = False,
    width: int = 420,
    value_format: Callable[[Number | None], str] | None = None,
) -> SafeString:
    """Horizontal bars with the label above each bar: long Russian names stay readable on a 390px phone."""
    fmt = value_format or _fmt
    legend_h = _legend_height(series, width)
    group_h = 20 + (18 if stacked else 16 * max(len(series), 1)) + 10
    # A name longer than the chart is wide wraps onto a second line instead of running off the edge.
    wrapped = [_wrap(str(label), int(width / BAR_LABEL_CHAR_WIDTH)) for label in labels]
    height = legend_h + group_h * max(len(labels), 1) + BAR_LABEL_LINE * sum(len(w) - 1 for w in wrapped) + 4
    _uid, parts = _open(width, height, title, "bar-stacked" if stacked else "bar")
    y = 0
    if legend_h:
        parts.extend(_legend(series, 16, width))
        y = legend_h
    value_space = 70
    plot_w = width - value_space
    if stacked:
        peak = max([sum(float(s[1][i] or 0) for s in series) for i in range(len(labels))] or [0])
    else:
        peak = max([float(v or 0) for _n, values in series for v in values] or [0])
    scale = plot_w / (peak or 1)
    multi = len(series) > 1
    for i, label in enumerate(labels):
        lines = wrapped[i]
        tspans = "".join(
            f'<tspan x="0" dy="{0 if n == 0 else BAR_LABEL_LINE}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        title = f"<title>{escape(label)}</title>" if any(line.endswith("…") for line in lines) else ""
        parts.append(f'<text x="0" y="{y + 15}" font-size="15" fill="#0b0c0c">{title}{tspans}</text>')
        y += BAR_LABEL_LINE * (len(lines) - 1)
        bar_y = y + 20
        if stacked:
            x = 0.0
            total = 0.0
            for s_index, (name, values) in enumerate(series):
                w = float(values[i] or 0) * scale
                colour = PALETTE[s_index % len(PALETTE)]
                rect = f'<rect x="{x:.1f}" y="{bar_y}" width="{w:.1f}" height="16" fill="{colour}"/>'
                text = fmt(values[i])
                if w >= 9 * len(text) + 6:  # the segment's value inside it, in white
                    label_svg = _value(x + w / 2, bar_y + 12.5, text, fill="#ffffff")
                else:  # too narrow: above the segment, on hover only
                    label_svg = _value(x + w / 2, bar_y - 2, text, hover_only=True)
                parts.append(_mark(_tip(label, name, text, multi=multi), rect, label_svg))
                x += w
                total += float(values[i] or 0)
            shown = int(total) if total == int(total) else total
            parts.append(
                f'<text x="{x + 6:.1f}" y="{bar_y + 13}" font-size="13" fill="#0b0c0c">{escape(fmt(shown))}</text>'
            )
        else:
            for s_index, (name, values) in enumerate(series):
                w = float(values[i] or 0) * scale
                colour = PALETTE[s_index % len(PALETTE)]
                row_y = bar_y + 16 * s_index
                parts.append(
                    _mark(
                        _tip(label, name, fmt(values[i]), multi=multi),
                        f'<rect x="0" y="{row_y}" width="{w:.1f}" height="14" fill="{colour}"/>',
                        f'<text x="{w + 6:.1f}" y="{row_y + 12}" font-size="13" fill="#0b0c0c">'
                        f"{escape(fmt(values[i]))}</text>",
                    )
                )
        y += group_h
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    title: str,
    width: int = 360,
    height: int = 220,
) -> SafeString:
    """Lines with a dot and the value at each point (missing values break the line)."""
    legend_h = _legend_height(series, width)
    _uid, parts = _open(width, height + legend_h, title, "line")
    top, bottom, side = 24, 46, 24
    plot_h = height - top - bottom
    n = len(labels)
    peak = max([float(v or 0) for _n, values in series for v in values if v is not None] or [0])
    scale = plot_h / _nice_max(peak)
    step = (width - 2 * side) / max(n - 1, 1)
    base_y = top + plot_h
    parts.append(f'<line x1="0" y1="{base_y}" x2="{width}" y2="{base_y}" stroke="#505a5f"/>')
    for i, label in enumerate(labels):
        x = side + step * i if n > 1 else width / 2
        parts.append(
            f'<text x="{x:.1f}" y="{base_y + 38}" font-size="13" text-anchor="middle" fill="#0b0c0c">'
            f"{escape(label)}</text>"
        )
    multi = len(series) > 1
    marks: list[str] = []
    for s_index, (name, values) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        points: list[str] = []
        segments: list[list[str]] = [points]
        for i, value in enumerate(values):
            x = side + step * i if n > 1 else width / 2
            if value is None:
                points = []
                segments.append(points)
                continue
            y = base_y - float(value) * scale
            points.append(f"{x:.1f},{y:.1f}")
            # the highest series at a point is labelled above it, the others below: labels never collide
            others = [float(v[i] or 0) for _n, v in series if i < len(v) and v[i] is not None]
            label_y = y - 9 if float(value) >= max(others) else y + 20
            marks.append(
                _mark(
                    _tip(labels[i], name, _fmt(value), multi=multi),
                    # a wider transparent disc under the dot: an easy target for the pointer
                    f'<circle class="mark-target" cx="{x:.1f}" cy="{y:.1f}" r="11" fill="transparent"/>',
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>',
                    f'<text x="{x:.1f}" y="{label_y:.1f}" font-size="13" text-anchor="middle" fill="{colour}">'
                    f"{escape(_fmt(value))}</text>",
                )
            )
        for segment in segments:
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
                )
    parts.extend(marks)  # the points over every line, so a line never hides a point from the pointer
    if legend_h:
        parts.extend(_legend(series, height + 14, width))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
