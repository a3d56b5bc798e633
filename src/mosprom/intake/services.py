"""Writes of the intake: importing a release (once), and an operator's decisions on the facts proposed from it.

Accepting a fact calls the registry or partnerships service in the same transaction, records where it came from
(`Provenance`: the release and the sentence) and writes an audit entry naming the release and the quote.
Two operators deciding the same fact: the row is locked and its state checked, so one wins and the other is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mosprom.core.audit import acting_as, audit_event
from mosprom.core.errors import Refused
from mosprom.registry.models import Organisation, Site
from mosprom.registry.services import (
    organisation_create,
    organisation_update,
    production_create,
    residency_create,
    site_create,
    slug_from,
)

from . import rules
from .models import Mention, PressRelease, ProposedFact, Provenance
from .nlp.linking import Linker
from .nlp.pipeline import Extraction, extract

ORG_KINDS = {choice for choice, _label in Organisation.Kind.choices}
SITE_KINDS = {choice for choice, _label in Site.Kind.choices}


@dataclass
class ImportResult:
    release: PressRelease
    created: bool


def release_import(
    *,
    data: bytes | str,
    actor: Any = None,
    file_name: str = "",
    source_url: str = "",
    linker: Linker | None = None,
) -> ImportResult:
    """Store a press release and the facts proposed from it. The same text imported again points to the release
    already stored. Refuses (with the reason) files over the size limit, binary files and empty text."""
    text = rules.decode_upload(data)
    digest = rules.content_hash(text)
    existing = PressRelease.objects.filter(content_hash=digest).first()
    if existing is not None:
        return ImportResult(existing, False)
    extraction = extract(text, linker=linker or Linker.from_registry())
    with transaction.atomic(), acting_as(actor):
        existing = PressRelease.objects.select_for_update().filter(content_hash=digest).first()
        if existing is not None:
            return ImportResult(existing, False)
        release = PressRelease.objects.create(
            title=(extraction.title or file_name or _("Untitled press release"))[:300],
            source_url=source_url[:500],
            published=extraction.published,
            text=extraction.text,
            original=text,
            content_hash=digest,
            file_name=file_name[:255],
            sources=extraction.sources,
            imported_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _store_extraction(release, extraction)
        audit_event(
            actor=actor,
            action="intake.release_imported",
            obj=release,
            data={"facts": release.facts.count(), "mentions": release.mentions.count()},
        )
    return ImportResult(release, True)


def _store_extraction(release: PressRelease, extraction: Extraction) -> None:
    orgs = {o.registry_id for o in extraction.organisations if o.registry_id}
    sites = {s.registry_id for s in extraction.sites if s.registry_id}
    known_orgs = set(Organisation.objects.filter(pk__in=orgs).values_list("pk", flat=True))
    known_sites = set(Site.objects.filter(pk__in=sites).values_list("pk", flat=True))
    Mention.objects.bulk_create(
        [
            Mention(
                release=release,
                type=m.type,
                start=m.start,
                end=m.end,
                text=m.text[:500],
                normal=(m.name or m.text)[:500],
                organisation_id=m.registry_id if m.type == "organisation" and m.registry_id in known_orgs else None,
                site_id=m.registry_id if m.type == "site" and m.registry_id in known_sites else None,
                score=m.score,
            )
            for m in extraction.mentions
            if m.type in Mention.Type.values
        ]
    )
    org_by_name = {o.name: o for o in extraction.organisations}
    site_by_name = {s.name: s for s in extraction.sites}
    facts: list[ProposedFact] = []
    for f in extraction.facts:
        org_id = site_id = None
        if f.subject_type == "organisation":
            org = org_by_name.get(f.subject)
            org_id = org.registry_id if org and org.registry_id in known_orgs else None
            if org_id is None and f.subject_registry_id in known_orgs:
                org_id = f.subject_registry_id
        elif f.subject_type == "site":
            site = site_by_name.get(f.subject)
            site_id = site.registry_id if site and site.registry_id in known_sites else None
            if site_id is None and f.subject_registry_id in known_sites:
                site_id = f.subject_registry_id
        if f.kind in ("production_opened", "status_granted") and f.site:
            where = site_by_name.get(f.site)
            site_id = where.registry_id if where and where.registry_id in known_sites else None
        if f.kind == "agreement_signed":
            first = next((o for o in extraction.organisations if o.name in f.subject and o.registry_id), None)
            org_id = first.registry_id if first and first.registry_id in known_orgs else None
        facts.append(
            ProposedFact(
                release=release,
                kind=f.kind,
                subject=f.subject[:400],
                detail=f.detail[:300],
                organisation_id=org_id,
                site_id=site_id,
                value=Decimal(str(f.value)) if f.value is not None else None,
                unit=(f.unit or "")[:60],
                qualifier=f.qualifier,
                year=f.year,
                quote=f.quote,
                start=f.start,
                end=f.end,
                confidence=f.confidence,
            )
        )
    # names the registry does not know yet: a new organisation or site, quoted where first named
    for o in extraction.organisations:
        if o.registry_id is None and o.mentions:
            start, end = o.mentions[0]
            facts.append(
                ProposedFact(
                    release=release,
                    kind=ProposedFact.Kind.NEW_ORGANISATION,
                    subject=o.name[:400],
                    unit=o.kind if o.kind in ORG_KINDS else "",
                    quote=_sentence(extraction.text, start, end),
                    start=start,
                    end=end,
                    confidence=0.6,
                )
            )
    for s in extraction.sites:
        if s.registry_id is None and s.mentions:
            start, end = s.mentions[0]
            facts.append(
                ProposedFact(
                    release=release,
                    kind=ProposedFact.Kind.NEW_SITE,
                    subject=s.name[:400],
                    unit=s.kind if s.kind in SITE_KINDS else "",
                    quote=_sentence(extraction.text, start, end),
                    start=start,
                    end=end,
                    confidence=0.55,
                )
            )
    ProposedFact.objects.bulk_create(facts)


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[left + 1 : right].strip()


def _locked(fact: ProposedFact) -> ProposedFact:
    locked = ProposedFact.objects.select_for_update().select_related("release").get(pk=fact.pk)
    if not rules.can_decide(locked):
        who = locked.reviewer.get_username() if locked.reviewer else _("someone")
        raise Refused(
            "already_decided",
            _("This fact was already decided (%(state)s) by %(who)s.")
            % {"state": locked.get_state_display(), "who": who},
            status=409,
        )
    return locked


EDITABLE = {"kind", "subject", "detail", "organisation", "site", "value", "unit", "qualifier", "year"}


def _apply_edits(fact: ProposedFact, changes: dict[str, Any]) -> bool:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    changed = False
    for name, value in changes.items():
        if name == "value" and value not in (None, ""):
            try:
                value = Decimal(str(value).replace(",", ".").replace(" ", ""))
            except InvalidOperation:
                raise Refused("invalid_value", _("Enter a number."), status=422) from None
        if name == "value" and value == "":
            value = None
        if getattr(fact, name) != value:
            setattr(fact, name, value)
            changed = True
    if fact.kind not in ProposedFact.Kind.values:
        raise Refused("invalid_kind", _("Choose a kind of fact."), status=422)
    if fact.qualifier not in ProposedFact.Qualifier.values:
        raise Refused("invalid_qualifier", _("Choose a qualifier."), status=422)
    return changed


def fact_accept(
    *, fact: ProposedFact, actor: Any, changes: dict[str, Any] | None = None, remember_alias: bool = False
) -> ProposedFact:
    """Accept a proposed fact (after the operator's edits, if any): the registry changes in the same transaction
    and keeps the release and the quote as its source. With `remember_alias`, the name the release used becomes
    a name variant of the chosen organisation, so the next release links to it by itself."""
    with transaction.atomic(), acting_as(actor):
        locked = _locked(fact)
        written = locked.subject
        edited = _apply_edits(locked, changes or {})
        if remember_alias and locked.organisation is not None:
            alias_add(organisation=locked.organisation, name=written, actor=actor)
        problem = rules.acceptance_problem(locked)
        if problem:
            raise Refused(problem[0], problem[1], status=422)
        organisation, site, label = _apply_to_registry(locked, actor)
        locked.organisation = organisation or locked.organisation
        locked.site = site or locked.site
        locked.state = ProposedFact.State.EDITED if edited else ProposedFact.State.ACCEPTED
        locked.reviewer = actor if getattr(actor, "is_authenticated", False) else None
        locked.decided_at = timezone.now()
        locked.save()
        Provenance.objects.create(
            fact=locked,
            release=locked.release,
            quote=locked.quote,
            organisation=organisation,
            site=site,
            object_label=label[:300],
        )
        target = site or organisation or locked.release
        audit_event(
            actor=actor,
            action="intake.fact_accepted",
            obj=target,
            data={
                "release": locked.release_id,
                "fact": locked.pk,
                "kind": locked.kind,
                "quote": locked.quote[:500],
                "edited": edited,
            },
        )
    return locked


def fact_edit(*, fact: ProposedFact, actor: Any, remember_alias: bool = False, **changes: Any) -> ProposedFact:
    """Edit a proposed fact and accept it as edited."""
    return fact_accept(fact=fact, actor=actor, changes=changes, remember_alias=remember_alias)


def alias_add(*, organisation: Organisation, name: str, actor: Any) -> Organisation:
    """Keep another spelling of an organisation's name on the registry (its name variants), once."""
    from .nlp.names import fold

    name = " ".join(name.split())
    known = {fold(v) for v in [organisation.short_name, organisation.full_name, *(organisation.name_variants or [])]}
    if not name or fold(name) in known:
        return organisation
    return organisation_update(
        organisation=organisation, name_variants=[*(organisation.name_variants or []), name], actor=actor
    )


def fact_reject(*, fact: ProposedFact, actor: Any) -> ProposedFact:
    with transaction.atomic(), acting_as(actor):
        locked = _locked(fact)
        locked.state = ProposedFact.State.REJECTED
        locked.reviewer = actor if getattr(actor, "is_authenticated", False) else None
        locked.decided_at = timezone.now()
        locked.save()
        audit_event(
            actor=actor,
            action="intake.fact_rejected",
            obj=locked.release,
            data={"release": locked.release_id, "fact": locked.pk, "kind": locked.kind},
        )
    return locked


@dataclass
class BulkResult:
    decided: list[ProposedFact]
    refused: list[tuple[ProposedFact, Refused]]


def facts_decide_bulk(*, facts: list[ProposedFact], actor: Any, accept: bool) -> BulkResult:
    """Accept or reject several facts; each one on its own, so one refusal does not undo the others."""
    result = BulkResult([], [])
    for fact in facts:
        try:
            decided = fact_accept(fact=fact, actor=actor) if accept else fact_reject(fact=fact, actor=actor)
        except Refused as exc:
            result.refused.append((fact, exc))
        else:
            result.decided.append(decided)
    return result


def _apply_to_registry(fact: ProposedFact, actor: Any) -> tuple[Organisation | None, Site | None, str]:
    """The registry change a fact stands for: (organisation, site, a label of what was recorded)."""
    kind = fact.kind
    if kind == ProposedFact.Kind.NEW_ORGANISATION:
        name = fact.subject.strip()
        existing = Organisation.objects.filter(short_name=name).first()
        if existing is not None:
            raise Refused("duplicate", _("The registry already has «%(name)s». Reject this proposal.") % {"name": name})
        org = organisation_create(
            short_name=name,
            kind=fact.unit if fact.unit in ORG_KINDS else Organisation.Kind.COMPANY,
            actor=actor,
        )
        return org, None, _("organisation «%(name)s» added") % {"name": name}
    if kind == ProposedFact.Kind.NEW_SITE:
        name = fact.subject.strip()
        if Site.objects.filter(name=name).exists():
            raise Refused("duplicate", _("The registry already has «%(name)s». Reject this proposal.") % {"name": name})
        site = site_create(
            name=name,
            kind=fact.unit if fact.unit in SITE_KINDS else Site.Kind.INDUSTRIAL_PARK,
            actor=actor,
        )
        return None, site, _("site «%(name)s» added") % {"name": name}
    if kind == ProposedFact.Kind.PRODUCTION_OPENED:
        assert fact.organisation is not None
        opened_on = fact.release.published or (date(fact.year, 1, 1) if fact.year else None)
        production_create(
            organisation=fact.organisation,
            product=(fact.detail or fact.subject)[:300],
            site=fact.site,
            opened_on=opened_on,
            source=(fact.release.source_url or fact.release.title)[:300],
            actor=actor,
        )
        return fact.organisation, fact.site, _("production «%(product)s» recorded") % {"product": fact.detail}
    if kind == ProposedFact.Kind.STATUS_GRANTED:
        from mosprom.registry.models import StatusKind
        from mosprom.registry.services import status_create

        status_kind = status_kind_for(fact.detail)
        if status_kind is None:
            names = ", ".join(StatusKind.objects.order_by("name").values_list("name", flat=True)) or "—"
            raise Refused(
                "unknown_status",
                _("The registry has no kind of status «%(name)s». Write one of: %(names)s.")
                % {"name": fact.detail, "names": names},
                status=422,
            )
        granted_on = fact.release.published or date(fact.year or timezone.localdate().year, 1, 1)
        status_create(kind=status_kind, holder=fact.organisation, site=fact.site, granted_on=granted_on, actor=actor)
        return fact.organisation, fact.site, _("status «%(name)s» recorded") % {"name": status_kind.name}
    if kind == ProposedFact.Kind.RESIDENCY:
        assert fact.organisation is not None and fact.site is not None
        residency_create(organisation=fact.organisation, site=fact.site, actor=actor)
        return fact.organisation, fact.site, _("residency recorded")
    if kind == ProposedFact.Kind.AGREEMENT_SIGNED:
        from mosprom.partnerships.models import Agreement
        from mosprom.partnerships.services import agreement_create

        assert fact.organisation is not None
        signed_on = fact.release.published or date(fact.year or timezone.localdate().year, 1, 1)
        title = _("Agreement with %(name)s of %(date)s") % {
            "name": fact.organisation.short_name,
            "date": signed_on.isoformat(),
        }
        base = slug_from(f"{fact.organisation.short_name}-{signed_on.isoformat()}")
        slug, n = base, 2
        while Agreement.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        agreement_create(
            title=title[:200],
            slug=slug,
            kind=Agreement.Kind.COOPERATION,
            signed_on=signed_on,
            parties=[(fact.organisation, _party_role(fact.organisation))],
            summary=fact.quote[:1000],
            source_url=fact.release.source_url,
            source_text=fact.quote,
            actor=actor,
        )
        return fact.organisation, None, _("agreement recorded")
    # a quantified figure: recorded as the press reported it, next to the registry's own figure
    return fact.organisation, fact.site, figure_label(fact)


def _party_role(organisation: Organisation) -> str:
    """The role an organisation takes in an agreement a press release reports (a party needs one)."""
    from mosprom.partnerships.models import AgreementParty

    role = AgreementParty.Role
    roles: dict[str, str] = {
        Organisation.Kind.STATE_CORPORATION: role.STATE_CORPORATION,
        Organisation.Kind.COMPANY: role.COMPANY,
        Organisation.Kind.JOINT_STOCK: role.COMPANY,
        Organisation.Kind.FUND: role.FUND,
        Organisation.Kind.UNIVERSITY: role.UNIVERSITY,
    }
    return roles.get(organisation.kind, role.OTHER)


def status_kind_for(text: str) -> Any:
    """The registry's kind of status a phrase names («промышленного комплекса» → «Промышленный комплекс»)."""
    from rapidfuzz import fuzz

    from mosprom.registry.models import StatusKind

    from .nlp.names import lemma_key

    wanted = lemma_key(text)
    if not wanted:
        return None
    best, best_score = None, 0.0
    for status_kind in StatusKind.objects.all():
        score = fuzz.token_set_ratio(wanted, lemma_key(status_kind.name))
        if score > best_score:
            best, best_score = status_kind, score
    return best if best_score >= 85 else None


def figure_label(fact: ProposedFact) -> str:
    label = fact.figure_text
    if fact.year:
        label += f" ({fact.year})"
    return f"{fact.get_kind_display()}: {label}"
