"""Pages of the partnerships part: thin views over selectors and services."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from mosprom.core.exports import download_response
from mosprom.core.permissions import operator_required
from mosprom.core.roles import is_operator
from mosprom.registry.models import Organisation

from . import selectors, services
from .forms import AgreementFilterForm, RoadmapFilterForm, RoadmapImportForm
from .models import Project
from .timeline import render_timeline
from .xlsx import roadmap_workbook

ROADMAP_PAGE_SIZE = 40
AGREEMENT_PROJECTS_SHOWN = 20


def agreement_list(request: HttpRequest) -> HttpResponse:
    today = date.today()
    form = AgreementFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    agreements = selectors.agreement_list(
        kind=filters.get("kind") or None, status=filters.get("status") or None, today=today
    )
    page = Paginator(agreements, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/agreement_list.html",
        {
            "form": form,
            "page": page,
            "agreements": page.object_list,
            "today": today,
            "partners": selectors.partners_with_roadmaps(),
        },
    )


def agreement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    today = date.today()
    agreement = selectors.agreement_detail(slug=slug, today=today)
    if agreement is None:
        raise Http404
    projects_qs = selectors.agreement_projects(agreement=agreement, today=today)
    projects = list(projects_qs[:AGREEMENT_PROJECTS_SHOWN])
    projects_total = len(projects) if len(projects) < AGREEMENT_PROJECTS_SHOWN else projects_qs.count()
    return render(
        request,
        "partnerships/agreement_detail.html",
        {
            "agreement": agreement,
            "status": agreement.state.status,  # type: ignore[attr-defined]
            "days_left": agreement.state.days_left,  # type: ignore[attr-defined]
            "projects": projects,
            "projects_total": projects_total,
            "today": today,
            "operator": is_operator(request.user),
        },
    )


def roadmap(request: HttpRequest, slug: str) -> HttpResponse:
    today = date.today()
    partner = get_object_or_404(Organisation, slug=slug)
    operator = is_operator(request.user)
    form = RoadmapFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    projects = selectors.roadmap_projects(
        partner=partner,
        category=filters.get("category") or None,
        status=filters.get("status") or None,
        active_only=bool(filters.get("active")),
        include_milestones=operator,
        today=today,
    )
    page = Paginator(projects, ROADMAP_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    summary = selectors.roadmap_summary(partner=partner)
    return render(
        request,
        "partnerships/roadmap.html",
        {
            "partner": partner,
            "form": form,
            "page": page,
            "projects": rows,
            "summary": summary,
            "timeline": render_timeline(
                rows,
                today=today,
                with_milestones=operator,
                title=_("Road map of %(partner)s") % {"partner": partner.short_name},
            ),
            "today": today,
            "operator": operator,
        },
    )


def roadmap_export(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(Organisation, slug=slug)
    content = roadmap_workbook(
        partner=partner,
        projects=Project.objects.filter(partner=partner),
        with_milestones=is_operator(request.user),
    )
    return download_response(content, filename=f"roadmap-{partner.slug}-{date.today():%Y-%m-%d}.xlsx")


@operator_required
def roadmap_template(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(Organisation, slug=slug)
    content = roadmap_workbook(partner=partner, projects=None, with_milestones=True)
    return download_response(content, filename=f"roadmap-template-{partner.slug}.xlsx")


@operator_required
def roadmap_import(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(Organisation, slug=slug)
    report = None
    if request.method == "POST":
        form = RoadmapImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = services.roadmap_import(partner=partner, file=form.cleaned_data["file"])
            if report.ok:
                messages.success(
                    request,
                    _(
                        "The road map is imported: %(created)s projects added, %(updated)s updated, "
                        "%(duties)s duties, %(milestones)s milestones."
                    )
                    % {
                        "created": report.created,
                        "updated": report.updated,
                        "duties": report.duties,
                        "milestones": report.milestones,
                    },
                )
                return redirect("partnerships:roadmap", slug=partner.slug)
    else:
        form = RoadmapImportForm()
    status = 400 if report is not None or form.errors else 200
    return render(
        request,
        "partnerships/roadmap_import.html",
        {"partner": partner, "form": form, "report": report},
        status=status,
    )


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = date.today()
    project = selectors.project_detail(pk=pk, today=today)
    if project is None:
        raise Http404
    operator = is_operator(request.user)
    return render(
        request,
        "partnerships/project_detail.html",
        {
            "project": project,
            "operator": operator,
            "today": today,
            "late": project.late,  # type: ignore[attr-defined]
            "timeline": render_timeline(
                [project], today=today, with_milestones=operator, title=project.title, labels=False
            ),
        },
    )


@operator_required
def overdue_list(request: HttpRequest) -> HttpResponse:
    today = date.today()
    page = Paginator(selectors.overdue_milestones(today=today), 50).get_page(request.GET.get("page"))
    rows = [(m, (today - m.due_on).days) for m in page.object_list]
    return render(request, "partnerships/overdue_list.html", {"page": page, "rows": rows, "today": today})
