"""Every write of the company cabinet. Views, the API, the admin, tasks and the demo loader call these.

Official records stay in the registry and are written through `registry.services` (the status application,
its review, the status it grants, the annual confirmation, productions and the organisation's profile).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mosprom.core.api_auth import api_token_create
from mosprom.core.audit import acting_as, audit_event
from mosprom.core.errors import Forbidden, NotFound, Refused
from mosprom.core.models import ApiToken
from mosprom.core.roles import is_operator
from mosprom.core.services import email_enqueue
from mosprom.registry import rules as registry_rules
from mosprom.registry import services as registry_services
from mosprom.registry.models import (
    AnnualReport,
    ExpertVerdict,
    Membership,
    Organisation,
    Site,
    Status,
    StatusApplication,
    StatusKind,
)
from mosprom.registry.validators import validate_inn

from . import rules, selectors
from .models import (
    AccessRequest,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    CompanyToken,
    Decision,
    HostApplication,
    HostCapability,
    Invitation,
    ProductionReport,
    ProfileProposal,
    ReportFiling,
    Representative,
    StatusKindTerms,
)

User = get_user_model()
INVITATION_SALT = "mosprom.companies.invitation"
Stage = Application.Stage


# --- helpers -------------------------------------------------------------------------------------------


P = ParamSpec("P")
R = TypeVar("R")


def _audited(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a service inside `acting_as(actor)`: the audit trail names who proposed and who decided."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with acting_as(kwargs.get("actor")):
            return fn(*args, **kwargs)

    return wrapper


def _language() -> str:
    return str(settings.LANGUAGE_CODE)


def _link(name: str, **kwargs: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def _notify(
    *, organisation: Organisation, key: str, subject: str, lines: list[str], link: str = "", managers_only: bool = False
) -> int:
    """One e-mail (`companies/email/notice`) to each representative of the organisation, through the outbox."""
    reps = Representative.objects.filter(organisation=organisation).select_related("user")
    if managers_only:
        reps = reps.filter(is_manager=True)
    sent = 0
    for rep in reps:
        if not rep.user.email:
            continue
        email_enqueue(
            to=rep.user.email,
            template="companies/email/notice",
            context={"subject": subject, "lines": lines, "link": link, "organisation": organisation.short_name},
            language=_language(),
            idempotency_key=f"companies:{key}:u{rep.user_id}"[:200],
        )
        sent += 1
    return sent


def _representative(user: Any, organisation: Organisation) -> Representative | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Representative.objects.filter(user=user, organisation=organisation).first()


def ensure_representative(*, actor: Any, organisation: Organisation, manager: bool = False) -> None:
    """Refuse (403) unless `actor` acts for `organisation` (and manages it, when `manager`)."""
    rep = _representative(actor, organisation)
    if rep is None:
        raise Forbidden("not_your_organisation", _("You do not represent this organisation."))
    if manager and not rep.is_manager:
        raise Forbidden("not_a_manager", _("Only a manager of the organisation's representatives can do this."))


def ensure_operator(*, actor: Any) -> None:
    if not is_operator(actor):
        raise Forbidden("operators_only", _("Only an operator of the department can do this."))


def _decide(item: Decision, *, actor: Any, accept: bool, comment: str) -> None:
    if item.state != Decision.State.PENDING:
        raise Refused(
            "already_decided",
            _("This was already decided: «%(state)s».") % {"state": item.get_state_display()},  # type: ignore[attr-defined]
        )
    if not accept and not comment.strip():
        raise Refused("comment_required", _("Say why it is rejected: the company will read the comment."), status=422)
    item.state = Decision.State.ACCEPTED if accept else Decision.State.REJECTED
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.decision_comment = comment.strip()
    audit_event(
        actor=actor,
        action=f"{item._meta.model_name}_{'accepted' if accept else 'rejected'}",
        obj=item,
        data={"proposed_by": item.proposed_by_id} if item.proposed_by_id else None,
    )


def _locked(model: Any, pk: int) -> Any:
    obj = model.objects.select_for_update().filter(pk=pk).first()
    if obj is None:
        raise NotFound("not_found", _("Not found."))
    return obj


# --- host capability (host staff are registry memberships) -------------------------------------------------


def _sync_host_membership(*, user: Any, organisation: Organisation) -> None:
    """A representative of a host organisation is its host staff (the tours cabinet reads `Membership`)."""
    if HostCapability.objects.filter(organisation=organisation).exists():
        registry_services.membership_add(user=user, organisation=organisation)
    for attr in ("_mosprom_host_orgs",):
        if hasattr(user, attr):
            delattr(user, attr)


@transaction.atomic
@_audited
def host_capability_grant(
    *, actor: Any, organisation: Organisation, application: HostApplication | None = None, moderated_tours: int = 0
) -> HostCapability:
    capability, _created = HostCapability.objects.get_or_create(
        organisation=organisation,
        defaults={"granted_by": actor, "application": application, "moderated_tours": moderated_tours},
    )
    for rep in Representative.objects.filter(organisation=organisation).select_related("user"):
        registry_services.membership_add(user=rep.user, organisation=organisation, actor=actor)
    return capability


# --- representatives and invitations -------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """A signed link token. It carries no personal data (links end up in access logs): the id and a creation stamp."""
    return signing.dumps({"i": invitation.pk, "t": int(invitation.created_at.timestamp())}, salt=INVITATION_SALT)


def invitation_link(invitation: Invitation) -> str:
    return _link("companies:invitation", token=invitation_token(invitation))


@transaction.atomic
@_audited
def invitation_create(
    *, actor: Any, organisation: Organisation, email: str, as_manager: bool = False, skip_permission: bool = False
) -> Invitation:
    """An operator, or a manager of the organisation, invites a representative by e-mail."""
    if not skip_permission and not is_operator(actor):
        ensure_representative(actor=actor, organisation=organisation, manager=True)
    email = email.strip().lower()
    if not email:
        raise ValidationError({"email": [ValidationError(_("Enter the e-mail address."), code="required")]})
    if Representative.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise Refused("already_representative", _("This person already represents the organisation."))
    Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        as_manager=as_manager,
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(days=settings.COMPANIES_INVITATION_DAYS),
    )
    email_enqueue(
        to=email,
        template="companies/email/invitation",
        context={
            "organisation": organisation.short_name,
            "link": invitation_link(invitation),
            "expires_at": invitation.expires_at,
        },
        language=_language(),
        idempotency_key=f"companies:invitation:{invitation.pk}",
    )
    return invitation


def invitation_from_token(token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation behind a link; a forged, revoked, used or expired one is refused."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
        invitation = Invitation.objects.select_related("organisation").get(pk=int(data["i"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Invitation.DoesNotExist) as exc:
        raise Refused("invitation_invalid", _("This invitation link is not valid."), status=404) from exc
    if int(invitation.created_at.timestamp()) != data.get("t"):
        raise Refused("invitation_invalid", _("This invitation link is not valid."), status=404)
    problem = rules.invitation_problem(
        accepted=invitation.accepted_at is not None,
        revoked=invitation.revoked_at is not None,
        expires_at=invitation.expires_at,
        now=now or timezone.now(),
    )
    messages = {
        "invitation_revoked": _("This invitation was withdrawn. Ask for a new one."),
        "invitation_used": _("This invitation was already accepted. Log in with your e-mail and password."),
        "invitation_expired": _("This invitation has expired. Ask the person who invited you for a new one."),
    }
    if problem:
        raise Refused(problem, messages[problem], status=410)
    return invitation


@transaction.atomic
@_audited
def invitation_accept(*, token: str, password: str = "", actor: Any = None, full_name: str = "") -> Representative:
    """The invited person sets a password (or, already logged in with that e-mail, simply accepts)."""
    invitation = invitation_from_token(token)
    invitation = _locked(Invitation, invitation.pk)
    invitation = invitation_from_token(token)  # re-check under the lock (two clicks on the same link)
    user = None
    if actor is not None and getattr(actor, "is_authenticated", False):
        if (actor.email or "").lower() != invitation.email.lower():
            raise Refused(
                "invitation_other_user",
                _("This invitation was sent to another e-mail address. Log out and open the link again."),
                status=403,
            )
        user = actor
    else:
        if User.objects.filter(username__iexact=invitation.email).exists():
            raise Refused(
                "account_exists",
                _("An account with this e-mail already exists. Log in first, then open the link again."),
            )
        candidate = User(username=invitation.email, email=invitation.email)
        first, _sep, last = full_name.strip().partition(" ")
        candidate.first_name, candidate.last_name = first[:150], last[:150]
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise ValidationError({"password": exc.error_list}) from exc
        candidate.set_password(password)
        candidate.save()
        user = candidate
    rep, _created = Representative.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"is_manager": invitation.as_manager, "added_by": invitation.invited_by},
    )
    if invitation.as_manager and not rep.is_manager:
        rep.is_manager = True
        rep.save(update_fields=["is_manager", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    _sync_host_membership(user=user, organisation=invitation.organisation)
    return rep


@transaction.atomic
@_audited
def representative_add(
    *, actor: Any, user: Any, organisation: Organisation, is_manager: bool = False
) -> Representative:
    """Operator action (and the migration path for existing host staff): make `user` a representative."""
    ensure_operator(actor=actor)
    rep, created = Representative.objects.get_or_create(
        user=user, organisation=organisation, defaults={"is_manager": is_manager, "added_by": actor}
    )
    if not created and is_manager and not rep.is_manager:
        rep.is_manager = True
        rep.save(update_fields=["is_manager", "updated_at"])
    _sync_host_membership(user=user, organisation=organisation)
    return rep


@transaction.atomic
@_audited
def representatives_from_host_staff(*, actor: Any = None) -> int:
    """Existing host staff (memberships) become managers of their organisation with the host capability."""
    n = 0
    for m in Membership.objects.select_related("user", "organisation"):
        HostCapability.objects.get_or_create(organisation=m.organisation, defaults={"moderated_tours": 0})
        _rep, created = Representative.objects.get_or_create(
            user=m.user, organisation=m.organisation, defaults={"is_manager": True}
        )
        n += int(created)
    return n


def _other_managers(rep: Representative) -> bool:
    return Representative.objects.filter(organisation=rep.organisation, is_manager=True).exclude(pk=rep.pk).exists()


@transaction.atomic
@_audited
def representative_set_manager(*, actor: Any, representative: Representative, is_manager: bool) -> Representative:
    rep = _locked(Representative, representative.pk)
    if not is_operator(actor):
        ensure_representative(actor=actor, organisation=rep.organisation, manager=True)
    if not is_manager and rep.is_manager and not _other_managers(rep):
        raise Refused("last_manager", _("The organisation must keep at least one manager."))
    rep.is_manager = is_manager
    rep.save(update_fields=["is_manager", "updated_at"])
    return rep


@transaction.atomic
@_audited
def representative_remove(*, actor: Any, representative: Representative) -> None:
    rep = _locked(Representative, representative.pk)
    if not is_operator(actor):
        ensure_representative(actor=actor, organisation=rep.organisation, manager=True)
    if rep.is_manager and not _other_managers(rep):
        raise Refused("last_manager", _("The organisation must keep at least one manager."))
    for membership in Membership.objects.filter(user_id=rep.user_id, organisation_id=rep.organisation_id):
        registry_services.membership_remove(membership=membership, actor=actor)
    rep.delete()


# --- access requests -----------------------------------------------------------------------------------


@transaction.atomic
@_audited
def access_request_create(
    *, inn: str, organisation_name: str, contact_name: str, email: str, message: str = "", actor: Any = None
) -> AccessRequest:
    """A company asks for access. A registered INN sends the request to that organisation's managers."""
    inn = (inn or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    try:
        validate_inn(inn)
    except ValidationError as exc:
        errors["inn"] = exc.error_list
    if not organisation_name.strip():
        errors["organisation_name"] = [ValidationError(_("Enter the organisation's name."), code="required")]
    if not contact_name.strip():
        errors["contact_name"] = [ValidationError(_("Enter your name."), code="required")]
    if not email.strip():
        errors["email"] = [ValidationError(_("Enter the e-mail address."), code="required")]
    if errors:
        raise ValidationError(errors)
    email = email.strip().lower()
    organisation = Organisation.objects.filter(inn=inn).first()
    if AccessRequest.objects.filter(inn=inn, email__iexact=email, state=Decision.State.PENDING).exists():
        raise Refused("request_pending", _("A request from this e-mail for this INN is already waiting."))
    request = AccessRequest.objects.create(
        inn=inn,
        organisation_name=organisation_name.strip(),
        contact_name=contact_name.strip(),
        email=email,
        message=message.strip(),
        organisation=organisation,
    )
    if organisation is not None:
        _notify(
            organisation=organisation,
            key=f"access-request:{request.pk}",
            subject=_("Someone asks to represent %(org)s") % {"org": organisation.short_name},
            lines=[
                _("%(name)s (%(email)s) asks for access to the company cabinet.")
                % {"name": request.contact_name, "email": request.email},
                _("Approve or decline the request on the representatives page of the cabinet."),
            ],
            link=_link("companies:representatives", org=organisation.pk),
            managers_only=True,
        )
    return request


def can_decide_access_request(*, actor: Any, request: AccessRequest) -> bool:
    if is_operator(actor):
        return True
    if request.organisation_id is None:
        return False
    rep = _representative(actor, request.organisation)  # type: ignore[arg-type]
    return rep is not None and rep.is_manager


@transaction.atomic
@_audited
def access_request_decide(*, actor: Any, request: AccessRequest, accept: bool, comment: str = "") -> AccessRequest:
    """Operator (or, for a registered INN, the organisation's manager) approves: an invitation goes out."""
    req = _locked(AccessRequest, request.pk)
    if not can_decide_access_request(actor=actor, request=req):
        raise Forbidden("not_allowed", _("You cannot decide this request."))
    _decide(req, actor=actor, accept=accept, comment=comment)
    if accept:
        organisation = req.organisation or Organisation.objects.filter(inn=req.inn).first()
        if organisation is None:
            organisation = registry_services.organisation_create(
                actor=actor, short_name=req.organisation_name, inn=req.inn
            )
        first = not Representative.objects.filter(organisation=organisation).exists()
        req.organisation = organisation
        req.invitation = invitation_create(
            actor=actor, organisation=organisation, email=req.email, as_manager=first, skip_permission=True
        )
    else:
        email_enqueue(
            to=req.email,
            template="companies/email/notice",
            context={
                "subject": _("Your request for access was declined"),
                "lines": [req.decision_comment],
                "link": "",
                "organisation": req.organisation_name,
            },
            language=_language(),
            idempotency_key=f"companies:access-declined:{req.pk}",
        )
    req.save()
    return req


# --- status applications -----------------------------------------------------------------------------------


@transaction.atomic
@_audited
def kind_terms_save(*, actor: Any, terms: StatusKindTerms) -> StatusKindTerms:
    """Operator sets a kind's questionnaire and review time."""
    ensure_operator(actor=actor)
    unknown = [c for c in terms.questions or [] if c not in rules.QUESTIONS]
    if unknown:
        raise ValidationError(
            {"questions": [ValidationError(_("Unknown questions: %(codes)s.") % {"codes": ", ".join(unknown)})]}
        )
    terms.save()
    return terms


def _clean_answers(kind: StatusKind, answers: dict[str, Any]) -> dict[str, Any]:
    questions = rules.questionnaire(selectors.kind_terms(kind).questions)
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[ValidationError]] = {}
    for q in questions:
        raw = answers.get(q.code)
        if raw in (None, ""):
            continue
        try:
            if q.kind == "int":
                value: Any = int(str(raw).replace(" ", ""))
                if value < 0:
                    raise ValueError
            elif q.kind == "decimal":
                number = Decimal(str(raw).replace(" ", "").replace(",", "."))
                if number < 0 or not number.is_finite():
                    raise InvalidOperation
                value = str(number)
            else:
                value = str(raw).strip()[:4000]
        except (ValueError, InvalidOperation):
            errors[f"q_{q.code}"] = [ValidationError(_("Enter a number, zero or more."), code="invalid")]
            continue
        cleaned[q.code] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _event(application: Application, *, stage: str, side: str, actor: Any, message: str = "") -> ApplicationEvent:
    audit_event(actor=actor, action=f"application_{stage}", obj=application, data={"side": side})
    return ApplicationEvent.objects.create(
        application=application,
        stage=stage,
        side=side,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        message=message.strip(),
    )


