"""The back-office's home: what waits for an operator's decision, gathered from every part.

Django's admin is the department's back-office; its index page lists models. Operators come to it to decide
things, so the home page opens with the work waiting for them — the company cabinet's queue, press releases with
proposed facts, tours awaiting moderation, overdue road-map milestones, statuses ending soon — each with a count
and a link. It sits above the parts (like `home.py`) because it reads several of them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def waiting(today: Any = None) -> list[dict[str, Any]]:
    """Rows of the «waiting for a decision» panel: label, count, overdue count, link."""
    from mosprom.companies.selectors import work_queue
    from mosprom.intake.models import ProposedFact
    from mosprom.partnerships.selectors import overdue_milestones
    from mosprom.registry.selectors import statuses_ending_soon
    from mosprom.tours.selectors import tours_awaiting_moderation

    queue = work_queue()
    rows = [
        {
            "label": _("Company cabinet: applications, reports and requests"),
            "count": queue["total"],
            "overdue": queue["overdue_total"],
            "url": reverse("companies:queue"),
        },
        {
            "label": _("Press releases: proposed facts to review"),
            "count": ProposedFact.objects.filter(state=ProposedFact.State.PROPOSED).count(),
            "overdue": 0,
            "url": reverse("intake:release_list"),
        },
        {
            "label": _("Tours awaiting moderation"),
            "count": tours_awaiting_moderation().count(),
            "overdue": 0,
            "url": reverse("admin:tours_tour_changelist") + "?state__exact=moderation",
        },
        {
            "label": _("Road-map milestones overdue"),
            "count": overdue_milestones().count(),
            "overdue": 0,
            "url": reverse("partnerships:overdue_list"),
        },
        {
            "label": _("Statuses ending soon"),
            "count": len(statuses_ending_soon()),
            "overdue": 0,
            "url": reverse("admin:registry_status_changelist"),
        },
    ]
    return rows


class MospromAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Mosprom back-office")
    site_title = gettext_lazy("Mosprom")
    index_title = gettext_lazy("What waits for a decision")
    index_template = "admin/mosprom_index.html"

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        return super().index(request, {"waiting": waiting(), **(extra_context or {})})


class MospromAdminConfig(AdminConfig):
    default_site = "mosprom.admin_site.MospromAdminSite"
