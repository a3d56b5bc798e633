"""Every route and every API operation × every role answers exactly what `EXPECTED` declares.

Routes come from the resolver (admin excluded, a few admin pages named explicitly), API operations from the
OpenAPI schema. A route or operation without a declared expectation fails `test_every_route_is_declared`.
URL kwargs always point at company A's objects: host B and representative B must never see them.

Roles: `anon` (no session), `visitor` (no session, but the signed links of their own registration on the
`tours:` signed routes; every other role gets a forged link there), `host_a`/`host_b` (host staff,
`registry.Membership`), `rep_a`/`rep_b` (managers in the company cabinet, `companies.Representative`; in the
API they use their organisation's company token), `operator` (operators group; in the API an operator token),
`superuser` (in the API an operator token of theirs). Pages are read with GET, without following redirects;
API writes get an empty JSON body (the right role: 422, or 409 where `{}` is a refusal), except writes on A's
objects, which get a minimal valid body (`BODIES`) so that B's token meets the lookup (404), not the validation.
State-changing pages are also POSTed by every wrong role (`POST_EXPECTED`), and nothing of A's may change.

`MATRIX_DUMP=/tmp/matrix.txt pytest tests/security` writes what the code answers (to review, never to paste blindly).
"""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from mosprom.api import api
from mosprom.companies import services as company_services
from mosprom.companies.models import AccessRequest, Application, Representative
from mosprom.core.api_auth import api_token_create
from mosprom.core.models import ApiToken
from mosprom.intake.models import PressRelease, ProposedFact
from mosprom.tours import services as tour_services
from mosprom.tours import tickets
from mosprom.tours.models import Registration, Session, Tour
from tests.companies.factories import ReportFilingFactory
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    MembershipFactory,
    OperatorFactory,
    OrganisationFactory,
    ProductionFactory,
    ProjectFactory,
    SessionFactory,
    SiteFactory,
    StatusFactory,
    StatusKindFactory,
    TourFactory,
    UserFactory,
)

ROLES = ("anon", "visitor", "host_a", "host_b", "rep_a", "rep_b", "operator", "superuser")
LOGIN = "302 login"  # a 302 to the login page
FORGED = "forged-link"

# Admin pages checked explicitly (the rest of admin: is Django's own).
ADMIN_PAGES = {
    "ADMIN /admin/": lambda d: "/admin/",
    "ADMIN /admin/tours/registration/": lambda d: "/admin/tours/registration/",
    "ADMIN /admin/tours/registration/<pk>/change/": lambda d: f"/admin/tours/registration/{d['reg_a'].pk}/change/",
}


def _all(status: Any) -> dict[str, Any]:
    return dict.fromkeys(ROLES, status)


def _row(default: Any, **roles: Any) -> dict[str, Any]:
    row = _all(default)
    row.update(roles)
    return row


