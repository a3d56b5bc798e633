"""Models of the analytics part: materialised aggregates the dashboard reads instead of millions of rows.

`TourismDay` holds the booked registrations of one session day (Europe/Moscow) and one tour format; the
tourism KPIs sum a few thousand of these rows instead of joining every registration to its session
(issue 12: 1,000,000 registrations). `TourismDirtyDay` marks days whose rows must be recomputed: it is written
in the same transaction as the registration or session change (signals), and the next read recomputes exactly
those days before it sums (see analytics/tourism.py), so a figure is never older than the last commit.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TourismDay(models.Model):
    day = models.DateField(_("session day"))
    format = models.ForeignKey("tours.Format", verbose_name=_("format"), on_delete=models.CASCADE, related_name="+")
    booked = models.PositiveIntegerField(_("booked registrations"), default=0)
    checked_in = models.PositiveIntegerField(_("checked-in registrations"), default=0)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)

    class Meta:
        verbose_name = _("tourism figures of a day")
        verbose_name_plural = _("tourism figures by day")
        constraints = [models.UniqueConstraint(fields=["day", "format"], name="tourism_day_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.format_id}: {self.booked}"


class TourismDirtyDay(models.Model):
    """A day whose TourismDay rows are out of date; `day` NULL means "rebuild every day".

    Append-only, duplicates allowed: no unique index, so two transactions marking the same day (two
    confirmations for sessions of one day) never wait for each other; the refresh reads the marks once and
    deletes exactly the rows it read."""

    day = models.DateField(_("session day"), null=True)

    class Meta:
        verbose_name = _("tourism day to recompute")
        verbose_name_plural = _("tourism days to recompute")

    def __str__(self) -> str:
        return str(self.day or "all")
