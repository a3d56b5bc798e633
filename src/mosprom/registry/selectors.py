"""Reads from the registry: querysets and small dicts for pages, the API and other parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from mosprom.core.formatting import format_number

from . import rules, search
from .models import Industry, Organisation, Production, Residency, Site, Status, StatusApplication, StatusKind

TECHNOPOLIS_SLUG = "technopolis-moscow"
SITE_PAGE_ROWS = 30  # the site page shows this many residents and productions, then links to the full lists


class UnknownFilterValue(ValueError):
    """A filter named a value that does not exist; `message` is translated for the user."""

    def __init__(self, field: str, value: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.value = value
        self.message = message


def _current_residency_q(prefix: str = "", on: date | None = None) -> Q:
    on = on or timezone.localdate()
    return (Q(**{f"{prefix}since__isnull": True}) | Q(**{f"{prefix}since__lte": on})) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": on})
    )


def _count_subquery(model: Any, filters: Q, ref: str) -> Subquery:
    sub = (
        model.objects.filter(filters, **{ref: OuterRef("pk")})
        .order_by()
        .values(ref)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))  # type: ignore[return-value]


def site_list_annotated() -> QuerySet[Site]:
    """Every site with its current resident count and production count, in one query."""
    return Site.objects.select_related("parent").annotate(
        resident_count=_count_subquery(Residency, _current_residency_q(), "site"),
        production_count=_count_subquery(Production, Q(), "site"),
    )


def site_list(*, kind: str = "", parent: str = "", q: str = "") -> QuerySet[Site]:
    """Sites with their counts, by kind, by the site they belong to (its slug) and by words; raises UnknownFilterValue."""
    qs = site_list_annotated().filter(search_q(q))
    if kind:
        qs = qs.filter(kind=kind)
    if parent:
        parent_site = _resolve_site(parent, "parent")
        qs = qs.filter(parent=parent_site)
    return _ranked(qs, q, "name", "pk")


@dataclass
class SiteNode:
    site: Site
    children: list[SiteNode] = field(default_factory=list)

    @property
    def total_residents(self) -> int:
        return int(getattr(self.site, "resident_count", 0)) + sum(c.total_residents for c in self.children)

    @property
    def total_productions(self) -> int:
        return int(getattr(self.site, "production_count", 0)) + sum(c.total_productions for c in self.children)


def site_tree(*, kind: str = "") -> list[SiteNode]:
    """Top-level sites (an SEZ, a cluster…) with their sites nested under them; one query."""
    sites = list(site_list_annotated())
    nodes = {s.pk: SiteNode(s) for s in sites}
    roots: list[SiteNode] = []
    for site in sites:
        node = nodes[site.pk]
        if site.parent_id and site.parent_id in nodes:
            nodes[site.parent_id].children.append(node)
        else:
            roots.append(node)
    if kind:
        roots = [n for n in roots if n.site.kind == kind or any(c.site.kind == kind for c in n.children)]
    return roots


def site_descendant_ids(site: Site) -> list[int]:
    """The site and every site nested in it (sites nest only a few levels; one query per level)."""
    ids, frontier = [site.pk], [site.pk]
    while frontier:
        frontier = list(Site.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def site_get(slug: str) -> Site | None:
    return Site.objects.select_related("parent").filter(slug=slug).first()


def site_detail(*, site: Site) -> dict[str, Any]:
    ids = site_descendant_ids(site)
    residencies = (
        Residency.objects.filter(_current_residency_q(), site_id__in=ids)
        .select_related("organisation", "organisation__industry", "site")
        .order_by("-is_anchor", "organisation__short_name")
    )
    productions = (
        Production.objects.filter(site_id__in=ids)
        .select_related("organisation", "site", "industry")
        .order_by("-opened_on", "product")
    )
    statuses = with_terms(
        Status.objects.filter(site_id__in=ids).select_related("kind", "holder").order_by("-granted_on")
    )
    children = list(site_list_annotated().filter(parent=site))
    return {
        "site": site,
        "children": children,
        "residencies": list(residencies[:SITE_PAGE_ROWS]),
        "resident_total": residencies.count(),
        "productions": list(productions[:SITE_PAGE_ROWS]),
        "production_total": productions.count(),
        "statuses": statuses,
        "has_pin": site.latitude is not None and site.longitude is not None,
    }


def _resolve_site(slug: str | None, field_name: str = "site") -> Site | None:
    if not slug:
        return None
    site = Site.objects.filter(slug=slug).first()
    if site is None:
        raise UnknownFilterValue(field_name, slug, _("There is no site «%(value)s».") % {"value": slug})
    return site


def _resolve_industry(slug: str | None) -> Industry | None:
    if not slug:
        return None
    industry = Industry.objects.filter(slug=slug).first()
    if industry is None:
        raise UnknownFilterValue("industry", slug, _("There is no industry «%(value)s».") % {"value": slug})
    return industry


def _check_kind(kind: str | None, choices: list[str], field_name: str = "kind") -> None:
    if kind and kind not in choices:
        raise UnknownFilterValue(field_name, kind, _("There is no kind «%(value)s».") % {"value": kind})


def search_q(q: str | None, column: str = "search_text") -> Q:
    """Every query term (its lemma, by prefix) must start a word of the search column: see registry.search."""
    return search.match_q(q, column)


def _ranked(qs: QuerySet[Any], q: str, *order: str) -> QuerySet[Any]:
    """Ordered by relevance first when there is a query (title matches before the rest), else by `order`."""
    if search.query_terms(q):
        return qs.annotate(relevance=search.relevance(q)).order_by("-relevance", *order)
    return qs.order_by(*order)


def organisation_search_suggestions(*, q: str) -> list[str]:
    """Organisation names nearest to a query that found nothing (typos)."""
    fingerprint = Organisation.objects.aggregate(n=Count("id"), last=Max("updated_at"))

    def columns() -> list[str]:
        return list(Organisation.objects.values_list("search_title", flat=True))

    return search.suggestions(q, key="organisations", fingerprint=fingerprint, columns=columns)


def production_search_suggestions(*, q: str) -> list[str]:
    """Products and their makers' names nearest to a query that found nothing (typos)."""
    fingerprint = Production.objects.aggregate(n=Count("id"), last=Max("updated_at"))

    def columns() -> list[str]:
        makers = Organisation.objects.filter(productions__isnull=False).distinct()
        return list(Production.objects.values_list("search_title", flat=True)) + list(
            makers.values_list("search_title", flat=True)
        )

    return search.suggestions(q, key="productions", fingerprint=fingerprint, columns=columns)