EXPECTED: dict[str, dict[str, Any]] = {
    # The back-office: operators and superusers only; everyone else is sent to the admin login.
    "ADMIN /admin/": _row("302 /admin/login/", operator=200, superuser=200),
    "ADMIN /admin/tours/registration/": _row("302 /admin/login/", operator=200, superuser=200),
    "ADMIN /admin/tours/registration/<pk>/change/": _row("302 /admin/login/", operator=200, superuser=200),
    # Unknown API paths answer a JSON 404; /api/ and /api/docs lead to the docs.
    "UNNAMED ^api/": _row(404),
    "UNNAMED api/": _row("302 /api/v1/docs"),
    "UNNAMED api/docs": _row("302 /api/v1/docs"),
    # Where a login lands: each role's own home.
    "after_login": _row(
        LOGIN,
        host_a="302 /tours/cabinet/",
        host_b="302 /tours/cabinet/",
        rep_a="302 /companies/",
        rep_b="302 /companies/",
        operator="302 /admin/",
        superuser="302 /admin/",
    ),
    # Analytics: public dashboards; the operator-only export (projects-per-partner) hidden; the former operator
    # view leads operators to the back-office's home (what waits for their decision).
    "analytics:dashboard": _row(200),
    "analytics:export": _row(404, operator=200, superuser=200),
    "analytics:operator": _row(403, anon=LOGIN, visitor=LOGIN, operator="302 /admin/", superuser="302 /admin/"),
    "analytics:report": _row(200),
    # Company cabinet: A's cabinet is A's representatives' only (404 for everyone else, even A's host staff
    # who are not representatives, and operators, who work from the queue); POST-only actions answer 405 to GET.
    "companies:access_decide": _row(405, anon=LOGIN, visitor=LOGIN),
    "companies:access_request": _row(200),
    "companies:application": _row(
        404,
        anon=LOGIN,
        visitor=LOGIN,
        rep_a=200,
        operator="302 /companies/operator/applications/<pk>/",
        superuser="302 /companies/operator/applications/<pk>/",
    ),
    "companies:application_start": _row(404, anon=LOGIN, visitor=LOGIN, rep_a=200),
    "companies:cabinet": _row(404, anon=LOGIN, visitor=LOGIN, rep_a=200),
    "companies:decide": _row(403, anon=LOGIN, visitor=LOGIN, operator=405, superuser=405),
    "companies:document": _row(404, anon=LOGIN, visitor=LOGIN, rep_a=200, operator=200, superuser=200),
    "companies:home": _row(200, anon=LOGIN, visitor=LOGIN, rep_a="302 /companies/<pk>/", rep_b="302 /companies/<pk>/"),
    "companies:host_apply": _row(404, anon=LOGIN, visitor=LOGIN, rep_a=200),
    "companies:invitation": _row(200),
    "companies:operator_application": _row(403, anon=LOGIN, visitor=LOGIN, operator=200, superuser=200),
    "companies:operator_invite": _row(403, anon=LOGIN, visitor=LOGIN, operator=200, superuser=200),
    "companies:production_new": _row(404, anon=LOGIN, visitor=LOGIN, rep_a=200),
    "companies:profile": _row(404, anon=LOGIN, visitor=LOGIN, rep_a=200),
    "companies:queue": _row(403, anon=LOGIN, visitor=LOGIN, operator=200, superuser=200),
    "companies:report_new": _row(404, anon=LOGIN, visitor=LOGIN, rep_a=200),
    "companies:report_refile": _row(404, anon=LOGIN, visitor=LOGIN, rep_a=200),  # A's returned report
    "companies:representatives": _row(404, anon=LOGIN, visitor=LOGIN, rep_a=200),
    "companies:team_action": _row(405, anon=LOGIN, visitor=LOGIN),
    "companies:token_create": _row(405, anon=LOGIN, visitor=LOGIN),
    "companies:token_revoke": _row(405, anon=LOGIN, visitor=LOGIN),
    # Core: the demo mailbox is off (as in production), so it does not exist.
    "core:consent": _row(200),  # the consent text is public: anyone about to register reads it
    "core:login": _row(200),
    "core:logout": _row(405),
    "core:mailbox": _row(404),
    "core:mailbox_detail": _row(404),
    "core:mailbox_html": _row(404),
    "home": _row(200),
    # Press-release intake: operators only.
    "intake:fact_edit": _row(403, anon=LOGIN, visitor=LOGIN, operator=200, superuser=200),
    "intake:release_decide": _row(403, anon=LOGIN, visitor=LOGIN, operator=405, superuser=405),
    "intake:release_detail": _row(403, anon=LOGIN, visitor=LOGIN, operator=200, superuser=200),
    "intake:release_list": _row(403, anon=LOGIN, visitor=LOGIN, operator=200, superuser=200),
    "intake:release_new": _row(403, anon=LOGIN, visitor=LOGIN, operator=200, superuser=200),
    "javascript-catalog": _row(200),
    # Agreements and road maps are open data; the overdue list and road-map import are the operators'.
    "partnerships:agreement_detail": _row(200),
    "partnerships:agreement_list": _row(200),
    "partnerships:overdue_list": _row(403, anon=LOGIN, visitor=LOGIN, operator=200, superuser=200),
    "partnerships:project_detail": _row(200),
    "partnerships:roadmap": _row(200),
    "partnerships:roadmap_export": _row(200),
    "partnerships:roadmap_import": _row(403, anon=LOGIN, visitor=LOGIN, operator=200, superuser=200),
    "partnerships:roadmap_template": _row(403, anon=LOGIN, visitor=LOGIN, operator=200, superuser=200),
    # The registry is public.
    "registry:map": _row(200),
    "registry:organisation_detail": _row(200),
    "registry:organisation_list": _row(200),
    "registry:production_list": _row(200),
    "registry:site_detail": _row(200),
    "registry:site_list": _row(200),
    "set_language": _row("302 /"),
    # Host cabinet: host staff only (operators work in the back-office); A's tour, session, export and check-in are
    # A's staff's only: host B gets 404 (403 for a ticket code of another host). A's draft is never public.
    "tours:cabinet": _row(403, anon=LOGIN, visitor=LOGIN, host_a=200, host_b=200),
    "tours:cabinet_session": _row(403, anon=LOGIN, visitor=LOGIN, host_a=200, host_b=404),
    "tours:cabinet_session_export": _row(403, anon=LOGIN, visitor=LOGIN, host_a=200, host_b=404),
    "tours:cabinet_tour": _row(403, anon=LOGIN, visitor=LOGIN, host_a=200, host_b=404),
    "tours:cabinet_tour_edit": _row(403, anon=LOGIN, visitor=LOGIN, host_a=200, host_b=404),
    "tours:cabinet_tour_new": _row(403, anon=LOGIN, visitor=LOGIN, host_a=200, host_b=200),
    "tours:cabinet_tour_state": _row(
        403, anon=LOGIN, visitor=LOGIN, host_a="302 /tours/cabinet/tours/<pk>/", host_b=404
    ),
    # Signed links: only the visitor's own link opens; a forged one is 404.
    "tours:cancel": _row(404, visitor=200),
    "tours:catalogue": _row(200),
    "tours:checkin": _row(403, anon=LOGIN, visitor=LOGIN, host_a=200, host_b=200),
    "tours:checkin_code": _row(403, anon=LOGIN, visitor=LOGIN, host_a=200),
    "tours:confirm": _row(404, visitor=200),
    "tours:feedback": _row(404, visitor=200),
    "tours:my_data": _row(404, visitor=200),
    "tours:offer": _row(404, visitor=200),
    "tours:registered": _row(404, visitor=200),
    "tours:ticket": _row(404, visitor=200),
    "tours:ticket_ics": _row(404, visitor=200),
    "tours:tour_detail": _row(404),
    "tours:waitlisted": _row(404, visitor=200),
    # --- API: open data is public; company operations need a company token and act for its organisation only
    # (B's token on A's application or status: 404); registry writes need an operator token. Session cookies
    # authenticate nothing in the API (host staff: 401). A's draft tour is not in the API.
    "GET /api/v1/agreements": _row(200),
    "GET /api/v1/agreements/{slug}": _row(200),
    "GET /api/v1/company": _row(401, rep_a=200, rep_b=200),
    "GET /api/v1/company/applications": _row(401, rep_a=200, rep_b=200),
    "GET /api/v1/company/applications/{application_id}": _row(401, rep_a=200, rep_b=404),
    "GET /api/v1/company/host-applications": _row(401, rep_a=200, rep_b=200),
    "GET /api/v1/company/production-reports": _row(401, rep_a=200, rep_b=200),
    "GET /api/v1/company/profile-proposals": _row(401, rep_a=200, rep_b=200),
    "GET /api/v1/company/statuses": _row(401, rep_a=200, rep_b=200),
    "GET /api/v1/kpi/corporations": _row(200),
    "GET /api/v1/kpi/corporations/{slug}": _row(200),
    "GET /api/v1/kpi/jobs": _row(200),
    "GET /api/v1/kpi/partnerships": _row(200),
    "GET /api/v1/kpi/productions/by-industry": _row(200),
    "GET /api/v1/kpi/productions/by-site": _row(200),
    "GET /api/v1/kpi/productions/by-year": _row(200),
    "GET /api/v1/kpi/productions/shares": _row(200),
    "GET /api/v1/kpi/sites": _row(200),
    "GET /api/v1/kpi/summary": _row(200),
    "GET /api/v1/kpi/tourism": _row(200),
    "GET /api/v1/organisations": _row(200),
    "GET /api/v1/organisations/{slug}": _row(200),
    "GET /api/v1/productions": _row(200),
    "GET /api/v1/productions/{production_id}": _row(200),
    "GET /api/v1/projects": _row(200),
    "GET /api/v1/projects/{project_id}": _row(200),
    "GET /api/v1/sites": _row(200),
    "GET /api/v1/sites/{slug}": _row(200),
    "GET /api/v1/statuses": _row(200),
    "GET /api/v1/statuses/{status_id}": _row(200),
    "GET /api/v1/tour-sessions": _row(200),
    "GET /api/v1/tour-sessions/{session_id}": _row(200),
    "GET /api/v1/tours": _row(200),
    "GET /api/v1/tours/{slug}": _row(404),
    "PATCH /api/v1/organisations/{slug}": _row(401, operator=200, superuser=200),
    "PATCH /api/v1/productions/{production_id}": _row(401, operator=200, superuser=200),
    "POST /api/v1/company/applications": _row(401, rep_a=422, rep_b=422),
    "POST /api/v1/company/applications/{application_id}/answer": _row(401, rep_a=409, rep_b=404),
    "POST /api/v1/company/applications/{application_id}/documents": _row(401, rep_a=201, rep_b=404),
    "POST /api/v1/company/applications/{application_id}/submit": _row(401, rep_a=422, rep_b=404),
    "POST /api/v1/company/host-application": _row(401, rep_a=422, rep_b=422),
    "POST /api/v1/company/production-reports": _row(401, rep_a=422, rep_b=422),
    # A proposal that changes nothing (`{}`) is refused 409 nothing_changed, before anything is written.
    "POST /api/v1/company/profile-proposals": _row(401, rep_a=409, rep_b=409),
    "POST /api/v1/company/statuses/{status_id}/reports": _row(401, rep_a=422, rep_b=404),
    "POST /api/v1/organisations": _row(401, operator=422, superuser=422),
    "POST /api/v1/productions": _row(401, operator=422, superuser=422),
    "POST /api/v1/tour-sessions/{session_id}/registrations": _row(422),
    "PUT /api/v1/company/applications/{application_id}/answers": _row(401, rep_a=200, rep_b=404),
}