def _move(application: Application, stage: str) -> None:
    application.stage = stage
    application.stage_changed_at = timezone.now()
    application.save(
        update_fields=["stage", "stage_changed_at", "resume_stage", "submitted_at", "record", "updated_at"]
    )


def _stage_email(application: Application, stage: str, message: str, event: ApplicationEvent) -> None:
    subjects: dict[str, str] = {
        Stage.COMPLETENESS: _("Your application for «%(kind)s» was received"),
        Stage.INFO_REQUESTED: _("More information is needed for your application for «%(kind)s»"),
        Stage.EXPERT_REVIEW: _("Your application for «%(kind)s» went to expert review"),
        Stage.APPROVED: _("The status «%(kind)s» is granted"),
        Stage.REJECTED: _("Your application for «%(kind)s» was rejected"),
    }
    if stage not in subjects:
        return
    lines = [
        _("Stage: %(stage)s.") % {"stage": Application.Stage(stage).label},
    ]
    if message:
        lines.append(_("Message from the department: %(message)s") % {"message": message})
    _notify(
        organisation=application.organisation,
        key=f"application:{application.pk}:event:{event.pk}",
        subject=subjects[stage] % {"kind": application.kind.name},
        lines=lines,
        link=_link("companies:application", pk=application.pk),
    )


