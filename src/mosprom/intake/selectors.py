"""Reads of the intake: the review queue, a release with its highlighted text, registry figures, provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mosprom.registry.models import Organisation, Production, Residency, Site
from mosprom.registry.selectors import site_descendant_ids

from .models import Mention, PressRelease, ProposedFact, Provenance


def release_list() -> QuerySet[PressRelease]:
    return PressRelease.objects.annotate(
        facts_waiting=Count("facts", filter=Q(facts__state=ProposedFact.State.PROPOSED)),
        facts_total=Count("facts"),
    ).order_by("-created_at", "-id")


def release_get(pk: int) -> PressRelease | None:
    return PressRelease.objects.filter(pk=pk).first()


@dataclass
class Chunk:
    text: str
    type: str = ""  # a mention type, or "" for plain text
    title: str = ""


def highlighted(release: PressRelease, mentions: list[Mention]) -> list[Chunk]:
    """The release text cut into plain and mentioned pieces (rendered escaped, each piece on its own)."""
    chunks: list[Chunk] = []
    pos = 0
    text = release.text
    for m in sorted(mentions, key=lambda x: (x.start, -x.end)):
        if m.start < pos or m.end > len(text):
            continue
        if m.start > pos:
            chunks.append(Chunk(text[pos : m.start]))
        title = m.normal if m.normal and m.normal != m.text else ""
        chunks.append(Chunk(text[m.start : m.end], m.type, title))
        pos = m.end
    if pos < len(text):
        chunks.append(Chunk(text[pos:]))
    return chunks


def registry_figure(fact: ProposedFact) -> int | None:
    """The registry's own figure for what a quantified fact reports, where the registry can compute it."""
    if fact.value is None:
        return None
    if fact.site_id is not None and fact.site is not None:
        ids = site_descendant_ids(fact.site)
        if fact.kind == ProposedFact.Kind.COMPANIES_ON_SITE:
            today = timezone.localdate()
            current = (Q(since__isnull=True) | Q(since__lte=today)) & (Q(until__isnull=True) | Q(until__gte=today))
            return Residency.objects.filter(current, site_id__in=ids).values("organisation_id").distinct().count()
        if fact.kind == ProposedFact.Kind.NEW_PRODUCTIONS and fact.year:
            return Production.objects.filter(site_id__in=ids, opened_on__year=fact.year).count()
        if fact.kind == ProposedFact.Kind.PRODUCTIONS:
            return Production.objects.filter(site_id__in=ids).count()
    if fact.organisation_id is not None and fact.organisation is not None:
        org: Organisation = fact.organisation
        if fact.kind == ProposedFact.Kind.WORKERS and fact.unit != "%":
            return org.employees
        if fact.kind == ProposedFact.Kind.COMPANIES:
            return org.subsidiaries.count() or None
        if fact.kind == ProposedFact.Kind.NEW_PRODUCTIONS and fact.year:
            return Production.objects.filter(organisation=org, opened_on__year=fact.year).count()
    return None


def release_detail(*, release: PressRelease) -> dict[str, Any]:
    mentions = list(release.mentions.select_related("organisation", "site"))
    facts = list(
        release.facts.select_related("organisation", "site", "reviewer", "site__parent").order_by(
            "state", "start", "id"
        )
    )
    for fact in facts:
        fact.registry_value = registry_figure(fact)  # type: ignore[attr-defined]
    people = sorted({m.normal for m in mentions if m.type == Mention.Type.PERSON})
    return {
        "release": release,
        "chunks": highlighted(release, mentions),
        "facts": facts,
        "waiting": [f for f in facts if f.state == ProposedFact.State.PROPOSED],
        "decided": [f for f in facts if f.state != ProposedFact.State.PROPOSED],
        "organisations": _entities(mentions, Mention.Type.ORGANISATION),
        "sites": _entities(mentions, Mention.Type.SITE),
        "people": people,
        "legend": [(t.value, t.label) for t in Mention.Type],
    }


def _entities(mentions: list[Mention], type_: str) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for m in mentions:
        if m.type != type_:
            continue
        key = m.normal
        entry = seen.setdefault(key, {"name": m.normal, "linked": m.organisation or m.site, "count": 0})
        entry["count"] += 1
        if entry["linked"] is None:
            entry["linked"] = m.organisation or m.site
    return list(seen.values())


def provenance_for(*, organisation: Organisation | None = None, site: Site | None = None) -> list[Provenance]:
    qs = Provenance.objects.select_related("release", "fact")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    elif site is not None:
        qs = qs.filter(site=site)
    else:
        return []
    return list(qs.order_by("-created_at", "-id")[:20])


def organisations_for_choice() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("short_name").only("id", "short_name")


def sites_for_choice() -> QuerySet[Site]:
    return Site.objects.order_by("name").only("id", "name")
