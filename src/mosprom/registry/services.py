"""Writes to the registry. The only place its business rules live: views, admin, API and the demo loader call these."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mosprom.core.audit import acting_as, audit_event
from mosprom.core.formatting import format_number
from mosprom.core.text import transliterate

from . import rules
from .models import (
    AnnualReport,
    ExpertVerdict,
    Industry,
    Membership,
    Organisation,
    Production,
    Residency,
    Site,
    Status,
    StatusApplication,
    StatusKind,
)
from .validators import validate_inn, validate_ogrn

FLAGGED = Status.State.FLAGGED

SITE_FIELDS = {
    "name",
    "slug",
    "kind",
    "parent",
    "district",
    "address",
    "latitude",
    "longitude",
    "description",
    "website",
    "is_demo",
}
ORGANISATION_FIELDS = {
    "kind",
    "full_name",
    "short_name",
    "slug",
    "name_variants",
    "inn",
    "ogrn",
    "parent",
    "website",
    "industry",
    "description",
    "employees",
    "staff_total",
    "is_demo",
}
PRODUCTION_FIELDS = {
    "organisation",
    "site",
    "product",
    "industry",
    "opened_on",
    "import_substitution",
    "no_domestic_analogue",
    "jobs",
    "investment",
    "description",
    "source",
    "is_demo",
}
RESIDENCY_FIELDS = {"organisation", "site", "since", "until", "is_anchor"}


def slug_from(text: str, *, max_length: int = 100) -> str:
    """A Latin slug for any (Russian) name."""
    latin = transliterate(re.sub(r"[«»\"'„“”]", "", text.lower()))
    return (slugify(latin) or "item")[:max_length].strip("-") or "item"


def _unique_slug(model: Any, base: str, *, exclude_pk: int | None = None) -> str:
    candidate, n = base, 2
    while model.objects.filter(slug=candidate).exclude(pk=exclude_pk).exists():
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def _apply(instance: Any, data: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(instance, name, value)


def _clean(instance: Any, errors: dict[str, list[ValidationError]] | None = None) -> None:
    """Model validation (field validators, choices, check constraints) merged with our own errors."""
    collected: dict[str, list[ValidationError]] = {k: list(v) for k, v in (errors or {}).items()}
    try:
        instance.full_clean(exclude=["search_text"], validate_unique=False)
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            known = {e.code for e in collected.get(field, [])}
            collected.setdefault(field, []).extend(e for e in field_errors if e.code not in known)
    if collected:
        raise ValidationError(collected)


def _check_slug(model: Any, instance: Any, errors: dict[str, list[ValidationError]]) -> None:
    if instance.slug and model.objects.filter(slug=instance.slug).exclude(pk=instance.pk).exists():
        errors.setdefault("slug", []).append(
            ValidationError(_("This address (slug) is already taken."), code="duplicate_slug")
        )


# --- sites ---------------------------------------------------------------------------------------


def _check_site_parent(site: Site, errors: dict[str, list[ValidationError]]) -> None:
    parent = site.parent
    seen: set[int] = set()
    while parent is not None:
        if site.pk is not None and parent.pk == site.pk:
            errors.setdefault("parent", []).append(
                ValidationError(
                    _("A site cannot be inside itself or inside one of its own sites."), code="parent_cycle"
                )
            )
            return
        if parent.pk in seen:  # a cycle already stored; stop walking
            return
        seen.add(parent.pk)
        parent = parent.parent


def _validate_site(site: Site) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if (site.latitude is None) != (site.longitude is None):
        errors.setdefault("longitude" if site.longitude is None else "latitude", []).append(
            ValidationError(_("Give both latitude and longitude, or neither."), code="coordinates_incomplete")
        )
    for field, limit in (("latitude", 90), ("longitude", 180)):
        value = getattr(site, field)
        if value is not None:
            try:
                number = Decimal(str(value))
            except ArithmeticError:
                errors.setdefault(field, []).append(ValidationError(_("Enter a number."), code="invalid"))
                continue
            if not -limit <= number <= limit:
                errors.setdefault(field, []).append(
                    ValidationError(
                        _("Must be between −%(limit)s and %(limit)s degrees.") % {"limit": limit},
                        code="coordinates_out_of_range",
                    )
                )
    _check_site_parent(site, errors)
    _check_slug(Site, site, errors)
    _clean(site, errors)


@transaction.atomic
def site_create(*, name: str, kind: str, slug: str = "", actor: Any = None, **fields: Any) -> Site:
    with acting_as(actor):
        site = Site(name=name, kind=kind)
        _apply(site, fields, SITE_FIELDS)
        site.slug = slug or _unique_slug(Site, slug_from(name))
        _validate_site(site)
        site.save()
        return site


@transaction.atomic
def site_update(*, site: Site, actor: Any = None, **fields: Any) -> Site:
    with acting_as(actor):
        _apply(site, fields, SITE_FIELDS)
        _validate_site(site)
        site.save()
        return site


# --- organisations -------------------------------------------------------------------------------


def _validate_organisation(org: Organisation) -> None:
    errors: dict[str, list[ValidationError]] = {}
    org.inn = (org.inn or "").strip() or None
    org.ogrn = (org.ogrn or "").strip() or None
    if org.inn:
        try:
            validate_inn(org.inn)
        except ValidationError as exc:
            errors.setdefault("inn", []).extend(exc.error_list)
        else:
            other = Organisation.objects.filter(inn=org.inn).exclude(pk=org.pk).first()
            if other is not None:
                errors.setdefault("inn", []).append(
                    ValidationError(
                        _("INN %(inn)s already belongs to «%(name)s».") % {"inn": org.inn, "name": other.short_name},
                        code="duplicate_inn",
                    )
                )
    if org.ogrn:
        try:
            validate_ogrn(org.ogrn)
        except ValidationError as exc:
            errors.setdefault("ogrn", []).extend(exc.error_list)
        else:
            if Organisation.objects.filter(ogrn=org.ogrn).exclude(pk=org.pk).exists():
                errors.setdefault("ogrn", []).append(
                    ValidationError(_("This OGRN already belongs to another organisation."), code="duplicate_ogrn")
                )
    parent, seen = org.parent, set()
    while parent is not None and parent.pk not in seen:
        if org.pk is not None and parent.pk == org.pk:
            errors.setdefault("parent", []).append(
                ValidationError(
                    _("An organisation cannot be its own parent or a parent of its parent."), code="parent_cycle"
                )
            )
            break
        seen.add(parent.pk)
        parent = parent.parent
    if not isinstance(org.name_variants, list) or not all(isinstance(v, str) for v in org.name_variants):
        errors.setdefault("name_variants", []).append(
            ValidationError(_("Name variants must be a list of strings."), code="invalid")
        )
    _check_slug(Organisation, org, errors)
    _clean(org, errors)


@transaction.atomic
def organisation_create(
    *, short_name: str, full_name: str = "", slug: str = "", actor: Any = None, **fields: Any
) -> Organisation:
    with acting_as(actor):
        org = Organisation(short_name=short_name, full_name=full_name or short_name)
        _apply(org, fields, ORGANISATION_FIELDS)
        org.slug = slug or _unique_slug(Organisation, slug_from(short_name))
        _validate_organisation(org)
        org.save()
        return org


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: Any = None, **fields: Any) -> Organisation:
    with acting_as(actor):
        _apply(organisation, fields, ORGANISATION_FIELDS)
        _validate_organisation(organisation)
        organisation.save()
        return organisation


# --- industries, productions, residencies --------------------------------------------------------


def industry_get_or_create(*, name: str, name_en: str = "") -> Industry:
    industry, _created = Industry.objects.get_or_create(
        slug=slug_from(name), defaults={"name": name, "name_en": name_en}
    )
    return industry


def _validate_production(production: Production) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if production.opened_on and production.opened_on.year < 1900:
        errors.setdefault("opened_on", []).append(ValidationError(_("Enter a real date."), code="invalid"))
    _clean(production, errors)


@transaction.atomic
def production_create(*, organisation: Organisation, product: str, actor: Any = None, **fields: Any) -> Production:
    with acting_as(actor):
        production = Production(organisation=organisation, product=product)
        _apply(production, fields, PRODUCTION_FIELDS)
        _validate_production(production)
        production.save()
        return production


@transaction.atomic
def production_update(*, production: Production, actor: Any = None, **fields: Any) -> Production:
    with acting_as(actor):
        _apply(production, fields, PRODUCTION_FIELDS)
        _validate_production(production)
        production.save()
        return production


def _validate_residency(residency: Residency) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if residency.since and residency.until and residency.until < residency.since:
        errors.setdefault("until", []).append(
            ValidationError(_("The end of residency cannot be before its start."), code="until_before_since")
        )
    _clean(residency, errors)


@transaction.atomic
def residency_create(*, organisation: Organisation, site: Site, actor: Any = None, **fields: Any) -> Residency:
    with acting_as(actor):
        residency = Residency(organisation=organisation, site=site)
        _apply(residency, fields, RESIDENCY_FIELDS)
        _validate_residency(residency)
        residency.save()
        return residency


@transaction.atomic
def residency_update(*, residency: Residency, actor: Any = None, **fields: Any) -> Residency:
    with acting_as(actor):
        _apply(residency, fields, RESIDENCY_FIELDS)
        _validate_residency(residency)
        residency.save()
        return residency


# --- status applications ------------------------------------------------------------------------


def _state_error(application: StatusApplication, message: str) -> ValidationError:
    return ValidationError(message % {"state": application.get_state_display()}, code="invalid_state")


@transaction.atomic
def status_application_submit(
    *,
    applicant: Organisation,
    kind: StatusKind,
    site: Site | None = None,
    submitted_on: date | None = None,
    obliged_jobs: int = 0,
    obliged_productions: int = 0,
    obliged_investment: Decimal | int = Decimal("0"),
    actor: Any = None,
) -> StatusApplication:
    with acting_as(actor):
        application = StatusApplication(
            applicant=applicant,
            kind=kind,
            site=site,
            submitted_on=submitted_on or timezone.localdate(),
            obliged_jobs=obliged_jobs,
            obliged_productions=obliged_productions,
            obliged_investment=Decimal(obliged_investment),
        )
        _clean(application)
        application.save()
        return application


def _locked(application: StatusApplication) -> StatusApplication:
    return StatusApplication.objects.select_for_update().select_related("kind").get(pk=application.pk)


@transaction.atomic
def status_application_start_review(*, application: StatusApplication, actor: Any = None) -> StatusApplication:
    with acting_as(actor):
        app = _locked(application)
        if app.state != StatusApplication.State.SUBMITTED:
            raise _state_error(app, _("Only a submitted application can go to expert review; this one is «%(state)s»."))
        app.state = StatusApplication.State.UNDER_REVIEW
        app.save(update_fields=["state", "updated_at"])
        audit_event(actor=actor, action="status_review_started", obj=app)
        return app


@transaction.atomic
def status_application_add_verdict(
    *,
    application: StatusApplication,
    expert_name: str,
    verdict: str,
    comment: str = "",
    expert: Any = None,
    actor: Any = None,
) -> ExpertVerdict:
    with acting_as(actor):
        app = _locked(application)
        if app.state != StatusApplication.State.UNDER_REVIEW:
            raise _state_error(app, _("Verdicts are added only during expert review; this application is «%(state)s»."))
        if not expert_name.strip():
            raise ValidationError({"expert_name": [ValidationError(_("Name the expert."), code="required")]})
        if verdict not in ExpertVerdict.Verdict.values:
            raise ValidationError({"verdict": [ValidationError(_("Choose «supports» or «opposes»."), code="invalid")]})
        added = ExpertVerdict.objects.create(
            application=app, expert=expert, expert_name=expert_name.strip(), verdict=verdict, comment=comment.strip()
        )
        audit_event(actor=actor, action="status_verdict_added", obj=app, data={"verdict": verdict})
        return added


@transaction.atomic
def status_application_approve(
    *,
    application: StatusApplication,
    granted_on: date | None = None,
    number: str = "",
    actor: Any = None,
) -> Status:
    with acting_as(actor):
        app = _locked(application)
        if app.state != StatusApplication.State.UNDER_REVIEW:
            raise _state_error(
                app, _("Only an application under expert review can be approved; this one is «%(state)s».")
            )
        if not app.verdicts.exists():
            raise ValidationError(_("At least one expert verdict is needed before approval."), code="no_verdict")
        granted = granted_on or timezone.localdate()
        status = Status.objects.create(
            kind=app.kind,
            holder=app.applicant,
            site=app.site,
            number=number,
            granted_on=granted,
            valid_until=rules.status_valid_until(granted_on=granted, term_years=app.kind.term_years),
            obliged_jobs=app.obliged_jobs,
            obliged_productions=app.obliged_productions,
            obliged_investment=app.obliged_investment,
            is_demo=app.applicant.is_demo,
        )
        app.state = StatusApplication.State.APPROVED
        app.decided_on = granted
        app.status = status
        app.save(update_fields=["state", "decided_on", "status", "updated_at"])
        audit_event(
            actor=actor,
            action="status_approved",
            obj=app,
            data={"status_id": status.pk, "granted_on": granted.isoformat(), "kind": app.kind.code},
        )
        return status


@transaction.atomic
def status_application_reject(
    *,
    application: StatusApplication,
    reason: str,
    decided_on: date | None = None,
    actor: Any = None,
) -> StatusApplication:
    with acting_as(actor):
        app = _locked(application)
        if app.state not in (StatusApplication.State.SUBMITTED, StatusApplication.State.UNDER_REVIEW):
            raise _state_error(app, _("This application is already «%(state)s» and cannot be rejected."))
        if not reason.strip():
            raise ValidationError({"rejection_reason": [ValidationError(_("Give the reason."), code="required")]})
        app.state = StatusApplication.State.REJECTED
        app.rejection_reason = reason.strip()
        app.decided_on = decided_on or timezone.localdate()
        app.save(update_fields=["state", "rejection_reason", "decided_on", "updated_at"])
        audit_event(actor=actor, action="status_rejected", obj=app, data={"kind": app.kind.code})
        return app


# --- annual confirmation -------------------------------------------------------------------------


@transaction.atomic
def annual_report_submit(
    *,
    status: Status,
    year: int,
    jobs: int,
    productions_launched: int,
    investment: Decimal | int,
    submitted_on: date | None = None,
    actor: Any = None,
) -> AnnualReport:
    with acting_as(actor):
        if status.granted_on.year > year:
            raise ValidationError(
                {"year": [ValidationError(_("The status was granted after that year."), code="before_status")]}
            )
        if AnnualReport.objects.filter(status=status, year=year).exists():
            raise ValidationError(
                {"year": [ValidationError(_("A report for this year is already filed."), code="duplicate_report")]}
            )
        report = AnnualReport(
            status=status,
            year=year,
            jobs=jobs,
            productions_launched=productions_launched,
            investment=Decimal(investment),
            submitted_on=submitted_on or timezone.localdate(),
        )
        report.meets_obligations = rules.report_meets_obligations(
            status=status, jobs=jobs, productions_launched=productions_launched, investment=Decimal(investment)
        )
        _clean(report)
        report.save()
        _flag_report_problems(status, report, actor)
        return report


@transaction.atomic
def annual_report_revise(
    *,
    report: AnnualReport,
    jobs: int,
    productions_launched: int,
    investment: Decimal | int,
    withdraw_reasons: Iterable[str] = (),
    actor: Any = None,
) -> AnnualReport:
    """Replace the figures of a filed confirmation (one returned to its holder for correction).

    The status is judged again by the rules of a first filing: the reasons the previous figures flagged it for (and
    `withdraw_reasons`, such as the return itself) are withdrawn, a status left with no reason is active again, and
    a late or failing report flags it as `annual_report_submit` does. The confirmation keeps the day it was first
    filed: lateness is judged on that day. Still one confirmation per status and year."""
    with acting_as(actor):
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        status = Status.objects.select_for_update().select_related("kind").get(pk=report.status_id)
        with translation.override(settings.LANGUAGE_CODE):
            stale = {line.strip() for reason in withdraw_reasons for line in reason.splitlines() if line.strip()}
            if not report.meets_obligations:
                stale.add(_failing_reason(status, report))
        report.jobs, report.productions_launched = jobs, productions_launched
        report.investment = Decimal(investment)
        report.meets_obligations = rules.report_meets_obligations(
            status=status, jobs=jobs, productions_launched=productions_launched, investment=Decimal(investment)
        )
        _clean(report)
        report.save()
        audit_event(actor=actor, action="annual_report_revised", obj=report, data={"year": report.year})
        _withdraw_flag_reasons(status, stale, actor, report.year)
        _flag_report_problems(status, report, actor)
        report.status = status
        return report


def _withdraw_flag_reasons(status: Status, reasons: set[str], actor: Any, year: int) -> None:
    """Take `reasons` off a flagged status; with none left it is active again (the flag had no other ground)."""
    if status.state != FLAGGED:
        return
    lines = [line for line in status.flag_reason.splitlines() if line.strip()]
    kept = [line for line in lines if line.strip() not in reasons]
    if kept == lines:
        return
    status.flag_reason = "\n".join(kept)
    if not kept:
        status.state, status.flagged_at = Status.State.ACTIVE, None
    status.save(update_fields=["state", "flag_reason", "flagged_at", "updated_at"])
    audit_event(
        actor=actor,
        action="status_flag_reasons_withdrawn",
        obj=status,
        data={"year": year, "withdrawn": len(lines) - len(kept), "still_flagged": bool(kept)},
    )


def _failing_reason(status: Status, report: AnnualReport) -> str:
    return _(
        "The confirmation for %(year)s does not meet the obligations: jobs %(jobs)s of %(ojobs)s, "
        "new productions %(prods)s of %(oprods)s, investment %(inv)s of %(oinv)s million roubles."
    ) % {
        "year": report.year,
        "jobs": report.jobs,
        "ojobs": status.obliged_jobs,
        "prods": report.productions_launched,
        "oprods": status.obliged_productions,
        "inv": format_number(Decimal(report.investment).normalize()),
        "oinv": format_number(Decimal(status.obliged_investment).normalize()),
    }


def _flag_report_problems(status: Status, report: AnnualReport, actor: Any) -> None:
    """A late or failing report flags a held status at once, as the daily check does for a missing one."""
    if status.state not in rules.HOLDING_STATES:
        return
    deadline = rules.status_report_deadline(status, report.year)
    with translation.override(settings.LANGUAGE_CODE):
        if rules.report_late(submitted_on=report.submitted_on, deadline=deadline):
            _flag(
                status,
                actor,
                report.year,
                _("The confirmation for %(year)s was filed on %(filed)s, after the deadline of %(deadline)s.")
                % {
                    "year": report.year,
                    "filed": date_format(report.submitted_on, "j E Y"),
                    "deadline": date_format(deadline, "j E Y"),
                },
            )
        if not report.meets_obligations:
            _flag(status, actor, report.year, _failing_reason(status, report))


def _flag(status: Status, actor: Any, year: int, reason: str) -> None:
    """Flag the status for the operator; a status already flagged keeps its earlier reasons and its date."""
    reasons = [line for line in status.flag_reason.splitlines() if line.strip()] if status.state == FLAGGED else []
    if reason in reasons:
        return
    if status.state != FLAGGED or status.flagged_at is None:
        status.flagged_at = timezone.now()
    status.state = Status.State.FLAGGED
    status.flag_reason = "\n".join([*reasons, reason])
    status.save(update_fields=["state", "flag_reason", "flagged_at", "updated_at"])
    audit_event(actor=actor, action="status_flagged", obj=status, data={"year": year})


@transaction.atomic
def status_flag(*, status: Status, reason: str, year: int, actor: Any = None) -> Status:
    """Flag a held status for the operator's review (a returned annual report, for instance)."""
    with acting_as(actor):
        locked = Status.objects.select_for_update().get(pk=status.pk)
        if locked.state in rules.HOLDING_STATES:
            _flag(locked, actor, year, reason.strip())
        return locked


