"""Cabinet and work-queue pages: parse input, call a service or selector, render. Nothing decided here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mosprom.core import limits
from mosprom.core.errors import Forbidden, NotFound, Refused
from mosprom.core.permissions import operator_required
from mosprom.core.roles import is_operator
from mosprom.registry import rules as registry_rules
from mosprom.registry.models import Organisation, Status

from . import selectors, services
from .forms import (
    AccessRequestForm,
    AnnualReportCorrectionForm,
    AnnualReportForm,
    ApplicationStartForm,
    DecisionForm,
    DocumentForm,
    HostApplicationForm,
    InvitationAcceptForm,
    InviteForm,
    MessageForm,
    OperatorInviteForm,
    OperatorMessageForm,
    ProductionReportForm,
    ProfileForm,
    TokenForm,
    VerdictForm,
    questionnaire_form,
)
from .models import (
    AccessRequest,
    Application,
    CompanyToken,
    HostApplication,
    ProductionReport,
    ProfileProposal,
    ReportFiling,
    Representative,
)


def show_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: field errors beside their fields, the rest at the top."""
    if isinstance(exc, Forbidden):
        raise PermissionDenied(str(exc))
    if isinstance(exc, NotFound):
        raise Http404(str(exc))
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _call(fn: Callable[[], Any]) -> tuple[Any, str | None]:
    """Run a service for a one-button action; a refusal becomes a message instead of a form error."""
    try:
        return fn(), None
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except ValidationError as exc:
        return None, " ".join(exc.messages)


def _rep(request: HttpRequest, org: int) -> Representative:
    rep = selectors.representation(request.user, org)
    if rep is None:
        raise Http404
    return rep


# --- entry points ----------------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    reps = list(selectors.representations(request.user))
    if len(reps) == 1:
        return redirect("companies:cabinet", org=reps[0].organisation_id)
    return render(request, "companies/home.html", {"representations": reps})