@transaction.atomic
@_audited
def application_create(
    *, actor: Any, organisation: Organisation, kind: StatusKind, site: Site | None = None, is_demo: bool = False
) -> Application:
    """Start a draft. One open application per organisation and kind of status."""
    ensure_representative(actor=actor, organisation=organisation)
    if Application.objects.filter(organisation=organisation, kind=kind, stage__in=Application.OPEN_STAGES).exists():
        raise Refused(
            "application_open",
            _("Your organisation already has an open application for «%(kind)s».") % {"kind": kind.name},
        )
    if Status.objects.filter(holder=organisation, kind=kind, state=Status.State.ACTIVE).exists():
        raise Refused("status_held", _("Your organisation already holds the status «%(kind)s».") % {"kind": kind.name})
    try:
        with transaction.atomic():
            return Application.objects.create(
                organisation=organisation,
                kind=kind,
                site=site,
                stage_changed_at=timezone.now(),
                created_by=actor,
                answers={},
                is_demo=is_demo,
            )
    except IntegrityError as exc:
        raise Refused(
            "application_open",
            _("Your organisation already has an open application for «%(kind)s».") % {"kind": kind.name},
        ) from exc


@transaction.atomic
@_audited
def application_save_answers(
    *, actor: Any, application: Application, answers: dict[str, Any], site: Site | None = None
) -> Application:
    app = _locked(Application, application.pk)
    ensure_representative(actor=actor, organisation=app.organisation)
    if app.stage not in (Stage.DRAFT, Stage.INFO_REQUESTED):
        raise Refused("already_submitted", _("This application was already submitted."))
    app.answers = _clean_answers(app.kind, answers)
    if site is not None:
        app.site = site
    app.save(update_fields=["answers", "site", "updated_at"])
    return app