@transaction.atomic
def status_confirmation_check(*, year: int | None = None, today: date | None = None, actor: Any = None) -> list[int]:
    """Flag active statuses with obligations whose report for `year` is missing after its kind's deadline or fails.

    Idempotent: a flagged status is not flagged again. Returns the ids flagged in this run.
    """
    with acting_as(actor):
        today = today or timezone.localdate()
        year = year if year is not None else today.year - 1
        statuses = Status.objects.select_for_update().filter(
            rules.status_owes_report_q(year), state=Status.State.ACTIVE
        )
        reports = {r.status_id: r for r in AnnualReport.objects.filter(year=year, status__in=statuses)}
        flagged: list[int] = []
        with translation.override(settings.LANGUAGE_CODE):
            for status in statuses.select_related("kind"):
                report = reports.get(status.pk)
                deadline = rules.status_report_deadline(status, year)
                if report is None and rules.report_overdue(deadline, today, filed=False):
                    _flag(
                        status,
                        actor,
                        year,
                        _("No annual confirmation for %(year)s was filed by %(deadline)s.")
                        % {"year": year, "deadline": date_format(deadline, "j E Y")},
                    )
                    flagged.append(status.pk)
                elif report is not None and not report.meets_obligations:
                    _flag(status, actor, year, _failing_reason(status, report))
                    flagged.append(status.pk)
        return flagged