# --- discovery ---------------------------------------------------------------------------------------------


def _walk(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if full.split(":")[0] in ("admin", "api"):
                continue  # admin: named explicitly; api: enumerated from the schema
            names |= _walk(p.url_patterns, full)
        elif isinstance(p, URLPattern):
            if p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)
            else:
                names.add(f"UNNAMED {p.pattern}")  # read at the literal URL in UNNAMED
    return names


def discovered_routes() -> set[str]:
    return _walk(get_resolver().url_patterns)


def discovered_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def test_every_route_is_declared() -> None:
    found = discovered_routes() | discovered_operations() | set(ADMIN_PAGES)
    assert found == set(EXPECTED), {
        "undeclared": sorted(found - set(EXPECTED)),
        "declared but gone": sorted(set(EXPECTED) - found),
    }


# --- data --------------------------------------------------------------------------------------------------


def _company(tag: str, kind: Any) -> dict[str, Any]:
    org = OrganisationFactory(slug=f"org-{tag}", short_name=f"ООО «{tag.upper()}»", inn=None)
    published = TourFactory(host=org, slug=f"tour-{tag}")
    draft = TourFactory(host=org, slug=f"draft-{tag}", state=Tour.State.DRAFT)
    session = SessionFactory(tour=published, capacity=10)
    outcome = tour_services.registration_create(
        session_id=session.pk,
        name=f"Гость {tag}",
        email=f"guest-{tag}@example.com",
        phone="+7 495 111-11-11" if tag == "a" else "+7 495 222-22-22",
        party_size=1,
        consent=True,
    )
    reg = tour_services.registration_confirm(signed=tickets.sign("confirm", outcome.registration.token))
    host = UserFactory(username=f"host-{tag}")
    MembershipFactory(user=host, organisation=org)
    rep = UserFactory(username=f"rep-{tag}")
    representative = Representative.objects.create(user=rep, organisation=org, is_manager=True)
    token, raw = company_services.company_token_create(actor=rep, organisation=org, name="matrix")
    application = company_services.application_create(actor=rep, organisation=org, kind=kind)
    document = company_services.application_add_document(
        actor=rep,
        application=application,
        upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%matrix\n", content_type="application/pdf"),
    )
    status = StatusFactory(holder=org, kind=kind)
    returned = ReportFilingFactory(
        report=status.reports.create(
            year=2024, jobs=1, productions_launched=0, investment=1, submitted_on=timezone.localdate()
        ),
        state="rejected",
        decision_comment="matrix",
    )
    production = ProductionFactory(organisation=org)
    return {
        "org": org,
        "tour": published,
        "draft": draft,
        "session": session,
        "reg": reg,
        "host": host,
        "rep": rep,
        "representative": representative,
        "token": token,
        "raw_token": raw,
        "application": application,
        "document": document,
        "status": status,
        "returned": returned,
        "production": production,
    }


