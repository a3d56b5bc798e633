"""Operator pages of the intake: the review queue, importing a release, reviewing its proposed facts."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from mosprom.core.errors import Refused
from mosprom.core.permissions import operator_required

from . import selectors, services
from .forms import FactEditForm, ReleaseImportForm
from .models import ProposedFact

PER_PAGE = 25


@operator_required
def release_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.release_list(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "intake/release_list.html", {"page": page})


@operator_required
@require_http_methods(["GET", "POST"])
def release_new(request: HttpRequest) -> HttpResponse:
    form = ReleaseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload is not None:
                services_data: bytes | str = upload.read(services_max_read())
                name = upload.name
            else:
                services_data, name = form.cleaned_data["text"], ""
            result = services.release_import(
                data=services_data, actor=request.user, file_name=name, source_url=form.cleaned_data["source_url"]
            )
        except Refused as exc:
            form.add_error("file" if upload is not None else "text", exc.message)
        else:
            if result.created:
                messages.success(request, _("The press release is imported; its proposed facts wait below."))
            else:
                messages.info(request, _("This press release was imported before: here it is."))
            return redirect(result.release)
    return render(request, "intake/release_new.html", {"form": form}, status=400 if form.errors else 200)


def services_max_read() -> int:
    from .rules import max_bytes

    return max_bytes() + 1  # one byte more than allowed, so the size check can refuse it


@operator_required
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    release = selectors.release_get(pk)
    if release is None:
        raise Http404
    return render(request, "intake/release_detail.html", selectors.release_detail(release=release))


@operator_required
@require_POST
def release_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """One fact (a row's own button) or the ticked ones (the bulk buttons), accepted or rejected."""
    release = selectors.release_get(pk)
    if release is None:
        raise Http404
    one = request.POST.get("one", "")
    if one:
        action, _sep, raw_id = one.partition(":")
        ids = [raw_id]
    else:
        action = request.POST.get("action", "")
        ids = request.POST.getlist("fact")
    if action not in ("accept", "reject"):
        messages.error(request, _("Choose whether to accept or reject."))
        return redirect(release)
    facts = list(release.facts.filter(pk__in=[i for i in ids if i.isdigit()]))
    if not facts:
        messages.error(request, _("Tick at least one proposed fact."))
        return redirect(release)
    result = services.facts_decide_bulk(facts=facts, actor=request.user, accept=action == "accept")
    if result.decided:
        n = len(result.decided)
        text = (
            ngettext("%(n)s fact accepted.", "%(n)s facts accepted.", n)
            if action == "accept"
            else ngettext("%(n)s fact rejected.", "%(n)s facts rejected.", n)
        )
        messages.success(request, text % {"n": n})
    for fact, exc in result.refused:
        messages.error(request, f"{fact.get_kind_display()} «{fact.subject}»: {exc.message}")
    return redirect(f"{release.get_absolute_url()}#facts")


@operator_required
@require_http_methods(["GET", "POST"])
def fact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    fact = ProposedFact.objects.select_related("release", "organisation", "site").filter(pk=pk).first()
    if fact is None:
        raise Http404
    form = FactEditForm.for_fact(fact, request.POST or None)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        changes["subject"] = changes.get("subject") or ""
        changes["unit"] = changes.get("unit") or ""
        changes["detail"] = changes.get("detail") or ""
        remember = bool(changes.pop("remember_alias", False))
        try:
            services.fact_edit(fact=fact, actor=request.user, remember_alias=remember, **changes)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The fact is accepted as edited."))
            return redirect(f"{fact.release.get_absolute_url()}#facts")
    context = {"form": form, "fact": fact, "release": fact.release}
    return render(request, "intake/fact_edit.html", context, status=400 if form.errors else 200)