def organisation_list(
    *, q: str = "", kind: str = "", site: str = "", industry: str = "", demo: bool | None = None
) -> QuerySet[Organisation]:
    """Organisations matching the filters; `site` includes the sites nested in it. Raises UnknownFilterValue."""
    _check_kind(kind, list(Organisation.Kind.values))
    site_obj = _resolve_site(site)
    industry_obj = _resolve_industry(industry)
    qs = Organisation.objects.filter(search_q(q))
    if kind:
        qs = qs.filter(kind=kind)
    if industry_obj is not None:
        qs = qs.filter(industry=industry_obj)
    if demo is not None:
        qs = qs.filter(is_demo=demo)
    if site_obj is not None:
        ids = site_descendant_ids(site_obj)
        in_site = Residency.objects.filter(site_id__in=ids).values("organisation_id")
        produces_there = Production.objects.filter(site_id__in=ids).values("organisation_id")
        qs = qs.filter(Q(pk__in=in_site) | Q(pk__in=produces_there))
    qs = qs.select_related("industry", "parent").prefetch_related(
        Prefetch(
            "residencies",
            queryset=Residency.objects.filter(_current_residency_q()).select_related("site"),
            to_attr="current_residencies",
        )
    )
    return _ranked(qs, q, "short_name", "pk")