def build() -> dict[str, Any]:
    kind = StatusKindFactory()
    a = _company("a", kind)
    b = _company("b", kind)
    # A full session of A with a waitlist entry (for the waitlist and offer links).
    full = SessionFactory(tour=a["tour"], capacity=1, starts_at=timezone.now() + timedelta(days=12))
    first = tour_services.registration_create(
        session_id=full.pk,
        name="Гость",
        email="first@example.com",
        phone="+7 495 123-45-67",
        party_size=1,
        consent=True,
    )
    tour_services.registration_confirm(signed=tickets.sign("confirm", first.registration.token))
    entry = tour_services.waitlist_join(
        session_id=full.pk,
        name="Ждущий",
        email="wait@example.com",
        phone="+7 495 123-45-67",
        party_size=1,
        consent=True,
    )
    held = tour_services.registration_create(
        session_id=a["session"].pk,
        name="Держатель",
        email="held@example.com",
        phone="+7 495 123-45-67",
        party_size=1,
        consent=True,
    ).registration
    operator = OperatorFactory(username="matrix-operator")
    superuser = get_user_model().objects.create_superuser(username="matrix-root", password="root-pass-2026")
    site = SiteFactory(slug="site-a")
    agreement = AgreementFactory(slug="agreement-a")
    AgreementPartyFactory(agreement=agreement, organisation=a["org"])
    project = ProjectFactory(partner=a["org"])
    release = PressRelease.objects.create(title="Релиз", text="Текст", original="Текст", content_hash="matrix")
    fact = ProposedFact.objects.create(release=release, kind="production", quote="Текст", start=0, end=5)
    access = AccessRequest.objects.create(
        inn="7707083893",
        organisation_name="ООО «A»",
        contact_name="Иван",
        email="ivan@example.com",
        organisation=a["org"],
    )
    invitation = company_services.invitation_create(actor=a["rep"], organisation=a["org"], email="new@example.com")
    _op_token, op_raw = api_token_create(user=operator, name="matrix")
    _su_token, su_raw = api_token_create(user=superuser, name="matrix")
    return {
        "a": a,
        "b": b,
        "reg_a": a["reg"],
        "held": held,
        "entry": entry,
        "operator": operator,
        "superuser": superuser,
        "site": site,
        "agreement": agreement,
        "project": project,
        "release": release,
        "fact": fact,
        "access": access,
        "invitation": invitation,
        "api_tokens": {
            "rep_a": a["raw_token"],
            "rep_b": b["raw_token"],
            "operator": op_raw,
            "superuser": su_raw,
        },
    }


