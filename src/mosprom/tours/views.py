"""Views of the tours part: they translate between people and services/selectors."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mosprom.core import limits
from mosprom.core.errors import Refused
from mosprom.core.exports import csv_delimiter, download_response, rows_to_csv, rows_to_xlsx
from mosprom.core.roles import is_operator
from mosprom.registry import search
from mosprom.registry.roles import host_organisation_ids, host_required

from . import rules, selectors, services, tickets
from .forms import (
    CancelSessionForm,
    CapacityForm,
    CatalogueFilterForm,
    CheckinForm,
    FeedbackForm,
    RegistrationForm,
    RescheduleForm,
    SessionForm,
    TourForm,
    apply_service_error,
)
from .models import Registration, Session, Tour

# --- public -----------------------------------------------------------------------------------------


def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = {
            "q": d["q"] or "",
            "format_slug": d["format"] or "",
            "industry": d["industry"] or "",
            "district": d["district"] or "",
            "site": d["site"] or "",
            "date_from": d["date_from"],
            "date_to": d["date_to"],
            "free_only": bool(d["free"]),
            "age": d["age"],
        }
    page = Paginator(selectors.tour_list_public(**filters), 12).get_page(request.GET.get("page"))
    selectors.attach_next_sessions(list(page.object_list))
    search_query = filters.get("q", "")
    # Nothing found: how many the words alone find, and the soonest tours, so the page offers a next step.
    relaxed_count, nearest = 0, []
    if not page.object_list and filters:
        if search_query and any(v for k, v in filters.items() if k != "q"):
            relaxed_count = selectors.tour_list_public(q=search_query).count()
        nearest = list(selectors.tour_list_public()[:3])
        selectors.attach_next_sessions(nearest)
    return render(
        request,
        "tours/catalogue.html",
        {
            "form": form,
            "page": page,
            "search_query": search_query,
            "suggestions": search.suggestion_links(search_query, selectors.tour_search_suggestions(q=search_query))
            if search_query
            else [],
            "season": selectors.current_season(),
            "filtered": bool(filters),
            # filters besides the words searched for: only then does «nothing found» suggest clearing filters
            "other_filters": any(value for key, value in filters.items() if key != "q"),
            "relaxed_count": relaxed_count,
            "nearest": nearest,
            "more_filters": any(
                request.GET.get(k) for k in ("format", "industry", "district", "site", "date_from", "date_to", "age")
            ),
        },
    )


def _registration_context(request: HttpRequest, tour: Tour, form: RegistrationForm | None = None) -> dict[str, Any]:
    sessions = selectors.tour_sessions_public(tour)
    open_sessions = [s for s in sessions if getattr(s, "is_open", False)]
    if form is None:
        initial: dict[str, Any] = {"party_size": 1}
        wanted = request.GET.get("session")
        if wanted and wanted.isdigit() and any(s.pk == int(wanted) for s in open_sessions):
            initial["session"] = int(wanted)
        elif len(open_sessions) == 1:
            initial["session"] = open_sessions[0].pk
        form = RegistrationForm(sessions=open_sessions, initial=initial)
    return {
        "tour": tour,
        "sessions": sessions,
        "open_sessions": open_sessions,
        "form": form,
        "closes_days": settings.TOURS_REGISTRATION_CLOSES_DAYS_BEFORE,
        "consent_version": settings.TOURS_CONSENT_VERSION,
    }


def tour_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tour = selectors.tour_detail_public(slug=slug)
    if tour is None:
        raise Http404
    if request.method != "POST":
        return render(request, "tours/tour_detail.html", _registration_context(request, tour))
    # The open sessions plus the one submitted (whatever its state): the service then gives the precise
    # refusal for a closed, cancelled or started session instead of "choose a date".
    choices = [s for s in selectors.tour_sessions_public(tour) if getattr(s, "is_open", False)]
    wanted = request.POST.get("session", "")
    if wanted.isdigit() and all(s.pk != int(wanted) for s in choices):
        submitted = Session.objects.filter(tour=tour, pk=int(wanted)).first()
        if submitted is not None:
            choices.append(submitted)
    form = RegistrationForm(request.POST, sessions=choices)
    offer_waitlist = False
    if limits.honeypot_filled(request.POST):
        form.is_valid()
        form.add_error(None, _("Your request could not be processed. Please try again."))
    elif form.is_valid():
        d = form.cleaned_data
        args = {
            "session_id": d["session"],
            "name": d["name"],
            "email": d["email"],
            "phone": d["phone"],
            "party_size": d["party_size"],
            "consent": d["consent"],
            "group_name": d["group_name"],
            "group_leader": d["group_leader"],
            "language": get_language() or "ru",
            "actor": request.user,
        }
        try:
            if request.POST.get("join_waitlist"):
                limits.throttle(request, "waitlist", email=d["email"])
                entry = services.waitlist_join(**args)
                return redirect("tours:waitlisted", signed=tickets.sign("waitlisted", entry.token))
            limits.throttle(request, "registration", email=d["email"])
            limits.check_held_seats(request, session_id=d["session"], email=d["email"], seats=d["party_size"] or 1)
            outcome = services.registration_create(**args)
            if outcome.created:
                limits.add_held_seats(request, session_id=d["session"], email=d["email"], seats=d["party_size"] or 1)
        except limits.RateLimited:
            raise  # the 429 page (core.limits.RateLimitMiddleware)
        except services.NotEnoughSeats as exc:
            offer_waitlist = True
            form.add_error("party_size", exc)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            # A page of its own purpose: whoever typed this e-mail must not get the ticket or cancel links.
            signed = tickets.sign("registered", outcome.registration.token)
            url = reverse("tours:registered", kwargs={"signed": signed})
            return redirect(url + ("" if outcome.created else "?again=1"))
    elif "session" in form.errors:
        form.errors["session"] = form.error_class([_("Choose a date and time.")])
    context = _registration_context(request, tour, form)
    context["offer_waitlist"] = offer_waitlist
    return render(request, "tours/tour_detail.html", context, status=200)


def registered(request: HttpRequest, signed: str) -> HttpResponse:
    registration = _registration_or_error(request, "registered", signed)
    if isinstance(registration, HttpResponse):
        return registration
    return render(
        request,
        "tours/registered.html",
        {"r": registration, "again": bool(request.GET.get("again")), "hold_minutes": settings.TOURS_HOLD_MINUTES},
    )


def waitlisted(request: HttpRequest, signed: str) -> HttpResponse:
    try:
        entry = selectors.waitlist_entry_for_link(signed=signed, purpose="waitlisted")
    except ValidationError as exc:
        return _link_error(request, exc)
    return render(request, "tours/waitlisted.html", {"entry": entry, "position": selectors.waitlist_position(entry)})


def _link_error(request: HttpRequest, exc: ValidationError, *, status: int | None = None) -> HttpResponse:
    """A refused link or action: its message on a page of its own, with the refusal's status."""
    if status is None:
        status = exc.status if isinstance(exc, Refused) else 400
    return render(request, "tours/link_error.html", {"message": " ".join(exc.messages)}, status=status)


