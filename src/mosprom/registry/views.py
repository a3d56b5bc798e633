"""Public registry pages: thin, they call the selectors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mosprom.core.formatting import format_number

from . import search, selectors
from .forms import OrganisationFilterForm, ProductionFilterForm, SiteFilterForm

PER_PAGE = 25


def _render_list(
    request: HttpRequest, template: str, form: Any, queryset: Any, extra: dict[str, Any] | None = None
) -> HttpResponse:
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    # filters besides the words searched for: only then does «nothing found» suggest clearing filters
    other_filters = any(value for key, value in request.GET.items() if key not in ("q", "page"))
    context = {
        "form": form,
        "page": page,
        "total": page.paginator.count,
        "other_filters": other_filters,
        **(extra or {}),
    }
    return render(request, template, context, status=400 if form.errors else 200)


def _search_context(search_query: str, kind: str) -> dict[str, Any]:
    """The query (for highlighting) and «did you mean» words for the query's unknown words (typos)."""
    if not search_query:
        return {"search_query": ""}
    suggest = (
        selectors.organisation_search_suggestions
        if kind == "organisations"
        else selectors.production_search_suggestions
    )
    return {
        "search_query": search_query,
        "suggestions": search.suggestion_links(search_query, suggest(q=search_query)),
    }


def site_list(request: HttpRequest) -> HttpResponse:
    form = SiteFilterForm(request.GET or None)
    kind = form.cleaned_data.get("kind", "") if form.is_valid() else ""
    status = 400 if form.errors else 200
    return render(
        request, "registry/site_list.html", {"form": form, "tree": selectors.site_tree(kind=kind)}, status=status
    )


def site_detail(request: HttpRequest, slug: str) -> HttpResponse:
    site = selectors.site_get(slug)
    if site is None:
        raise Http404
    context = selectors.site_detail(site=site)
    if context["has_pin"]:
        context["pin"] = [
            {
                "name": site.name,
                "url": site.get_absolute_url(),
                "lat": float(site.latitude),  # type: ignore[arg-type]
                "lng": float(site.longitude),  # type: ignore[arg-type]
                "kind": site.get_kind_display(),
            }
        ]
    context["tile_url"] = settings.MAP_TILE_URL
    context["tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
    return render(request, "registry/site_detail.html", context)


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    queryset: Any = selectors.organisation_list().none()
    search_query = ""
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        try:
            search_query = data.get("q", "")
            queryset = selectors.organisation_list(
                q=search_query,
                kind=data.get("kind", ""),
                site=data.get("site", ""),
                industry=data.get("industry", ""),
            )
        except selectors.UnknownFilterValue as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return _render_list(
        request, "registry/organisation_list.html", form, queryset, _search_context(search_query, "organisations")
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get(slug)
    if organisation is None:
        raise Http404
    context = selectors.organisation_detail(organisation=organisation)
    context["employees_display"] = format_number(organisation.employees)
    return render(request, "registry/organisation_detail.html", context)


def production_list(request: HttpRequest) -> HttpResponse:
    form = ProductionFilterForm(request.GET or None)
    queryset: Any = selectors.production_list().none()
    search_query = ""
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        try:
            search_query = data.get("q", "")
            queryset = selectors.production_list(
                q=search_query,
                year=data.get("year"),
                site=data.get("site", ""),
                industry=data.get("industry", ""),
                import_substitution=True if data.get("import_substitution") else None,
                no_domestic_analogue=True if data.get("no_domestic_analogue") else None,
            )
        except selectors.UnknownFilterValue as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return _render_list(
        request, "registry/production_list.html", form, queryset, _search_context(search_query, "productions")
    )


def site_map(request: HttpRequest) -> HttpResponse:
    rows = selectors.map_sites()
    markers = [
        {"name": r["name"], "url": r["url"], "lat": r["lat"], "lng": r["lng"], "kind": r["kind"]}
        for r in rows
        if r["lat"] is not None
    ]
    return render(
        request,
        "registry/map.html",
        {
            "rows": rows,
            "markers": markers,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