# Patterns without a name, read at a literal URL.
UNNAMED = {
    "UNNAMED api/docs": "/api/docs",
    "UNNAMED api/": "/api/",
    "UNNAMED ^api/": "/api/v2/nothing",
}

# Signed routes: (purpose, object) of the visitor's own links.
SIGNED = {
    "tours:registered": lambda d: tickets.sign_for("registered", d["held"]),
    "tours:waitlisted": lambda d: tickets.sign_for("waitlisted", d["entry"]),
    "tours:confirm": lambda d: tickets.sign_for("confirm", d["held"]),
    "tours:ticket": lambda d: tickets.sign_for("ticket", d["reg_a"]),
    "tours:ticket_ics": lambda d: tickets.sign_for("ticket", d["reg_a"]),
    "tours:cancel": lambda d: tickets.sign_for("cancel", d["reg_a"]),
    "tours:offer": lambda d: tickets.sign_for("offer", d["entry"]),
    "tours:feedback": lambda d: tickets.sign_for("feedback", d["reg_a"]),
    "tours:my_data": lambda d: tickets.sign_for("data", d["reg_a"]),
}


def route_kwargs(name: str, d: dict[str, Any]) -> dict[str, Any]:
    a = d["a"]
    org = a["org"].pk
    table: dict[str, dict[str, Any]] = {
        "core:mailbox_detail": {"pk": 1},
        "core:mailbox_html": {"pk": 1},
        "registry:site_detail": {"slug": d["site"].slug},
        "registry:organisation_detail": {"slug": a["org"].slug},
        "tours:cabinet_tour": {"pk": a["draft"].pk},
        "tours:cabinet_tour_edit": {"pk": a["draft"].pk},
        "tours:cabinet_tour_state": {"pk": a["draft"].pk},
        "tours:cabinet_session": {"pk": a["session"].pk},
        "tours:cabinet_session_export": {"pk": a["session"].pk, "fmt": "csv"},
        "tours:checkin_code": {"code": a["reg"].ticket_code},
        "tours:tour_detail": {"slug": a["draft"].slug},
        "partnerships:agreement_detail": {"slug": d["agreement"].slug},
        "partnerships:roadmap": {"slug": a["org"].slug},
        "partnerships:roadmap_export": {"slug": a["org"].slug},
        "partnerships:roadmap_template": {"slug": a["org"].slug},
        "partnerships:roadmap_import": {"slug": a["org"].slug},
        "partnerships:project_detail": {"pk": d["project"].pk},
        "analytics:export": {"key": "projects-per-partner", "fmt": "csv"},
        "intake:release_detail": {"pk": d["release"].pk},
        "intake:release_decide": {"pk": d["release"].pk},
        "intake:fact_edit": {"pk": d["fact"].pk},
        "companies:invitation": {"token": company_services.invitation_token(d["invitation"])},
        "companies:cabinet": {"org": org},
        "companies:representatives": {"org": org},
        "companies:team_action": {"org": org, "pk": a["representative"].pk, "action": "remove"},
        "companies:access_decide": {"org": org, "pk": d["access"].pk},
        "companies:token_create": {"org": org},
        "companies:token_revoke": {"org": org, "pk": a["token"].pk},
        "companies:profile": {"org": org},
        "companies:production_new": {"org": org},
        "companies:host_apply": {"org": org},
        "companies:application_start": {"org": org},
        "companies:application": {"pk": a["application"].pk},
        "companies:document": {"pk": a["document"].pk},
        "companies:report_new": {"status": a["status"].pk},
        "companies:report_refile": {"pk": a["returned"].pk},
        "companies:decide": {"kind": "application", "pk": a["application"].pk},
        "companies:operator_application": {"pk": a["application"].pk},
    }
    return table.get(name, {})