# --- the other back-office writes (deletions, reference data, memberships, statuses) ------------------------


def _delete(instance: Any, actor: Any) -> None:
    with acting_as(actor):
        instance.delete()


@transaction.atomic
def site_delete(*, site: Site, actor: Any = None) -> None:
    _delete(site, actor)


@transaction.atomic
def organisation_delete(*, organisation: Organisation, actor: Any = None) -> None:
    _delete(organisation, actor)


@transaction.atomic
def production_delete(*, production: Production, actor: Any = None) -> None:
    _delete(production, actor)


@transaction.atomic
def residency_delete(*, residency: Residency, actor: Any = None) -> None:
    _delete(residency, actor)


@transaction.atomic
def industry_save(*, industry: Industry, actor: Any = None) -> Industry:
    """Create or change an industry (reference data) as the back-office form left it."""
    with acting_as(actor):
        _clean(industry)
        industry.save()
    return industry


@transaction.atomic
def industry_delete(*, industry: Industry, actor: Any = None) -> None:
    _delete(industry, actor)


@transaction.atomic
def status_kind_save(*, kind: StatusKind, actor: Any = None) -> StatusKind:
    """Create or change a kind of status: its name, benefits and term."""
    with acting_as(actor):
        _clean(kind)
        kind.save()
    return kind