def _document_check(upload: UploadedFile) -> str:
    limit = settings.COMPANIES_DOCUMENT_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": [ValidationError(_("The file is empty."), code="empty_file")]})
    if upload.size > limit:
        raise ValidationError(
            {
                "file": [
                    ValidationError(
                        _("The file is too large: %(size)s MB; the limit is %(limit)s MB.")
                        % {"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
                        code="file_too_large",
                    )
                ]
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = rules.sniff_document_type(head)
    if content_type is None or not rules.extension_matches(upload.name or "", content_type):
        raise ValidationError(
            {
                "file": [
                    ValidationError(
                        _("Only PDF, PNG or JPEG files are accepted, and the name must match the content."),
                        code="file_type",
                    )
                ]
            }
        )
    return content_type


@transaction.atomic
@_audited
def application_add_document(*, actor: Any, application: Application, upload: UploadedFile) -> ApplicationDocument:
    app = _locked(Application, application.pk)
    ensure_representative(actor=actor, organisation=app.organisation)
    if app.stage not in (Stage.DRAFT, Stage.INFO_REQUESTED):
        raise Refused("application_locked", _("The application is with the department and cannot be changed now."))
    content_type = _document_check(upload)
    name = (upload.name or "document").rsplit("/", 1)[-1][:200]
    doc = ApplicationDocument(
        application=app, original_name=name, content_type=content_type, size=upload.size or 0, uploaded_by=actor
    )
    doc.file.save(name, upload, save=False)
    doc.save()
    return doc


@transaction.atomic
@_audited
def application_remove_document(*, actor: Any, document: ApplicationDocument) -> None:
    app = _locked(Application, document.application_id)
    ensure_representative(actor=actor, organisation=app.organisation)
    if app.stage != Stage.DRAFT:
        raise Refused("application_locked", _("Submitted documents stay with the application."))
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)


def _require(app: Application, action: str) -> None:
    if not rules.transition_allowed(app.stage, action):
        raise Refused(
            "invalid_stage",
            _("This cannot be done while the application is at the stage «%(stage)s».")
            % {"stage": app.get_stage_display()},
        )


@transaction.atomic
@_audited
def application_submit(*, actor: Any, application: Application) -> Application:
    """Send the draft to the department: it becomes the registry's official application."""
    app = _locked(Application, application.pk)
    ensure_representative(actor=actor, organisation=app.organisation)
    if app.stage != Stage.DRAFT:
        raise Refused("already_submitted", _("This application was already submitted."))
    questions = rules.questionnaire(selectors.kind_terms(app.kind).questions)
    missing = rules.missing_answers(questions, app.answers)
    # each message names its question: the error summary at the top lists the messages alone
    errors: dict[str, list[ValidationError]] = {
        f"q_{q.code}": [
            ValidationError(_("Answer the question «%(question)s».") % {"question": q.label}, code="required")
        ]
        for q in questions
        if q.code in missing
    }
    if not app.documents.exists():
        errors["file"] = [ValidationError(_("Attach at least one document (PDF or image)."), code="no_documents")]
    if errors:
        raise ValidationError(errors)
    obligations = {q.obligation: app.answers[q.code] for q in questions if q.obligation and q.code in app.answers}
    app.record = registry_services.status_application_submit(
        actor=actor,
        applicant=app.organisation,
        kind=app.kind,
        site=app.site,
        obliged_jobs=int(obligations.get("obliged_jobs", 0)),
        obliged_productions=int(obligations.get("obliged_productions", 0)),
        obliged_investment=Decimal(obligations.get("obliged_investment", "0")),
    )
    app.submitted_at = timezone.now()
    _move(app, Stage.COMPLETENESS)
    event = _event(app, stage=Stage.COMPLETENESS, side="company", actor=actor)
    _stage_email(app, Stage.COMPLETENESS, "", event)
    return app


@transaction.atomic
@_audited
def application_request_info(*, actor: Any, application: Application, message: str) -> Application:
    ensure_operator(actor=actor)
    app = _locked(Application, application.pk)
    _require(app, "request_info")
    if not message.strip():
        raise Refused("comment_required", _("Write the question the company must answer."), status=422)
    app.resume_stage = app.stage
    _move(app, Stage.INFO_REQUESTED)
    event = _event(app, stage=Stage.INFO_REQUESTED, side="operator", actor=actor, message=message)
    _stage_email(app, Stage.INFO_REQUESTED, message.strip(), event)
    return app


@transaction.atomic
@_audited
def application_answer(*, actor: Any, application: Application, message: str) -> Application:
    app = _locked(Application, application.pk)
    ensure_representative(actor=actor, organisation=app.organisation)
    _require(app, "answer")
    if not message.strip():
        raise ValidationError({"message": [ValidationError(_("Write your answer."), code="required")]})
    back = app.resume_stage or Stage.COMPLETENESS
    app.resume_stage = ""
    _move(app, back)
    _event(app, stage=back, side="company", actor=actor, message=message)
    return app


@transaction.atomic
@_audited
def application_start_review(*, actor: Any, application: Application, message: str = "") -> Application:
    ensure_operator(actor=actor)
    app = _locked(Application, application.pk)
    _require(app, "start_review")
    if app.record is None:
        raise Refused("no_record", _("The application has no registry record."))
    registry_services.status_application_start_review(actor=actor, application=app.record)
    _move(app, Stage.EXPERT_REVIEW)
    event = _event(app, stage=Stage.EXPERT_REVIEW, side="operator", actor=actor, message=message)
    _stage_email(app, Stage.EXPERT_REVIEW, message.strip(), event)
    return app


@transaction.atomic
@_audited
def application_add_verdict(
    *, actor: Any, application: Application, expert_name: str, verdict: str, comment: str = ""
) -> ExpertVerdict:
    ensure_operator(actor=actor)
    app = _locked(Application, application.pk)
    if app.stage != Stage.EXPERT_REVIEW or app.record is None:
        raise Refused("invalid_stage", _("Verdicts are added only during expert review."))
    return registry_services.status_application_add_verdict(
        actor=actor, application=app.record, expert_name=expert_name, verdict=verdict, comment=comment
    )


@transaction.atomic
@_audited
def application_approve(*, actor: Any, application: Application, message: str = "", number: str = "") -> Status:
    """Approval grants the status with its benefits and term (registry service)."""
    ensure_operator(actor=actor)
    app = _locked(Application, application.pk)
    _require(app, "approve")
    assert app.record is not None
    try:
        status = registry_services.status_application_approve(actor=actor, application=app.record, number=number)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "no_verdict":
            raise Refused("no_verdict", _("Add at least one expert verdict before approving.")) from exc
        raise
    _move(app, Stage.APPROVED)
    event = _event(app, stage=Stage.APPROVED, side="operator", actor=actor, message=message)
    _stage_email(app, Stage.APPROVED, message.strip(), event)
    return status


@transaction.atomic
@_audited
def application_reject(*, actor: Any, application: Application, message: str) -> Application:
    ensure_operator(actor=actor)
    app = _locked(Application, application.pk)
    _require(app, "reject")
    if not message.strip():
        raise Refused("comment_required", _("Say why it is rejected: the company will read the comment."), status=422)
    if app.record is not None and app.record.state in (
        StatusApplication.State.SUBMITTED,
        StatusApplication.State.UNDER_REVIEW,
    ):
        registry_services.status_application_reject(actor=actor, application=app.record, reason=message)
    _move(app, Stage.REJECTED)
    event = _event(app, stage=Stage.REJECTED, side="operator", actor=actor, message=message)
    _stage_email(app, Stage.REJECTED, message.strip(), event)
    return app


# --- profile proposals and production reports -----------------------------------------------------------------


@transaction.atomic
@_audited
def profile_propose(
    *, actor: Any, organisation: Organisation, changes: dict[str, Any], is_demo: bool = False
) -> ProfileProposal:
    """Propose description, web address, contacts and the site (a `Site` or its slug) for the public profile."""
    ensure_representative(actor=actor, organisation=organisation)
    site_value = changes.get("site")
    changes = {**changes, "site": site_value.slug} if isinstance(site_value, Site) else changes
    clean = {k: str(v or "").strip() for k, v in changes.items() if k in ProfileProposal.FIELDS}
    current = {"description": organisation.description, "website": organisation.website}
    clean = {k: v for k, v in clean.items() if v != current.get(k, "")}
    if clean.get("site"):
        site = Site.objects.filter(slug=clean["site"]).first()
        if site is None:
            raise ValidationError({"site": [ValidationError(_("There is no such site."), code="invalid")]})
        if organisation.residencies.filter(site=site, until__isnull=True).exists():
            del clean["site"]  # already a resident there
    if not clean:
        raise Refused("nothing_changed", _("Nothing was changed."), status=422)
    if clean.get("website"):
        from django.core.validators import URLValidator

        try:
            URLValidator()(clean["website"])
        except ValidationError as exc:
            raise ValidationError(
                {"website": [ValidationError(_("Enter a full web address, https://…"), code="invalid")]}
            ) from exc
    return ProfileProposal.objects.create(organisation=organisation, changes=clean, proposed_by=actor, is_demo=is_demo)


@transaction.atomic
@_audited
def profile_proposal_decide(
    *, actor: Any, proposal: ProfileProposal, accept: bool, comment: str = ""
) -> ProfileProposal:
    ensure_operator(actor=actor)
    item = _locked(ProfileProposal, proposal.pk)
    _decide(item, actor=actor, accept=accept, comment=comment)
    if accept:
        fields: dict[str, Any] = {k: v for k, v in item.changes.items() if k in ("description", "website")}
        site = Site.objects.filter(slug=item.changes.get("site") or "").first()
        if site is not None and not item.organisation.residencies.filter(site=site, until__isnull=True).exists():
            registry_services.residency_create(
                actor=actor, organisation=item.organisation, site=site, since=timezone.localdate()
            )
        if "contacts" in item.changes:
            # Contacts are published as the last paragraph of the description.
            base = fields.get("description", item.organisation.description).split("\n\n" + _("Contacts:"))[0]
            fields["description"] = f"{base}\n\n{_('Contacts:')} {item.changes['contacts']}".strip()
        registry_services.organisation_update(actor=actor, organisation=item.organisation, **fields)
    item.save()
    _notify(
        organisation=item.organisation,
        key=f"profile:{item.pk}:decided",
        subject=_("Your profile changes were accepted") if accept else _("Your profile changes were rejected"),
        lines=[item.decision_comment] if item.decision_comment else [],
        link=_link("companies:cabinet", org=item.organisation_id),
    )
    return item


PRODUCTION_REPORT_FIELDS = ("site", "opened_on", "import_substitution", "no_domestic_analogue", "jobs")


@transaction.atomic
@_audited
def production_report_create(
    *, actor: Any, organisation: Organisation, product: str, is_demo: bool = False, **fields: Any
) -> ProductionReport:
    ensure_representative(actor=actor, organisation=organisation)
    unknown = set(fields) - set(PRODUCTION_REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if not product.strip():
        raise ValidationError({"product": [ValidationError(_("Name the product."), code="required")]})
    opened_on = fields.get("opened_on")
    if opened_on and (opened_on.year < 1900 or opened_on > timezone.localdate() + timedelta(days=366)):
        raise ValidationError({"opened_on": [ValidationError(_("Enter a real date."), code="invalid")]})
    return ProductionReport.objects.create(
        organisation=organisation, product=product.strip(), proposed_by=actor, is_demo=is_demo, **fields
    )


@transaction.atomic
@_audited
def production_report_decide(
    *, actor: Any, report: ProductionReport, accept: bool, comment: str = ""
) -> ProductionReport:
    ensure_operator(actor=actor)
    item = _locked(ProductionReport, report.pk)
    _decide(item, actor=actor, accept=accept, comment=comment)
    if accept:
        item.production = registry_services.production_create(
            actor=actor,
            organisation=item.organisation,
            product=item.product,
            site=item.site,
            opened_on=item.opened_on,
            import_substitution=item.import_substitution,
            no_domestic_analogue=item.no_domestic_analogue,
            jobs=item.jobs,
            source=_("reported by the company"),
            is_demo=item.is_demo,
        )
    item.save()
    _notify(
        organisation=item.organisation,
        key=f"production:{item.pk}:decided",
        subject=(_("Production «%(p)s» is now in the registry") if accept else _("Production «%(p)s» was rejected"))
        % {"p": item.product},
        lines=[item.decision_comment] if item.decision_comment else [],
        link=_link("companies:cabinet", org=item.organisation_id),
    )
    return item


# --- annual reports -------------------------------------------------------------------------------------------


def _require_output(status: Status, output: Decimal | int | None) -> None:
    if output is None and status.kind.report_asks_output:
        raise ValidationError(
            {
                "output": [
                    ValidationError(
                        _("State the year's output: the report for «%(kind)s» asks for it.")
                        % {"kind": status.kind.name},
                        code="required",
                    )
                ]
            }
        )


def _require_current(status: Status) -> None:
    if status.state in (Status.State.REVOKED, Status.State.EXPIRED):
        raise Refused("status_inactive", _("Reports are filed only for a current status."))


@transaction.atomic
@_audited
def annual_report_file(
    *,
    actor: Any,
    status: Status,
    year: int,
    jobs: int,
    productions_launched: int,
    investment: Decimal | int,
    output: Decimal | int | None = None,
    is_demo: bool = False,
    submitted_on: date | None = None,
) -> ReportFiling:
    """File the annual confirmation (registry) and queue it for the operator's review."""
    ensure_representative(actor=actor, organisation=status.holder)
    _require_current(status)
    today = submitted_on or timezone.localdate()
    if year >= today.year:
        raise ValidationError({"year": [ValidationError(_("Report a year that has ended."), code="future_year")]})
    returned = ReportFiling.objects.filter(report__status=status, report__year=year).order_by("-revision").first()
    if returned is not None and returned.state == Decision.State.REJECTED:
        raise Refused(
            "report_returned",
            _("The report for %(year)s was returned to you: correct it and file it again from the cabinet.")
            % {"year": year},
        )
    _require_output(status, output)
    report = registry_services.annual_report_submit(
        actor=actor,
        status=status,
        year=year,
        jobs=jobs,
        productions_launched=productions_launched,
        investment=investment,
        submitted_on=today,
    )
    return ReportFiling.objects.create(
        organisation=status.holder,
        report=report,
        jobs=report.jobs,
        productions_launched=report.productions_launched,
        investment=report.investment,
        meets_obligations=report.meets_obligations,
        output=Decimal(output) if output is not None else None,
        late=registry_rules.report_late(
            submitted_on=today, deadline=registry_rules.status_report_deadline(status, year)
        ),
        proposed_by=actor,
        is_demo=is_demo,
    )


def _returned_reason(year: int, comment: str) -> str:
    """The line a returned report adds to its status's flag (in the site's language, on one line)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("The annual report for %(year)s was returned: %(comment)s") % {
            "year": year,
            "comment": " ".join(comment.split()),
        }


REFILE_REFUSALS = {
    "report_accepted": (
        lambda: _("This report was accepted: it cannot be filed again. If a figure is wrong, write to the department.")
    ),
    "report_pending": (
        lambda: _("This report is waiting for the department's decision: it can be corrected once it is returned.")
    ),
    "report_refiled": (
        lambda: _("This report was already corrected and filed again: its latest version is in the cabinet.")
    ),
}


def report_refile_check(filing: ReportFiling) -> None:
    """Refuse (409) unless `filing` is the latest filing of its report and the operator returned it."""
    latest = not ReportFiling.objects.filter(report_id=filing.report_id, revision__gt=filing.revision).exists()
    problem = rules.report_refile_problem(state=filing.state, latest=latest)
    if problem is not None:
        raise Refused(problem, REFILE_REFUSALS[problem]())


@transaction.atomic
@_audited
def annual_report_refile(
    *,
    actor: Any,
    filing: ReportFiling,
    jobs: int,
    productions_launched: int,
    investment: Decimal | int,
    output: Decimal | int | None = None,
) -> ReportFiling:
    """Correct a returned annual report and file it again: a new revision waits for the operator.

    The registry's confirmation for that status and year takes the new figures (still one per status and year) and
    the status is judged again by the rules of a first filing; the returned filing keeps its figures and the
    operator's comment."""
    previous = _locked(ReportFiling, filing.pk)
    ensure_representative(actor=actor, organisation=previous.organisation)
    report: AnnualReport = AnnualReport.objects.select_related("status__kind").get(pk=previous.report_id)
    _require_current(report.status)
    report_refile_check(previous)
    _require_output(report.status, output)
    report = registry_services.annual_report_revise(
        actor=actor,
        report=report,
        jobs=jobs,
        productions_launched=productions_launched,
        investment=investment,
        withdraw_reasons=[_returned_reason(report.year, previous.decision_comment)],
    )
    item = ReportFiling.objects.create(
        organisation=previous.organisation,
        report=report,
        revision=previous.revision + 1,
        jobs=report.jobs,
        productions_launched=report.productions_launched,
        investment=report.investment,
        meets_obligations=report.meets_obligations,
        output=Decimal(output) if output is not None else None,
        late=previous.late,
        proposed_by=actor,
        is_demo=previous.is_demo,
    )
    audit_event(
        actor=actor, action="reportfiling_refiled", obj=item, data={"revision": item.revision, "previous": previous.pk}
    )
    review_days = int(settings.COMPANIES_REVIEW_DAYS.get("report", 14))
    _notify(
        organisation=item.organisation,
        key=f"report:{item.pk}:received",
        subject=_("Your corrected annual report for %(year)s was received") % {"year": report.year},
        lines=[
            ngettext(
                "The department reviews it within %(days)s day; you will get an e-mail with its decision.",
                "The department reviews it within %(days)s days; you will get an e-mail with its decision.",
                review_days,
            )
            % {"days": review_days},
        ],
        link=_link("companies:cabinet", org=item.organisation_id),
    )
    return item


@transaction.atomic
@_audited
def report_filing_decide(*, actor: Any, filing: ReportFiling, accept: bool, comment: str = "") -> ReportFiling:
    ensure_operator(actor=actor)
    item = _locked(ReportFiling, filing.pk)
    _decide(item, actor=actor, accept=accept, comment=comment)
    item.save()
    report: AnnualReport = item.report
    lines = [item.decision_comment] if item.decision_comment else []
    link = _link("companies:cabinet", org=item.organisation_id)
    if not accept:
        registry_services.status_flag(
            status=report.status,
            reason=_returned_reason(report.year, item.decision_comment),
            year=report.year,
            actor=actor,
        )
        lines.append(_("Correct the report and file it again in the company cabinet."))
        link = _link("companies:report_refile", pk=item.pk)
    _notify(
        organisation=item.organisation,
        key=f"report:{item.pk}:decided",
        subject=(
            _("Your annual report for %(year)s was accepted")
            if accept
            else _("Your annual report for %(year)s was returned")
        )
        % {"year": report.year},
        lines=lines,
        link=link,
    )
    return item


def report_reminders_send(*, today: date | None = None) -> int:
    """E-mail each status holder whose report for last year is due soon and not yet filed. Idempotent.

    The deadline and the reminder windows are those of the status's kind (registry rules)."""
    today = today or timezone.localdate()
    year = today.year - 1
    filed = set(AnnualReport.objects.filter(year=year).values_list("status_id", flat=True))
    sent = 0
    statuses = Status.objects.filter(registry_rules.status_owes_report_q(year)).select_related("kind", "holder")
    for status in statuses:
        if status.pk in filed:
            continue
        deadline = registry_rules.status_report_deadline(status, year)
        windows = registry_rules.report_reminder_days(status.kind)
        window = rules.reminder_due(deadline=deadline, today=today, days_before=windows)
        if window is None:
            continue
        figures = [_("jobs"), _("new productions"), _("investment")]
        if status.kind.report_asks_output:
            figures.append(_("output"))
        with transaction.atomic():
            sent += _notify(
                organisation=status.holder,
                key=f"report-reminder:{status.pk}:{year}:{window}",
                subject=_("The annual report for «%(kind)s» is due by %(deadline)s")
                % {"kind": status.kind.name, "deadline": date_format(deadline, "j E Y")},
                lines=[
                    _("File the report for %(year)s in the company cabinet: %(figures)s.")
                    % {"year": year, "figures": ", ".join(str(f) for f in figures)},
                    _(
                        "Your obligations: %(jobs)s jobs, %(prods)s new productions, "
                        "%(inv)s million roubles of investment."
                    )
                    % {
                        "jobs": status.obliged_jobs,
                        "prods": status.obliged_productions,
                        "inv": selectors.money(status.obliged_investment),
                    },
                    _("A missing, late or failing report flags the status for the department's review."),
                ],
                link=_link("companies:report_new", status=status.pk),
            )
    return sent


# --- host programme ----------------------------------------------------------------------------------------------


@transaction.atomic
@_audited
def host_application_submit(
    *,
    actor: Any,
    organisation: Organisation,
    tours_offered: str,
    capacity: int,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    formats: Any = (),
    is_demo: bool = False,
) -> HostApplication:
    ensure_representative(actor=actor, organisation=organisation)
    if HostCapability.objects.filter(organisation=organisation).exists():
        raise Refused("already_host", _("Your organisation already hosts tours."))
    if HostApplication.objects.filter(organisation=organisation, state=Decision.State.PENDING).exists():
        raise Refused(
            "host_application_pending", _("Your application to host tours is already waiting for a decision.")
        )
    errors: dict[str, list[ValidationError]] = {}
    if not tours_offered.strip():
        errors["tours_offered"] = [ValidationError(_("Describe the tours you could offer."), code="required")]
    if not capacity or capacity < 1:
        errors["capacity"] = [ValidationError(_("Enter how many visitors a session can take."), code="invalid")]
    if not contact_name.strip():
        errors["contact_name"] = [ValidationError(_("Name the contact person."), code="required")]
    if not contact_email.strip():
        errors["contact_email"] = [ValidationError(_("Enter the contact e-mail."), code="required")]
    if errors:
        raise ValidationError(errors)
    application = HostApplication.objects.create(
        organisation=organisation,
        tours_offered=tours_offered.strip(),
        capacity=capacity,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
        proposed_by=actor,
        is_demo=is_demo,
    )
    if formats:
        application.formats.set(formats)
    return application


@transaction.atomic
@_audited
def host_application_decide(
    *, actor: Any, application: HostApplication, accept: bool, comment: str = ""
) -> HostApplication:
    """Approval makes the organisation a host: its representatives gain the host cabinet."""
    ensure_operator(actor=actor)
    item = _locked(HostApplication, application.pk)
    _decide(item, actor=actor, accept=accept, comment=comment)
    item.save()
    if accept:
        host_capability_grant(
            actor=actor,
            organisation=item.organisation,
            application=item,
            moderated_tours=settings.COMPANIES_NEW_HOST_MODERATED_TOURS,
        )
    _notify(
        organisation=item.organisation,
        key=f"host:{item.pk}:decided",
        subject=_("Welcome to Open#Mosprom: you can now publish tours")
        if accept
        else _("Your application to host tours was declined"),
        lines=[item.decision_comment] if item.decision_comment else [],
        link=_link("companies:cabinet", org=item.organisation_id),
    )
    return item


# --- API tokens -----------------------------------------------------------------------------------------------------


@transaction.atomic
@_audited
def company_token_create(*, actor: Any, organisation: Organisation, name: str) -> tuple[CompanyToken, str]:
    """A manager creates a token that acts for the organisation; the raw value is shown once."""
    ensure_representative(actor=actor, organisation=organisation, manager=True)
    if not name.strip():
        raise ValidationError({"name": [ValidationError(_("Name the token."), code="required")]})
    api_token, raw = api_token_create(user=actor, name=name.strip()[:120])
    return CompanyToken.objects.create(api_token=api_token, organisation=organisation), raw


@transaction.atomic
@_audited
def company_token_revoke(*, actor: Any, token: CompanyToken) -> None:
    ensure_representative(actor=actor, organisation=token.organisation, manager=True)
    ApiToken.objects.filter(pk=token.api_token_id).update(revoked=True)