def _registration_or_error(request: HttpRequest, purpose: str, signed: str) -> Registration | HttpResponse:
    try:
        return selectors.registration_for_link(purpose=purpose, signed=signed)
    except Refused as exc:
        return _link_error(request, exc)


def confirm(request: HttpRequest, signed: str) -> HttpResponse:
    # GET only shows a button: mail scanners that prefetch links must not confirm anything.
    registration = _registration_or_error(request, "confirm", signed)
    if isinstance(registration, HttpResponse):
        return registration
    if request.method != "POST" and rules.hold_expired(registration, now=timezone.now()):
        return _link_error(request, services.hold_expired_refusal())  # as the POST would answer
    if request.method == "POST" or registration.state != Registration.State.HELD:
        try:
            registration = services.registration_confirm(signed=signed)
        except Refused as exc:
            return _link_error(request, exc)
        if request.method == "POST":
            messages.success(request, _("Your registration is confirmed. The ticket has been sent to your e-mail."))
        else:
            messages.info(request, _("This registration was already confirmed."))
        return redirect("tours:ticket", signed=tickets.sign("ticket", registration.token))
    return render(request, "tours/confirm.html", {"r": registration})


def ticket(request: HttpRequest, signed: str) -> HttpResponse:
    registration = _registration_or_error(request, "ticket", signed)
    if isinstance(registration, HttpResponse):
        return registration
    links = tickets.registration_links(registration)
    show_qr = registration.state in (Registration.State.CONFIRMED, Registration.State.CHECKED_IN)
    return render(
        request,
        "tours/ticket.html",
        {
            "r": registration,
            "session": registration.session,
            "tour": registration.session.tour,
            "qr_svg": tickets.ticket_svg(registration) if show_qr else "",
            "links": links,
            "cancellable": rules.cancellable(registration, now=timezone.now()),
        },
    )


