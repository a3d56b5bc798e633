"""A road-map timeline as server-rendered SVG: no JavaScript, no network.

One row per project: a bar from the planned start to the planned end (filled in proportion to its
progress), diamonds for milestones (operators only), a vertical line for today; late projects and
overdue milestones are red.

With labels, the projects' names are an HTML list beside the SVG (links a keyboard reaches, text that wraps
nowhere and ellipsises in CSS) that stays fixed while the chart scrolls sideways on a phone; its rows line up
with the chart's through TOP and ROW_H, repeated in partnerships.css (.timeline-labels).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Project

CHART_W = 700
ROW_H = 26
TOP = 34
BOTTOM = 12
BAR_H = 12
TODAY_CHAR_W = 7  # a generous width of one letter of the 11px bold «today» label

STATUS_FILL: dict[str, str] = {
    Project.Status.IDEA: "#b1b4b6",
    Project.Status.PREPARATION: "#8fb8de",
    Project.Status.IMPLEMENTATION: "#1d70b8",
    Project.Status.COMPLETED: "#00703c",
    Project.Status.SUSPENDED: "#f47738",
    Project.Status.CANCELLED: "#d8d8d8",
}
OVERDUE = "#d4351c"


def _dates(project: Project, with_milestones: bool) -> list[date]:
    found = [d for d in (project.planned_start, project.planned_end, project.actual_start, project.actual_end) if d]
    if with_milestones:
        found.extend(m.due_on for m in project.milestones.all())
    return found


def render_timeline(
    projects: Sequence[Project], *, today: date, with_milestones: bool, title: str = "", labels: bool = True
) -> SafeString:
    label_w = 12  # the names, when shown, are the HTML list in front of the SVG
    rows = list(projects)
    all_dates = [today]
    for p in rows:
        all_dates.extend(_dates(p, with_milestones))
    start = min(all_dates).replace(month=1, day=1)
    end = max(all_dates).replace(month=12, day=31)
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return round(label_w + (day - start).days / span * CHART_W, 1)

    height = TOP + len(rows) * ROW_H + BOTTOM
    width = label_w + CHART_W + 20
    out: list[str] = []
    if labels:
        out.append(mark_safe('<div class="timeline-rows"><ul class="timeline-labels" data-testid="timeline-labels">'))
        for project in rows:
            late = project.is_late(today) or (
                with_milestones and any(m.is_overdue(today) for m in project.milestones.all())
            )
            label = f"{project.code} · {project.title}"
            out.append(
                format_html(
                    '<li{}><a href="{}" title="{}">{}</a></li>',
                    mark_safe(' class="late"') if late else "",
                    project.get_absolute_url(),
                    label,
                    label,
                )
            )
        out.append(mark_safe("</ul>"))
    out.append(
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="timeline" data-testid="timeline" '
            'viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-labelledby="timeline-title">'
            '<title id="timeline-title">{}</title>',
            width,
            height,
            width,
            height,
            title or _("Road-map timeline"),
        )
    )
    # year grid and labels
    year = start.year
    while date(year, 1, 1) <= end:
        gx = x(date(year, 1, 1))
        out.append(
            format_html(
                '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/><text class="axis" x="{}" y="{}">{}</text>',
                gx,
                TOP - 8,
                gx,
                height - BOTTOM,
                gx + 4,
                TOP - 14,
                year,
            )
        )
        for month in (4, 7, 10):
            qx = x(date(year, month, 1))
            out.append(format_html('<line class="grid-minor" x1="{}" y1="{}" x2="{}" y2="{}"/>', qx, TOP, qx, height))
        year += 1
    for i, project in enumerate(rows):
        y = TOP + i * ROW_H
        milestones = list(project.milestones.all()) if with_milestones else []
        overdue_ms = [m for m in milestones if m.is_overdue(today)]
        late = project.is_late(today) or bool(overdue_ms)
        if i % 2:
            out.append(format_html('<rect class="stripe" x="0" y="{}" width="{}" height="{}"/>', y, width, ROW_H))
        bar_start = project.planned_start or project.actual_start
        bar_end = project.planned_end or project.actual_end or bar_start
        if bar_start and bar_end:
            x1, x2 = x(bar_start), x(bar_end + timedelta(days=1))
            w = max(x2 - x1, 3)
            fill = OVERDUE if late else STATUS_FILL.get(project.status, "#b1b4b6")
            progress = project.progress
            tip = _("%(title)s: %(start)s – %(end)s, %(status)s") % {
                "title": project.title,
                "start": date_format(bar_start, "j E Y"),
                "end": date_format(bar_end, "j E Y"),
                "status": project.get_status_display(),
            }
            if progress is not None:
                tip += ", " + _("progress %(p)s%%") % {"p": round(progress * 100)}
            out.append(
                format_html(
                    '<g class="bar{}" data-project="{}"><title>{}</title>'
                    '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}" fill-opacity="0.45" stroke="{}"/>',
                    " late" if late else "",
                    project.pk,
                    tip,
                    x1,
                    y + (ROW_H - BAR_H) / 2,
                    round(w, 1),
                    BAR_H,
                    fill,
                    OVERDUE if late else fill,
                )
            )
            if progress:
                out.append(
                    format_html(
                        '<rect class="done-part" x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}"/>',
                        x1,
                        y + (ROW_H - BAR_H) / 2,
                        round(w * progress, 1),
                        BAR_H,
                        fill,
                    )
                )
            out.append(mark_safe("</g>"))
        for m in milestones:
            mx = x(m.due_on)
            my = y + ROW_H / 2
            state = "done" if m.done_on else ("overdue" if m in overdue_ms else "open")
            state_label = {
                "done": _("done on %(d)s") % {"d": date_format(m.done_on, "j E Y")} if m.done_on else "",
                "overdue": _("overdue"),
                "open": _("open"),
            }[state]
            out.append(
                format_html(
                    '<path class="milestone {}" data-project="{}" d="M{} {} L{} {} L{} {} L{} {} Z">'
                    "<title>{}: {} ({})</title></path>",
                    state,
                    project.pk,
                    mx,
                    my - 7,
                    mx + 7,
                    my,
                    mx,
                    my + 7,
                    mx - 7,
                    my,
                    m.title,
                    date_format(m.due_on, "j E Y"),
                    state_label,
                )
            )
    tx = x(today)
    today_label = _("today")
    # Right of the line, unless it would run past the chart's edge («сегодн…»): then left of it, ending there.
    fits_right = tx + 3 + len(today_label) * TODAY_CHAR_W <= width
    out.append(
        format_html(
            '<line class="today" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="today-label" x="{}" y="{}" text-anchor="{}">{}</text>',
            tx,
            TOP - 6,
            tx,
            height,
            tx + 3 if fits_right else tx - 3,
            TOP - 1,
            "start" if fits_right else "end",
            today_label,
        )
    )
    out.append(mark_safe("</svg>"))
    if labels:
        out.append(mark_safe("</div>"))
    return mark_safe("".join(str(part) for part in out))