def route_url(name: str, role: str, d: dict[str, Any]) -> str:
    if name in UNNAMED:
        return UNNAMED[name]
    if name in ADMIN_PAGES:
        return ADMIN_PAGES[name](d)
    if name in SIGNED:
        signed = SIGNED[name](d) if role == "visitor" else FORGED
        return reverse(name, kwargs={"signed": signed})
    return reverse(name, kwargs=route_kwargs(name, d))


def api_path(path: str, d: dict[str, Any]) -> str:
    a = d["a"]
    values = {
        "{slug}": "",
        "{production_id}": str(a["production"].pk),
        "{status_id}": str(a["status"].pk),
        "{project_id}": str(d["project"].pk),
        "{session_id}": str(a["session"].pk),
        "{application_id}": str(a["application"].pk),
    }
    if "{slug}" in path:
        if path.startswith("/api/v1/sites/"):
            values["{slug}"] = d["site"].slug
        elif path.startswith("/api/v1/agreements/"):
            values["{slug}"] = d["agreement"].slug
        elif path.startswith("/api/v1/tours/"):
            values["{slug}"] = a["draft"].slug
        else:
            values["{slug}"] = a["org"].slug
    for key, value in values.items():
        path = path.replace(key, value)
    return path


# Write operations on A's objects get a minimal valid body, so that a wrong company meets the lookup, not the
# validation; every other write gets an empty JSON body (the right role answers 422, nothing is written).
BODIES: dict[str, dict[str, Any]] = {
    "PUT /api/v1/company/applications/{application_id}/answers": {"answers": {}},
    "POST /api/v1/company/applications/{application_id}/answer": {"message": "Ответ"},
    "POST /api/v1/company/statuses/{status_id}/reports": {
        "year": 2025,
        "jobs": 1,
        "productions_launched": 0,
        "investment": 0,
    },
}
MULTIPART = {"POST /api/v1/company/applications/{application_id}/documents"}


