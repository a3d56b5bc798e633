"""Pages of the partnerships part: thin views over selectors and services."""

from __future__ import annotations

from datetime import date
from io import BytesIO

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
from .forms import AgreementFilterForm, RoadmapConfirmForm, RoadmapFilterForm, RoadmapImportForm
from .timeline import render_timeline
from .xlsx import RoadmapPlan, roadmap_workbook

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
        projects=selectors.project_list(partner=partner),
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
    """Upload → preview of what changes (nothing written) → confirm → import through the services."""
    partner = get_object_or_404(Organisation, slug=slug)
    form = RoadmapImportForm()
    plan, confirm, expired = None, None, False
    if request.method == "POST" and "token" in request.POST:
        confirm = RoadmapConfirmForm(request.POST)
        if confirm.is_valid():
            data = services.roadmap_upload_take(
                token=confirm.cleaned_data["token"], partner=partner, actor=request.user
            )
            if data is None:
                messages.error(request, _("The uploaded file has expired. Upload it again."))
                expired = True
                confirm = None
            else:
                plan = services.roadmap_preview(partner=partner, file=BytesIO(data))
                plan.delete_missing = confirm.cleaned_data["delete_missing"]
                plan = services.roadmap_import(partner=partner, plan=plan, actor=request.user)
                if plan.ok:
                    messages.success(request, _import_message(plan))
                    return redirect("partnerships:roadmap", slug=partner.slug)
                confirm = None
    elif request.method == "POST":
        form = RoadmapImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            plan = services.roadmap_preview(partner=partner, file=BytesIO(data))
            if plan.ok:
                token = services.roadmap_upload_keep(partner=partner, actor=request.user, data=data)
                confirm = RoadmapConfirmForm(initial={"token": token})
    failed = expired or (plan is not None and not plan.ok) or bool(form.errors)
    return render(
        request,
        "partnerships/roadmap_import.html",
        {"partner": partner, "form": form, "report": plan, "plan": plan, "confirm": confirm},
        status=400 if failed else 200,
    )


def _import_message(plan: RoadmapPlan) -> str:
    return _(
        "The road map is imported: %(created)s projects added, %(changed)s changed, %(deleted)s deleted, "
        "%(duties)s duties, %(milestones)s milestones."
    ) % {
        "created": plan.created,
        "changed": len(plan.changed),
        "deleted": len(plan.removed) if plan.delete_missing else 0,
        "duties": plan.duty_count,
        "milestones": plan.milestone_count,
    }


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