def organisation_get(slug: str) -> Organisation | None:
    return Organisation.objects.select_related("industry", "parent").filter(slug=slug).first()


def organisation_detail(*, organisation: Organisation) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "residencies": organisation.residencies.select_related("site").order_by("-is_anchor", "site__name"),
        "productions": organisation.productions.select_related("site", "industry").order_by("-opened_on"),
        "subsidiaries": organisation.subsidiaries.select_related("industry").order_by("short_name"),
        "statuses": with_terms(organisation.statuses.select_related("kind", "site").order_by("-granted_on")),
    }


def production_list(
    *,
    year: int | None = None,
    site: str = "",
    industry: str = "",
    organisation: str = "",
    import_substitution: bool | None = None,
    no_domestic_analogue: bool | None = None,
    q: str = "",
) -> QuerySet[Production]:
    site_obj = _resolve_site(site)
    industry_obj = _resolve_industry(industry)
    qs = Production.objects.filter(search_q(q))
    if year is not None:
        qs = qs.filter(opened_on__year=year)
    if site_obj is not None:
        qs = qs.filter(site_id__in=site_descendant_ids(site_obj))
    if industry_obj is not None:
        qs = qs.filter(industry=industry_obj)
    if organisation:
        qs = qs.filter(organisation__slug=organisation)
    if import_substitution is not None:
        qs = qs.filter(import_substitution=import_substitution)
    if no_domestic_analogue is not None:
        qs = qs.filter(no_domestic_analogue=no_domestic_analogue)
    return _ranked(qs.select_related("organisation", "site", "industry"), q, "-opened_on", "product", "pk")


def production_get(production_id: int) -> Production | None:
    return Production.objects.select_related("organisation", "site", "industry").filter(pk=production_id).first()


def production_years() -> list[int]:
    dates = Production.objects.filter(opened_on__isnull=False).dates("opened_on", "year", order="DESC")
    return [d.year for d in dates]


def with_terms(statuses: Any, today: date | None = None) -> list[Status]:
    """The statuses as a list, each with `.term` (rules.StatusTerm: effective state, days left, ending soon)."""
    today = today or timezone.localdate()
    rows = list(statuses)
    for status in rows:
        status.term = rules.status_term(status, today)  # type: ignore[attr-defined]
    return rows


def statuses_ending_soon(*, today: date | None = None) -> list[Status]:
    """Statuses in force that end within REGISTRY_STATUS_EXPIRING_DAYS, soonest first, with their terms."""
    today = today or timezone.localdate()
    qs = Status.objects.filter(rules.status_expiring_q(today)).select_related("kind", "holder", "site")
    return with_terms(qs.order_by("valid_until", "pk"), today)


def applications_waiting() -> QuerySet[StatusApplication]:
    """Status applications that wait for an operator's decision (submitted or under expert review), oldest first."""
    waiting = (StatusApplication.State.SUBMITTED, StatusApplication.State.UNDER_REVIEW)
    return (
        StatusApplication.objects.filter(state__in=waiting)
        .select_related("kind", "applicant", "site")
        .order_by("submitted_on", "pk")
    )


def status_get(status_id: int) -> Status | None:
    return Status.objects.select_related("kind", "holder", "site").filter(pk=status_id).first()


def status_list(
    *, kind: str = "", state: str = "", holder: str = "", in_force: bool | None = None, today: date | None = None
) -> QuerySet[Status]:
    """Statuses by kind, stored state, holder and whether they are in force today (rules.status_in_force_q)."""
    if kind and not StatusKind.objects.filter(code=kind).exists():
        raise UnknownFilterValue("kind", kind, _("There is no kind «%(value)s».") % {"value": kind})
    _check_kind(state, list(Status.State.values), "state")
    qs = Status.objects.all()
    if kind:
        qs = qs.filter(kind__code=kind)
    if state:
        qs = qs.filter(state=state)
    if holder:
        qs = qs.filter(holder__slug=holder)
    if in_force is not None:
        q = rules.status_in_force_q(today or timezone.localdate())
        qs = qs.filter(q) if in_force else qs.exclude(q)
    return qs.select_related("kind", "holder", "site").order_by("-granted_on", "pk")