def access_request(request: HttpRequest) -> HttpResponse:
    """Anyone may ask for access: a honeypot turns naive bots away, and requests are limited per address and per
    e-mail (`RATE_LIMITS["access_request"]`); the limited person sees the form again with what they typed."""
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST":
        valid = form.is_valid()
        try:
            limits.throttle(request, "access_request", email=form.cleaned_data.get("email") if valid else None)
        except limits.RateLimited as exc:
            form.add_error(
                None,
                _("Too many requests for access from your address or e-mail. Please try again in %(minutes)s min.")
                % {"minutes": max((exc.retry_after + 59) // 60, 1)},
            )
            response = render(request, "companies/access_request.html", {"form": form}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        if limits.honeypot_filled(request.POST):
            form.add_error(None, _("Your request could not be processed. Please try again."))
        elif valid:
            try:
                req = services.access_request_create(**form.cleaned_data)
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                return render(request, "companies/access_requested.html", {"req": req})
    return render(request, "companies/access_request.html", {"form": form})


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        inv = services.invitation_from_token(token)
    except Refused as exc:
        return render(request, "companies/invitation_problem.html", {"error": exc}, status=exc.status)
    logged_in = request.user.is_authenticated
    form = InvitationAcceptForm(request.POST or None)
    if logged_in:
        form.fields["password"].required = form.fields["password2"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            rep = services.invitation_accept(
                token=token,
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
                actor=request.user if logged_in else None,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            if not logged_in:
                login(request, rep.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! You now represent %(org)s.") % {"org": rep.organisation.short_name})
            return redirect("companies:cabinet", org=rep.organisation_id)
    return render(request, "companies/invitation.html", {"form": form, "invitation": inv, "logged_in": logged_in})


# --- the cabinet -----------------------------------------------------------------------------------------------


@login_required
def cabinet(request: HttpRequest, org: int) -> HttpResponse:
    rep = _rep(request, org)
    context = selectors.cabinet(organisation=rep.organisation, representative=rep)
    context["representations"] = selectors.representations(request.user)
    return render(request, "companies/cabinet.html", context)


@login_required
def team(request: HttpRequest, org: int) -> HttpResponse:
    rep = _rep(request, org)
    form = InviteForm(request.POST or None, prefix="invite")
    token_form = TokenForm(prefix="token")
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(actor=request.user, organisation=rep.organisation, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request, _("The invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("companies:representatives", org=org)
    context = {"organisation": rep.organisation, "representative": rep, "form": form, "token_form": token_form}
    context.update(selectors.team(organisation=rep.organisation))
    return render(request, "companies/team.html", context)


@login_required
@require_POST
def team_action(request: HttpRequest, org: int, pk: int, action: str) -> HttpResponse:
    rep = _rep(request, org)
    target = get_object_or_404(Representative, pk=pk, organisation=rep.organisation)
    if action == "remove":
        _result, error = _call(lambda: services.representative_remove(actor=request.user, representative=target))
    else:
        _result, error = _call(
            lambda: services.representative_set_manager(
                actor=request.user, representative=target, is_manager=action == "make-manager"
            )
        )
    if error:
        messages.error(request, error)
    if action == "remove" and target.user_id == request.user.pk and not error:
        return redirect("companies:home")
    return redirect("companies:representatives", org=org)


@login_required
@require_POST
def access_decide(request: HttpRequest, org: int, pk: int) -> HttpResponse:
    rep = _rep(request, org)
    req = get_object_or_404(AccessRequest, pk=pk, organisation=rep.organisation)
    form = DecisionForm(request.POST)
    form.is_valid()
    _r, error = _call(
        lambda: services.access_request_decide(
            actor=request.user,
            request=req,
            accept=request.POST.get("decision") == "accept",
            comment=form.cleaned_data.get("comment", ""),
        )
    )
    messages.error(request, error) if error else messages.success(request, _("Decision saved."))
    return redirect("companies:representatives", org=org)


@login_required
@require_POST
def token_create(request: HttpRequest, org: int) -> HttpResponse:
    rep = _rep(request, org)
    form = TokenForm(request.POST, prefix="token")
    raw = ""
    if form.is_valid():
        try:
            _token, raw = services.company_token_create(
                actor=request.user, organisation=rep.organisation, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            show_errors(form, exc)
    context = {"organisation": rep.organisation, "representative": rep, "form": InviteForm(prefix="invite")}
    context.update(selectors.team(organisation=rep.organisation))
    context.update({"token_form": form if not raw else TokenForm(prefix="token"), "raw_token": raw})
    return render(request, "companies/team.html", context, status=200 if raw else 422)


@login_required
@require_POST
def token_revoke(request: HttpRequest, org: int, pk: int) -> HttpResponse:
    rep = _rep(request, org)
    token = get_object_or_404(CompanyToken, pk=pk, organisation=rep.organisation)
    _r, error = _call(lambda: services.company_token_revoke(actor=request.user, token=token))
    if error:
        messages.error(request, error)
    return redirect("companies:representatives", org=org)


@login_required
def profile(request: HttpRequest, org: int) -> HttpResponse:
    rep = _rep(request, org)
    organisation: Organisation = rep.organisation
    form = ProfileForm(
        request.POST or None, initial={"description": organisation.description, "website": organisation.website}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_propose(actor=request.user, organisation=organisation, changes=form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Your changes were sent to the department for review."))
            return redirect("companies:cabinet", org=org)
    return render(
        request,
        "companies/form.html",
        {"form": form, "organisation": organisation, "title": _("Change the public profile")},
    )


@login_required
def production_new(request: HttpRequest, org: int) -> HttpResponse:
    rep = _rep(request, org)
    form = ProductionReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.production_report_create(
                actor=request.user, organisation=rep.organisation, product=data.pop("product"), **data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("The production was sent to the department for review."))
            return redirect("companies:cabinet", org=org)
    return render(
        request,
        "companies/form.html",
        {"form": form, "organisation": rep.organisation, "title": _("Report a production")},
    )


@login_required
def host_apply(request: HttpRequest, org: int) -> HttpResponse:
    rep = _rep(request, org)
    form = HostApplicationForm(
        request.POST or None,
        initial={"contact_email": getattr(request.user, "email", ""), "contact_name": rep.user.get_full_name()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.host_application_submit(actor=request.user, organisation=rep.organisation, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Your application to host tours was sent to the department."))
            return redirect("companies:cabinet", org=org)
    return render(
        request,
        "companies/form.html",
        {"form": form, "organisation": rep.organisation, "title": _("Apply to host tours (Open#Mosprom)")},
    )


def _report_form_filed(
    request: HttpRequest, form: forms.Form, status: Status, rep: Representative, file: Callable[..., Any], done: str
) -> HttpResponse | None:
    """An annual report form (filed or corrected): the output figure required when the status kind asks for it;
    on a valid POST `file(**cleaned_data)` and the cabinet with `done`, else None (the form with the service's
    errors is shown again)."""
    form.fields["output"].required = status.kind.report_asks_output
    if request.method == "POST" and form.is_valid():
        try:
            file(**form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("companies:cabinet", org=rep.organisation_id)
    return None


@login_required
def report_new(request: HttpRequest, status: int) -> HttpResponse:
    obj = get_object_or_404(Status.objects.select_related("kind", "holder"), pk=status)
    rep = _rep(request, obj.holder_id)
    year = timezone.localdate().year - 1
    form = AnnualReportForm(request.POST or None, initial={"year": year})

    def file(**figures: Any) -> object:
        return services.annual_report_file(actor=request.user, status=obj, **figures)

    if filed := _report_form_filed(request, form, obj, rep, file, _("The annual report was filed.")):
        return filed
    return render(
        request,
        "companies/form.html",
        {
            "form": form,
            "organisation": rep.organisation,
            "status": obj,
            "title": _("Annual report: %(kind)s") % {"kind": obj.kind.name},
            "hint": _("The report for %(year)s is due by %(deadline)s.")
            % {"year": year, "deadline": date_format(registry_rules.status_report_deadline(obj, year), "j E Y")}
            + " "
            + selectors.report_obligations(obj),
        },
    )


@login_required
def report_refile(request: HttpRequest, pk: int) -> HttpResponse:
    """A returned annual report: the operator's comment, the figures as filed, corrected and filed again."""
    filing = get_object_or_404(ReportFiling.objects.select_related("report__status__kind", "decided_by"), pk=pk)
    rep = _rep(request, filing.organisation_id)
    services.report_refile_check(filing)  # accepted, waiting or already filed again: a page that says so (409)
    status = filing.report.status
    initial = {
        "jobs": filing.jobs,
        "productions_launched": filing.productions_launched,
        "investment": filing.investment,
        "output": filing.output,
    }
    form = AnnualReportCorrectionForm(request.POST or None, initial=initial)

    def file(**figures: Any) -> object:
        return services.annual_report_refile(actor=request.user, filing=filing, **figures)

    if filed := _report_form_filed(
        request, form, status, rep, file, _("The corrected report was sent to the department.")
    ):
        return filed
    return render(
        request,
        "companies/form.html",
        {
            "form": form,
            "organisation": rep.organisation,
            "status": status,
            "title": _("Correct the annual report: %(kind)s, %(year)s")
            % {"kind": status.kind.name, "year": filing.report.year},
            "hint": _("The department returned the report: «%(comment)s»") % {"comment": filing.decision_comment}
            + " "
            + selectors.report_obligations(status),
            "submit": _("File the corrected report"),
        },
        status=422 if form.errors else 200,
    )


# --- status applications -----------------------------------------------------------------------------------


@login_required
def application_start(request: HttpRequest, org: int) -> HttpResponse:
    rep = _rep(request, org)
    form = ApplicationStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_create(actor=request.user, organisation=rep.organisation, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return redirect("companies:application", pk=app.pk)
    return render(
        request,
        "companies/form.html",
        {"form": form, "organisation": rep.organisation, "title": _("Apply for a status"), "submit": _("Continue")},
    )


def _application_for(request: HttpRequest, pk: int) -> Application:
    app = selectors.applications_visible_to(request.user).filter(pk=pk).first()
    if app is None:
        raise Http404
    return app


@login_required
def application(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application_for(request, pk)
    if is_operator(request.user) and selectors.representation(request.user, app.organisation_id) is None:
        return redirect("companies:operator_application", pk=pk)
    detail = selectors.application_detail(app)
    questions = [q for q, _a in detail["questions"]]
    qform = questionnaire_form(questions, data=request.POST if request.method == "POST" else None, initial=app.answers)
    doc_form = DocumentForm()
    answer_form = MessageForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action in ("save", "submit"):
                qform.is_valid()
                answers = {k[2:]: v for k, v in qform.data.items() if k.startswith("q_")}
                services.application_save_answers(actor=request.user, application=app, answers=answers)
                if action == "submit":
                    services.application_submit(actor=request.user, application=app)
                    messages.success(request, _("The application was submitted. We will e-mail you at each stage."))
                else:
                    messages.success(request, _("Saved."))
                return redirect("companies:application", pk=pk)
            if action == "upload":
                doc_form = DocumentForm(request.POST, request.FILES)
                if doc_form.is_valid():
                    services.application_add_document(
                        actor=request.user, application=app, upload=doc_form.cleaned_data["file"]
                    )
                    messages.success(request, _("The document was attached."))
                    return redirect("companies:application", pk=pk)
            elif action == "answer":
                answer_form = MessageForm(request.POST)
                if answer_form.is_valid():
                    services.application_answer(
                        actor=request.user, application=app, message=answer_form.cleaned_data["message"]
                    )
                    messages.success(request, _("Your answer was sent to the department."))
                    return redirect("companies:application", pk=pk)
            elif action.startswith("remove-"):
                doc = get_object_or_404(app.documents, pk=int(action.split("-", 1)[1]))
                services.application_remove_document(actor=request.user, document=doc)
                return redirect("companies:application", pk=pk)
        except ValidationError as exc:
            if action == "submit" and "file" in getattr(exc, "error_dict", {}):
                # «attach at least one document» belongs to the upload form's file field: the summary links to it
                doc_form.cleaned_data = {}  # an unbound form has none; add_error expects it
                doc_form.add_error("file", exc.error_dict.pop("file"))
            target = {"upload": doc_form, "answer": answer_form}.get(action, qform)
            show_errors(target, exc)
        except ValueError as exc:
            raise Http404 from exc
        status = 422
        app.refresh_from_db()
        detail = selectors.application_detail(app)
    context = {**detail, "qform": qform, "doc_form": doc_form, "answer_form": answer_form}
    context["form"] = next((f for f in (qform, doc_form, answer_form) if f.errors), qform)
    # a submit can fail on the answers and on the documents at once: one summary lists both
    context["summary_also"] = doc_form if context["form"] is not doc_form else None
    return render(request, "companies/application.html", context, status=status)


@login_required
def document(request: HttpRequest, pk: int) -> FileResponse:
    doc = selectors.document_visible_to(request.user, pk)
    if doc is None:
        raise Http404
    return FileResponse(
        doc.file.open("rb"), content_type=doc.content_type, as_attachment=False, filename=doc.original_name
    )


# --- the operator's side ---------------------------------------------------------------------------------------

DECIDERS: dict[str, tuple[Any, Callable[..., Any], str]] = {
    "access": (AccessRequest, services.access_request_decide, "request"),
    "profile": (ProfileProposal, services.profile_proposal_decide, "proposal"),
    "production": (ProductionReport, services.production_report_decide, "report"),
    "report": (ReportFiling, services.report_filing_decide, "filing"),
    "host": (HostApplication, services.host_application_decide, "application"),
}
APPLICATION_ACTIONS: dict[str, Callable[..., Any]] = {
    "start_review": services.application_start_review,
    "request_info": services.application_request_info,
    "approve": services.application_approve,
    "reject": services.application_reject,
}


@operator_required
def queue(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in selectors.QUEUE_KINDS else ""
    stage = request.GET.get("stage", "")
    stage = stage if stage in (Application.Stage.COMPLETENESS, Application.Stage.EXPERT_REVIEW) else ""
    data = selectors.work_queue(
        kind=kind, stage=stage, overdue_only=request.GET.get("overdue") == "1", q=request.GET.get("q", "").strip()
    )
    data.update(
        {
            "kind": kind,
            "stage": stage,
            "overdue": request.GET.get("overdue") == "1",
            "q": request.GET.get("q", ""),
            "flagged": selectors.flagged_statuses(),
            "invite_form": OperatorInviteForm(),
            **selectors.report_deadlines(),
        }
    )
    return render(request, "companies/operator/queue.html", data)


@operator_required
@require_POST
def decide(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    comment = request.POST.get("comment", "")
    decision = request.POST.get("decision", "")
    if kind == "application":
        app = get_object_or_404(Application, pk=pk)
        if decision not in APPLICATION_ACTIONS:
            raise Http404
        fn = APPLICATION_ACTIONS[decision]
        _r, error = _call(lambda: fn(actor=request.user, application=app, message=comment))
    elif kind in DECIDERS:
        model, fn, arg = DECIDERS[kind]
        item = get_object_or_404(model, pk=pk)
        if decision not in ("accept", "reject"):
            raise Http404
        _r, error = _call(lambda: fn(actor=request.user, accept=decision == "accept", comment=comment, **{arg: item}))
    else:
        raise Http404
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Decision saved."))
    back = request.POST.get("next", "")
    if back.startswith("/companies/operator/"):
        return redirect(back)
    return redirect("companies:queue")


@operator_required
def operator_application(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application.objects.select_related("organisation", "kind", "record"), pk=pk)
    verdict_form = VerdictForm(request.POST or None)
    status = 200
    if request.method == "POST" and verdict_form.is_valid():
        try:
            services.application_add_verdict(actor=request.user, application=app, **verdict_form.cleaned_data)
        except ValidationError as exc:
            show_errors(verdict_form, exc)
            status = 422
        else:
            messages.success(request, _("The verdict was added."))
            return redirect("companies:operator_application", pk=pk)
    elif request.method == "POST":
        status = 422
    context = {
        **selectors.application_detail(app),
        "verdict_form": verdict_form,
        "form": verdict_form,
        "message_form": OperatorMessageForm(),
        "action_labels": ACTION_LABELS,
    }
    return render(request, "companies/operator/application.html", context, status=status)


ACTION_LABELS = {
    "start_review": gettext_lazy("Send to expert review"),
    "request_info": gettext_lazy("Request more information"),
    "approve": gettext_lazy("Approve and grant the status"),
    "reject": gettext_lazy("Reject"),
}


@operator_required
def operator_invite(request: HttpRequest) -> HttpResponse:
    form = OperatorInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request, _("The invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("companies:queue")
    return render(
        request,
        "companies/form.html",
        {"form": form, "title": _("Invite a company representative"), "operator": True},
        status=422 if form.errors else 200,
    )