@transaction.atomic
def status_kind_delete(*, kind: StatusKind, actor: Any = None) -> None:
    _delete(kind, actor)


@transaction.atomic
def membership_add(*, user: Any, organisation: Organisation, actor: Any = None) -> Membership:
    """Make `user` host staff of `organisation` (idempotent)."""
    with acting_as(actor):
        membership, _created = Membership.objects.get_or_create(user=user, organisation=organisation)
    return membership


@transaction.atomic
def membership_save(*, membership: Membership, actor: Any = None) -> Membership:
    with acting_as(actor):
        _clean(membership)
        membership.save()
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Any = None) -> None:
    _delete(membership, actor)


STATUS_FIELDS = {
    "kind",
    "holder",
    "site",
    "number",
    "granted_on",
    "valid_until",
    "state",
    "obliged_jobs",
    "obliged_productions",
    "obliged_investment",
    "is_demo",
}


@transaction.atomic
def status_update(*, status: Status, actor: Any = None, **fields: Any) -> Status:
    """An operator's correction of a status (its number, term, state…); a change of state is a named event."""
    with acting_as(actor):
        before = Status.objects.filter(pk=status.pk).values_list("state", flat=True).first()
        _apply(status, fields, STATUS_FIELDS)
        _clean(status)
        if before != status.state:
            status.flagged_at = timezone.now() if status.state == FLAGGED else None
        status.save()
        if before is not None and before != status.state:
            audit_event(
                actor=actor, action="status_state_changed", obj=status, data={"from": before, "to": status.state}
            )
    return status


@transaction.atomic
def status_create(*, actor: Any = None, **fields: Any) -> Status:
    """A status recorded directly (one granted before the registry existed); new ones come from approval."""
    with acting_as(actor):
        status = Status()
        _apply(status, fields, STATUS_FIELDS)
        if status.valid_until is None and status.granted_on and status.kind_id:
            status.valid_until = rules.status_valid_until(
                granted_on=status.granted_on, term_years=status.kind.term_years
            )
        _clean(status)
        status.save()
    return status


@transaction.atomic
def status_delete(*, status: Status, actor: Any = None) -> None:
    _delete(status, actor)


APPLICATION_FIELDS = {
    "kind",
    "applicant",
    "site",
    "submitted_on",
    "obliged_jobs",
    "obliged_productions",
    "obliged_investment",
}


@transaction.atomic
def status_application_update(*, application: StatusApplication, actor: Any = None, **fields: Any) -> StatusApplication:
    """Correct an application's details while it waits for a decision; its state changes only by the workflow."""
    with acting_as(actor):
        _apply(application, fields, APPLICATION_FIELDS)
        _clean(application)
        application.save()
    return application


@transaction.atomic
def status_application_delete(*, application: StatusApplication, actor: Any = None) -> None:
    _delete(application, actor)
