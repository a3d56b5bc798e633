"""The audit trail: who changed what, and the named events people ask about later.

django-auditlog records every field change of the registered models. Two things are added here:

* `acting_as(actor)` — services run their writes inside it so that the entries name the person who acted,
  whether the request came from a page, the back-office, an API token or a management command.
* `audit_event(actor=..., action=..., obj=..., data=...)` — a named action (check-in, cancellation, waitlist
  offer, capacity change, status approval, import) with a few non-personal facts. The object is shown as
  «<model> #<id>», never through its `__str__`, so a visitor's name or e-mail never enters the trail.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.db.models.signals import pre_save
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


def _real(actor: Any) -> Any:
    return actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None


@contextlib.contextmanager
def acting_as(actor: Any) -> Iterator[None]:
    """Entries written inside name `actor`; with no real actor (a visitor, the system) the request's context stands."""
    actor = _real(actor)
    if actor is None:
        yield
        return
    try:
        previous = auditlog_value.get()
    except LookupError:
        previous = None
    extra = previous or {}
    with set_actor(actor, remote_addr=extra.get("remote_addr"), remote_port=extra.get("remote_port")):
        yield
    if previous is not None:  # give the request's own context back to its receiver
        auditlog_value.set(previous)


def set_request_actor(actor: Any) -> None:
    """For authentication that happens after the audit middleware (API tokens): name the actor from now on."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if _real(actor) is not None:
        context["actor"] = actor


def _live_context_actor() -> Any:
    """The actor of the request or `acting_as` block running now. auditlog leaves its context value behind after
    a request ends (only its signal receiver is disconnected), so a value whose receiver is gone is stale."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return None
    duid = context.get("signal_duid")
    if not any(key[0] == duid for key, *_rest in pre_save.receivers):
        return None
    return _real(context.get("actor"))


def audit_event(*, actor: Any, action: str, obj: Model, data: dict[str, Any] | None = None) -> LogEntry:
    """Record a named action on `obj`. `data` must hold no personal data (ids, counts, states, dates only)."""
    actor = _real(actor)
    if actor is None:
        actor = _live_context_actor()
    entry = LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={},
        changes_text=action,
        actor=actor,
        object_repr=f"{obj._meta.verbose_name} #{obj.pk}",
        serialized_data=None,
        additional_data={"event": action, **(data or {})},
    )
    assert entry is not None
    return entry


# The named actions, as the back-office shows them (audit_event's `action` codes; the parts name them, core only
# words them). An action missing here is shown by its code.
EVENT_LABELS: dict[str, Promise] = {
    "tours.check_in": pgettext_lazy("audit event", "check-in"),
    "tours.cancellation": pgettext_lazy("audit event", "registration cancelled"),
    "tours.capacity_change": pgettext_lazy("audit event", "capacity changed"),
    "tours.session_cancellation": pgettext_lazy("audit event", "session cancelled"),
    "tours.session_rescheduled": pgettext_lazy("audit event", "session moved"),
    "tours.erasure": pgettext_lazy("audit event", "visitor's data erased"),
    "tours.waitlist_leave": pgettext_lazy("audit event", "left the waitlist"),
    "tours.waitlist_offer": pgettext_lazy("audit event", "seats offered from the waitlist"),
    "tours.waitlist_promotion": pgettext_lazy("audit event", "waitlist offer taken"),
    "tours.tour_sent_to_moderation": pgettext_lazy("audit event", "tour sent for moderation"),
    "tours.tour_published": pgettext_lazy("audit event", "tour published"),
    "tours.tour_returned": pgettext_lazy("audit event", "tour returned to the host"),
    "intake.release_imported": pgettext_lazy("audit event", "press release imported"),
    "intake.fact_accepted": pgettext_lazy("audit event", "proposed fact accepted"),
    "intake.fact_rejected": pgettext_lazy("audit event", "proposed fact rejected"),
    "status_review_started": pgettext_lazy("audit event", "status application: review started"),
    "status_verdict_added": pgettext_lazy("audit event", "status application: expert verdict added"),
    "status_approved": pgettext_lazy("audit event", "status granted"),
    "status_rejected": pgettext_lazy("audit event", "status application rejected"),
    "status_flagged": pgettext_lazy("audit event", "status flagged: annual confirmation missing"),
    "status_state_changed": pgettext_lazy("audit event", "status state changed"),
    "agreement_terminated": pgettext_lazy("audit event", "agreement terminated"),
    "roadmap_import": pgettext_lazy("audit event", "road map imported"),
    "application_completeness": pgettext_lazy("audit event", "application submitted for the completeness check"),
    "application_info_requested": pgettext_lazy("audit event", "application: more information requested"),
    "application_draft": pgettext_lazy("audit event", "application returned to draft"),
    "application_expert_review": pgettext_lazy("audit event", "application sent for expert review"),
    "application_approved": pgettext_lazy("audit event", "application approved"),
    "application_rejected": pgettext_lazy("audit event", "application rejected"),
}
DECISION_SUFFIXES: dict[str, Promise] = {
    "_accepted": pgettext_lazy("audit event", "accepted"),
    "_rejected": pgettext_lazy("audit event", "rejected"),
}


def event_label(code: str) -> str:
    """A named action in words («отметка о приходе»); a company's accepted or rejected request by its outcome."""
    if code in EVENT_LABELS:
        return str(EVENT_LABELS[code])
    for suffix, label in DECISION_SUFFIXES.items():
        if code.endswith(suffix):
            return str(label)
    return code