def ticket_ics(request: HttpRequest, signed: str) -> HttpResponse:
    registration = _registration_or_error(request, "ticket", signed)
    if isinstance(registration, HttpResponse):
        return registration
    response = HttpResponse(tickets.ticket_ics(registration), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tour.ics"'
    return response


def cancel(request: HttpRequest, signed: str) -> HttpResponse:
    registration = _registration_or_error(request, "cancel", signed)
    if isinstance(registration, HttpResponse):
        return registration
    if request.method == "POST":
        try:
            registration = services.registration_cancel(signed=signed)
        except Refused as exc:
            return _link_error(request, exc, status=409 if exc.status == 409 else None)
        return render(request, "tours/cancelled.html", {"r": registration})
    if registration.state == Registration.State.CANCELLED:
        refusal = rules.cancel_refusal(registration, now=timezone.now())
        assert refusal is not None
        return _link_error(request, refusal, status=410)
    return render(request, "tours/cancel.html", {"r": registration})


def offer(request: HttpRequest, signed: str) -> HttpResponse:
    try:
        entry = selectors.waitlist_entry_for_link(signed=signed)
    except Refused as exc:
        return _link_error(request, exc)
    if request.method == "POST":
        try:
            if request.POST.get("decline"):
                services.offer_decline(signed=signed)
                messages.info(request, _("You have left the waitlist."))
                return redirect(entry.session.tour.get_absolute_url())
            registration = services.offer_accept(signed=signed)
        except Refused as exc:
            return _link_error(request, exc, status=410)
        messages.success(request, _("Your registration is confirmed. The ticket has been sent to your e-mail."))
        return redirect("tours:ticket", signed=tickets.sign("ticket", registration.token))
    return render(
        request, "tours/offer.html", {"entry": entry, "offer_open": rules.offer_open(entry, now=timezone.now())}
    )


def feedback(request: HttpRequest, signed: str) -> HttpResponse:
    registration = _registration_or_error(request, "feedback", signed)
    if isinstance(registration, HttpResponse):
        return registration
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(
                signed=signed, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except Refused as exc:
            return _link_error(request, exc, status=409)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            return render(request, "tours/feedback_thanks.html", {"r": registration})
    return render(request, "tours/feedback.html", {"r": registration, "form": form})


def my_data(request: HttpRequest, signed: str) -> HttpResponse:
    registration = _registration_or_error(request, "data", signed)
    if isinstance(registration, HttpResponse):
        return registration
    if request.method == "POST" and request.POST.get("erase"):
        services.visitor_data_erase(registration=registration)
        return render(request, "tours/data_erased.html", {})
    data = selectors.visitor_data_export(registration=registration)
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response
    return render(
        request,
        "tours/my_data.html",
        {"r": registration, "rows": selectors.visitor_registrations(email=registration.email_normalised)},
    )


# --- host cabinet -----------------------------------------------------------------------------------


def _scope(request: HttpRequest) -> set[int] | None:
    return None if is_operator(request.user) else host_organisation_ids(request.user)


def _own_tour(request: HttpRequest, pk: int) -> Tour:
    scope = _scope(request)
    qs = Tour.objects.select_related("host", "format", "site", "season")
    if scope is not None:
        qs = qs.filter(host_id__in=scope)
    return get_object_or_404(qs, pk=pk)


def _own_session(request: HttpRequest, pk: int) -> Session:
    scope = _scope(request)
    qs = Session.objects.select_related("tour__host", "tour__format")
    if scope is not None:
        qs = qs.filter(tour__host_id__in=scope)
    return get_object_or_404(qs, pk=pk)


@host_required
def cabinet(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    tours = list(selectors.host_tours(organisation_ids=scope))
    figures = selectors.tour_figures(tours)
    for tour in tours:
        tour.figures = figures.get(tour.pk, {})  # type: ignore[attr-defined]
    upcoming = selectors.host_upcoming_sessions(organisation_ids=scope)
    return render(
        request,
        "tours/cabinet/home.html",
        {"tours": tours, "upcoming": upcoming, "checkin_form": CheckinForm()},
    )


@host_required
def cabinet_tour_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    tour = _own_tour(request, pk) if pk else None
    form = TourForm(request.POST if request.method == "POST" else None, instance=tour, organisation_ids=_scope(request))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.tour_save(
                actor=request.user, tour=form.save(commit=False), audiences=form.cleaned_data["audiences"]
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The tour has been saved."))
            return redirect("tours:cabinet_tour", pk=saved.pk)
    return render(request, "tours/cabinet/tour_form.html", {"form": form, "tour": tour})


@host_required
def cabinet_tour(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                actor=request.user,
                tour=tour,
                starts_at=form.cleaned_data["starts_at"],
                capacity=form.cleaned_data["capacity"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The session has been added."))
            return redirect("tours:cabinet_session", pk=session.pk)
    figures = selectors.tour_figures([tour]).get(tour.pk, {})
    now = timezone.now()
    sessions = list(selectors.host_sessions(tour=tour))
    for s in sessions:
        s.took_place = rules.took_place(s, now=now)  # type: ignore[attr-defined]
    return render(
        request,
        "tours/cabinet/tour.html",
        {
            "tour": tour,
            "sessions": sessions,
            "form": form,
            "figures": figures,
        },
    )


@host_required
def cabinet_tour_state(request: HttpRequest, pk: int) -> HttpResponse:
    tour = _own_tour(request, pk)
    if request.method == "POST":
        state = request.POST.get("state")
        if state in Tour.State.values:
            tour.state = state
            services.tour_save(actor=request.user, tour=tour)
            messages.success(request, _("The tour is now %(state)s.") % {"state": tour.get_state_display()})
    return redirect("tours:cabinet_tour", pk=tour.pk)


@host_required
def cabinet_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = _own_session(request, pk)
    capacity_form = CapacityForm(
        request.POST if request.POST.get("action") == "capacity" else None, initial={"capacity": session.capacity}
    )
    cancel_form = CancelSessionForm(request.POST if request.POST.get("action") == "cancel" else None)
    reschedule_form = RescheduleForm(request.POST if request.POST.get("action") == "reschedule" else None)
    if request.method == "POST":
        if request.POST.get("action") == "capacity" and capacity_form.is_valid():
            try:
                services.session_update(
                    actor=request.user, session_id=session.pk, capacity=capacity_form.cleaned_data["capacity"]
                )
            except ValidationError as exc:
                apply_service_error(capacity_form, exc)
            else:
                messages.success(request, _("The capacity has been changed."))
                return redirect("tours:cabinet_session", pk=session.pk)
        elif request.POST.get("action") == "reschedule" and reschedule_form.is_valid():
            try:
                services.session_reschedule(
                    actor=request.user, session_id=session.pk, starts_at=reschedule_form.cleaned_data["starts_at"]
                )
            except ValidationError as exc:
                apply_service_error(reschedule_form, exc)
            else:
                messages.success(request, _("The session has been moved; everyone registered has been notified."))
                return redirect("tours:cabinet_session", pk=session.pk)
        elif request.POST.get("action") == "cancel" and cancel_form.is_valid():
            services.session_cancel(
                actor=request.user, session_id=session.pk, reason=cancel_form.cleaned_data["reason"]
            )
            messages.success(request, _("The session has been cancelled; every registrant has been notified."))
            return redirect("tours:cabinet_session", pk=session.pk)
    annotated = selectors.with_seats(Session.objects.filter(pk=session.pk)).get()
    now = timezone.now()
    registrants = list(selectors.session_registrants(session=session))
    no_shows = 0
    for r in registrants:
        r.session = session
        r.no_show = rules.no_show(r, now=now)  # type: ignore[attr-defined]
        no_shows += int(r.no_show)  # type: ignore[attr-defined]
    past = session.starts_at < now
    return render(
        request,
        "tours/cabinet/session.html",
        {
            "session": annotated,
            "tour": session.tour,
            "registrants": registrants,
            "waitlist": selectors.session_waitlist(session=session),
            "capacity_form": capacity_form,
            "cancel_form": cancel_form,
            "reschedule_form": reschedule_form,
            "past": past,
            "checkin_open": rules.check_in_open(session, now=now),
            "no_shows": no_shows,
        },
    )


EXPORT_HEADERS = ["ticket", "state", "name", "email", "phone", "party_size", "group", "leader", "created"]


def _export_rows(session: Session) -> list[list[Any]]:
    return [
        [
            r.ticket_code_display,
            r.get_state_display(),
            r.name,
            r.email,
            r.phone,
            r.party_size,
            r.group_name,
            r.group_leader,
            timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for r in selectors.session_registrants(session=session)
    ]


@host_required
def cabinet_session_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    session = _own_session(request, pk)
    headers = [
        _("Ticket"),
        _("State"),
        _("Name"),
        _("E-mail"),
        _("Phone"),
        _("Party size"),
        _("School or organisation"),
        _("Group leader"),
        _("Registered"),
    ]
    rows = _export_rows(session)
    if fmt == "csv":  # ?sep=semicolon gives the file Russian Excel splits into columns
        content = rows_to_csv(headers, rows, delimiter=csv_delimiter(request))
    else:
        content = rows_to_xlsx(headers, rows, title="Registrants")
    return download_response(content, filename=f"session-{session.pk}-registrants.{fmt}")


@host_required
def cabinet_checkin(request: HttpRequest) -> HttpResponse:
    form = CheckinForm(request.POST if request.method == "POST" else (request.GET or None))
    if form.is_bound and form.is_valid():
        try:
            registration = selectors.registration_for_checkin(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect("tours:checkin_code", code=registration.ticket_code)
    return render(request, "tours/cabinet/checkin.html", {"form": form})


# the session key marking the ticket this host has just checked in (read once by the page the check-in leads to)
JUST_CHECKED_IN = "tours_just_checked_in"


@host_required
def cabinet_checkin_code(request: HttpRequest, code: str) -> HttpResponse:
    try:
        registration = selectors.registration_for_checkin(user=request.user, code=code)
    except ValidationError as exc:
        form = CheckinForm(initial={"code": code})
        form.is_bound = False
        return render(
            request, "tours/cabinet/checkin.html", {"form": form, "refusal": " ".join(exc.messages)}, status=403
        )
    error = ""
    if request.method == "POST":
        try:
            registration = services.registration_check_in(actor=request.user, code=code)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            request.session[JUST_CHECKED_IN] = registration.ticket_code
            messages.success(
                request,
                _("%(name)s checked in (%(party)s).")
                % {"name": registration.name, "party": formats.number_format(registration.party_size)},
            )
            return redirect("tours:checkin_code", code=registration.ticket_code)
    # The page right after this host's check-in says it is done; the warning «already checked in, do not let them
    # in again» is for the ticket shown again later (once: a reload or another scan warns).
    just_checked_in = (
        request.method == "GET"
        and request.session.pop(JUST_CHECKED_IN, None) == registration.ticket_code
        and registration.state == Registration.State.CHECKED_IN
    )
    # the rule decides whether the button is offered: not after a refusal, not once checked in, and a ticket
    # that cannot be checked in says why at once (wrong day, not confirmed, cancelled)
    refusal = rules.check_in_refusal(registration, now=timezone.now())
    error = "" if just_checked_in else error or (str(refusal.message) if refusal is not None else "")
    can_check_in = not error and registration.state == Registration.State.CONFIRMED
    return render(
        request,
        "tours/cabinet/checkin_ticket.html",
        {"r": registration, "error": error, "can_check_in": can_check_in, "just_checked_in": just_checked_in},
    )