def api_call(client: Client, op: str, url: str, headers: dict[str, str]) -> Any:
    method = op.split(" ", 1)[0]
    if method == "GET":
        return client.get(url, headers=headers)
    if op in MULTIPART:
        upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%matrix\n", content_type="application/pdf")
        return client.post(url, {"file": upload}, headers=headers)
    body = json.dumps(BODIES.get(op, {}))
    return client.generic(method, url, data=body, content_type="application/json", headers=headers)


def clients(d: dict[str, Any]) -> dict[str, Client]:
    out = {"anon": Client(), "visitor": Client()}
    for role, user in (
        ("host_a", d["a"]["host"]),
        ("host_b", d["b"]["host"]),
        ("rep_a", d["a"]["rep"]),
        ("rep_b", d["b"]["rep"]),
        ("operator", d["operator"]),
        ("superuser", d["superuser"]),
    ):
        c = Client()
        c.force_login(user)
        out[role] = c
    return out


def _answer(response: Any) -> Any:
    """The status, or for a redirect "302 <path>" (ids as <pk>), or LOGIN for a redirect to the login page."""
    if response.status_code == 302 and response["Location"].startswith(reverse("core:login")):
        return LOGIN
    if response.status_code // 100 == 3:  # any other redirect, with where it leads
        location = re.sub(r"/\d+/", "/<pk>/", response["Location"].split("?")[0])
        return f"{response.status_code} {location}"
    return response.status_code


# State-changing routes (POST-only ones answer 405 to GET above) are POSTed, with an empty form, by every role
# that must not act on A's objects: each is refused and nothing changes. The rightful roles are left out.
NOT_HOST_A = ("anon", "visitor", "host_b", "rep_a", "rep_b", "operator")
NOT_REP_A = ("anon", "visitor", "host_a", "host_b", "rep_b", "operator")
NOT_OPERATOR = ("anon", "visitor", "host_a", "host_b", "rep_a", "rep_b")
POST_EXPECTED: dict[str, dict[str, Any]] = {
    "tours:cabinet_tour": _row(403, anon=LOGIN, visitor=LOGIN, host_b=404),
    "tours:cabinet_tour_state": _row(403, anon=LOGIN, visitor=LOGIN, host_b=404),
    "tours:cabinet_session": _row(403, anon=LOGIN, visitor=LOGIN, host_b=404),
    "tours:checkin_code": _row(403, anon=LOGIN, visitor=LOGIN),
    # Host B's check-in form answers A's ticket code like an unknown one (200, the form with its error; nothing of
    # A's visitor shown, checked in assert_no_cross_company_leak, and the registration stays unchecked).
    "tours:checkin": _row(403, anon=LOGIN, visitor=LOGIN, host_b=200),
    "companies:representatives": _row(404, anon=LOGIN, visitor=LOGIN),
    "companies:team_action": _row(404, anon=LOGIN, visitor=LOGIN),
    "companies:access_decide": _row(404, anon=LOGIN, visitor=LOGIN),
    "companies:token_create": _row(404, anon=LOGIN, visitor=LOGIN),
    "companies:token_revoke": _row(404, anon=LOGIN, visitor=LOGIN),
    "companies:profile": _row(404, anon=LOGIN, visitor=LOGIN),
    "companies:decide": _row(403, anon=LOGIN, visitor=LOGIN),
    "intake:release_decide": _row(403, anon=LOGIN, visitor=LOGIN),
}
# The check-in form is POSTed with A's ticket code (host B is host staff, so only the lookup can refuse).
POST_DATA = {"tours:checkin": lambda d: {"code": d["a"]["reg"].ticket_code}}
POST_ROLES = {name: NOT_HOST_A for name in POST_EXPECTED if name.startswith("tours:")}
POST_ROLES |= {name: NOT_REP_A for name in POST_EXPECTED if name.startswith("companies:")}
POST_ROLES |= {"companies:decide": NOT_OPERATOR, "intake:release_decide": NOT_OPERATOR}