def filter_choices() -> dict[str, Any]:
    """Sites and industries for filter drop-downs (two queries)."""
    english = (get_language() or "ru").startswith("en")
    return {
        "sites": list(Site.objects.order_by("name").values_list("slug", "name")),
        "industries": [
            (slug, name_en if english and name_en else name)
            for slug, name, name_en in Industry.objects.order_by("name").values_list("slug", "name", "name_en")
        ],
    }


def new_productions_by_year(*, site_slug: str = TECHNOPOLIS_SLUG) -> dict[int, int]:
    site = Site.objects.filter(slug=site_slug).first()
    qs = Production.objects.filter(opened_on__isnull=False)
    if site is not None:
        qs = qs.filter(site_id__in=site_descendant_ids(site))
    rows = qs.values_list("opened_on__year").annotate(n=Count("pk")).order_by()
    return {int(year): int(n) for year, n in rows}


def home_figures() -> dict[str, Any]:
    """Headline figures for the home page (constant number of queries)."""
    today = timezone.localdate()
    this_year, last_year = today.year, today.year - 1
    production = Production.objects.aggregate(
        this_year=Count("pk", filter=Q(opened_on__year=this_year)),
        last_year=Count("pk", filter=Q(opened_on__year=last_year)),
        jobs=Sum("jobs"),
    )
    sites = Site.objects.count()
    organisations = Organisation.objects.count()
    residents = Residency.objects.filter(_current_residency_q()).values("organisation_id").distinct().order_by().count()
    sites_url = reverse("registry:site_list")
    orgs_url = reverse("registry:organisation_list")
    prods_url = reverse("registry:production_list")
    return {
        "cards": [
            {
                "value": format_number(sites),
                "label": ngettext("industrial site", "industrial sites", sites),
                "url": sites_url,
            },
            {
                "value": format_number(organisations),
                "label": ngettext("organisation in the registry", "organisations in the registry", organisations),
                "url": orgs_url,
            },
            {
                "value": format_number(residents),
                "label": ngettext("resident company of sites", "resident companies of sites", residents),
                "url": orgs_url,
            },
            {
                "value": format_number(production["last_year"]),
                "label": _("new productions in %(year)s") % {"year": last_year},
                "url": f"{prods_url}?year={last_year}",
            },
            {
                "value": format_number(production["this_year"]),
                "label": _("new productions in %(year)s") % {"year": this_year},
                "url": f"{prods_url}?year={this_year}",
            },
            {
                "value": format_number(production["jobs"] or 0),
                "label": ngettext("job at the productions", "jobs at the productions", production["jobs"] or 0),
                "url": prods_url,
            },
        ]
    }


def map_sites() -> list[dict[str, Any]]:
    """Sites for the map and the list under it; a site counts the residents and productions of the sites inside
    it, as its own page does (ОЭЗ «Технополис Москва» shows the same number in both places)."""
    sites = list(site_list_annotated().order_by("name"))
    children: dict[int | None, list[Site]] = {}
    for site in sites:
        children.setdefault(site.parent_id, []).append(site)

    def total(site: Site, attr: str) -> int:
        return int(getattr(site, attr)) + sum(total(child, attr) for child in children.get(site.pk, []))

    rows = []
    for site in sites:
        rows.append(
            {
                "site": site,
                "name": site.name,
                "url": site.get_absolute_url(),
                "kind": site.get_kind_display(),
                "lat": float(site.latitude) if site.latitude is not None else None,
                "lng": float(site.longitude) if site.longitude is not None else None,
                "address": site.address,
                "residents": total(site, "resident_count"),
                "productions": total(site, "production_count"),
            }
        )
    return rows