def assert_no_cross_company_leak(d: dict[str, Any], cs: dict[str, Client]) -> None:
    """Host B's and representative B's pages and lists never show A's draft tour, registrants or tokens."""
    a = d["a"]
    # (the ticket code itself is host B's own input here: the page may echo it back)
    secrets = [a["draft"].title, a["reg"].name, a["reg"].email, a["reg"].phone]
    for role in ("host_b", "rep_b"):
        for url in (
            reverse("tours:cabinet"),
            reverse("tours:checkin") + f"?code={a['reg'].ticket_code}",
            reverse("tours:checkin_code", kwargs={"code": a["reg"].ticket_code}),
            reverse("companies:home"),
            reverse("tours:catalogue"),
            "/api/v1/tours",
            "/api/v1/tour-sessions",
        ):
            body = cs[role].get(url).content.decode()
            for secret in secrets:
                assert secret not in body, (role, url, secret)
    body = cs["host_b"].post(reverse("tours:checkin"), {"code": a["reg"].ticket_code}).content.decode()
    for secret in secrets:
        assert secret not in body, ("host_b", "POST tours:checkin", secret)
    # The public catalogue and API never list a draft, for anyone.
    for url in (reverse("tours:catalogue"), "/api/v1/tours", "/api/v1/tour-sessions?tour=" + a["draft"].slug):
        body = Client().get(url).content.decode()
        assert a["draft"].title not in body and d["b"]["draft"].title not in body, url
    # B's token reads only B.
    company = Client().get("/api/v1/company", headers={"Authorization": f"Bearer {d['api_tokens']['rep_b']}"})
    assert company.json()["id"] == d["b"]["org"].pk


def test_permission_matrix(db: Any, settings: Any) -> None:
    settings.RATE_LIMITS_ENABLED = False
    settings.DEMO_MAILBOX = False  # as in production: the demo mailbox shows every e-mail sent
    d = build()
    cs = clients(d)
    api_clients = {role: Client() for role in ROLES}
    got: dict[str, dict[str, Any]] = {}
    for name in sorted(discovered_routes() | set(ADMIN_PAGES)):
        for role in ROLES:
            got.setdefault(name, {})[role] = _answer(cs[role].get(route_url(name, role, d)))
    for op in sorted(discovered_operations()):
        url = api_path(op.split(" ", 1)[1], d)
        for role in ROLES:
            headers = {}
            raw = d["api_tokens"].get(role)
            if raw:
                headers["Authorization"] = f"Bearer {raw}"
            c = api_clients[role] if role in ("anon", "visitor") or raw else cs[role]
            response = api_call(c, op, url, headers)
            got.setdefault(op, {})[role] = _answer(response)
    posted: dict[str, dict[str, Any]] = {}
    for name, roles in POST_ROLES.items():
        for role in roles:
            posted.setdefault(name, {})[role] = _answer(
                cs[role].post(route_url(name, role, d), POST_DATA[name](d) if name in POST_DATA else {})
            )
    if os.environ.get("MATRIX_DUMP"):
        with open(os.environ["MATRIX_DUMP"], "w") as out:
            for key, row in got.items():
                out.write(f"{key!r}: {row},\n")
            for key, row in posted.items():
                out.write(f"POST {key!r}: {row},\n")
    wrong = _differences(EXPECTED, got) | _differences(POST_EXPECTED, posted, prefix="POST ")
    assert not wrong, f"{len(wrong)} routes answer otherwise than declared (expected, got): {wrong}"
    assert_no_cross_company_leak(d, cs)
    _assert_unchanged(d)


def _assert_unchanged(d: dict[str, Any]) -> None:
    """The refused writes above changed nothing of A's."""
    a = d["a"]
    assert Representative.objects.filter(pk=a["representative"].pk, is_manager=True).exists()
    assert not ApiToken.objects.get(pk=a["token"].api_token_id).revoked
    assert AccessRequest.objects.get(pk=d["access"].pk).state == AccessRequest.State.PENDING
    assert Tour.objects.get(pk=a["draft"].pk).state == Tour.State.DRAFT
    assert Registration.objects.get(pk=a["reg"].pk).state == Registration.State.CONFIRMED
    assert not Session.objects.filter(tour=a["draft"]).exists()
    assert Application.objects.get(pk=a["application"].pk).stage == Application.Stage.DRAFT


def _differences(
    expected: dict[str, dict[str, Any]], got: dict[str, dict[str, Any]], prefix: str = ""
) -> dict[str, Any]:
    out = {}
    for key, row in got.items():
        diff = {role: (expected.get(key, {}).get(role), answer) for role, answer in row.items()}
        diff = {role: pair for role, pair in diff.items() if pair[0] != pair[1]}
        if diff:
            out[prefix + key] = diff
    return out
