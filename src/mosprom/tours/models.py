"""Models of the tours part (Open#Mosprom): seasons, formats, tours, sessions, registrations,
waitlist entries and feedback.

Seats: `Session.seats_taken` is the tally of the seats that holds, bookings and waitlist offers take (whatever
their deadline), written only by services.py under the session's row lock and checked by the database never to
exceed the capacity; seats left are computed from it by selectors.py (minus holds and offers past their
deadline that the expiry task has not marked yet). All seat-changing writes go through services.py.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mosprom.core.models import TimeStampedModel
from mosprom.registry.search import recompute

from .search import tour_columns

# Ticket codes: no 0/O, 1/I/L to keep them easy to type at the door. 10 characters ≈ 49 bits.
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TICKET_LENGTH = 10


def new_ticket_code() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Season(models.Model):
    name = models.CharField(pgettext_lazy("tours", "name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(pgettext_lazy("season", "ends on"))
    registration_opens_on = models.DateField(_("registration opens on"))

    class Meta:
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="season_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Format(models.Model):
    name = models.CharField(pgettext_lazy("tours", "name"), max_length=80, unique=True)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    is_online = models.BooleanField(_("online"), default=False)

    class Meta:
        verbose_name = _("format")
        verbose_name_plural = _("formats")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Audience(models.Model):
    name = models.CharField(pgettext_lazy("tours", "name"), max_length=80, unique=True)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Tour(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        MODERATION = "moderation", _("awaiting moderation")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    host = models.ForeignKey(
        "registry.Organisation", verbose_name=_("host company"), on_delete=models.PROTECT, related_name="tours"
    )
    site = models.ForeignKey(
        "registry.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tours"
    )
    season = models.ForeignKey(
        Season, verbose_name=_("season"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tours"
    )
    format = models.ForeignKey(Format, verbose_name=_("format"), on_delete=models.PROTECT, related_name="tours")
    audiences = models.ManyToManyField(Audience, verbose_name=_("audiences"), blank=True, related_name="tours")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    meeting_point = models.CharField(_("meeting point"), max_length=300, blank=True)
    online_url = models.URLField(_("link to the online event"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration, minutes"), default=90)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=0)
    accessibility = models.TextField(_("accessibility"), blank=True)
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    search_title = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("tour")
        verbose_name_plural = _("tours")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="tour_duration_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.search_title, self.search_text = tour_columns(self)
        fields = kwargs.get("update_fields")
        if fields is not None and "search_text" in fields:
            kwargs["update_fields"] = {*fields, "search_title"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tours:tour_detail", kwargs={"slug": self.slug})


class Session(TimeStampedModel):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("session state", "scheduled")
        CANCELLED = "cancelled", pgettext_lazy("session state", "cancelled")

    tour = models.ForeignKey(Tour, verbose_name=_("tour"), on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SCHEDULED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # Moving a session (services.session_reschedule) keeps where it was and bumps the calendar SEQUENCE, so the
    # tickets say «перенесено» and calendar apps update the event they already hold (same UID).
    rescheduled_from = models.DateTimeField(_("moved from"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("times moved"), default=0, editable=False)
    # The seats held, confirmed, checked in or offered to the waitlist (deadlines aside): kept by the services
    # under the session lock (`services.lock_session`), never edited elsewhere; loaders that bypass the services
    # call `services.session_seats_recount`. Never above the capacity: the database refuses an oversold session.
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("tours", "session")
        verbose_name_plural = pgettext_lazy("tours", "sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=0), name="session_capacity_non_negative"),
            models.CheckConstraint(condition=Q(seats_taken__lte=models.F("capacity")), name="session_never_oversold"),
        ]
        indexes = [
            # a tour's next sessions (the catalogue's «soonest first», tour pages, the cards' next session)
            models.Index(
                fields=["tour", "starts_at"], condition=Q(state="scheduled"), name="session_tour_scheduled_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tour} — {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # The seat tally is written by the services' UPDATEs only: saving a stale copy must not put an old one back.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.attname for f in self._meta.concrete_fields if not f.primary_key and f.attname != "seats_taken"
            ]
        super().save(*args, **kwargs)

    @property
    def ends_at(self):  # type: ignore[no-untyped-def]
        return self.starts_at + timedelta(minutes=self.tour.duration_minutes)


class VisitorContact(TimeStampedModel):
    """The visitor's contact details and consent, shared by registrations and waitlist entries.

    The e-mail is normalised on save (`rules.normalise_email`) so one person is found whatever they typed.
    """

    name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    email_normalised = models.CharField(max_length=254, editable=False, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1)
    group_name = models.CharField(_("school or organisation"), max_length=200, blank=True)
    group_leader = models.CharField(_("group leader"), max_length=200, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ru")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from .rules import normalise_email

        self.email_normalised = normalise_email(self.email)
        super().save(*args, **kwargs)


class Registration(VisitorContact):
    """One booking of `party_size` seats.

    States: held (awaiting e-mail confirmation until hold_expires_at) → confirmed → checked_in;
    held → expired; held/confirmed → cancelled. A confirmed registration that is not checked in
    after the session is a no-show (computed, not stored).
    """

    class State(models.TextChoices):
        HELD = "held", _("awaiting confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        CHECKED_IN = "checked_in", _("checked in")
        CANCELLED = "cancelled", pgettext_lazy("registration state", "cancelled")
        EXPIRED = "expired", pgettext_lazy("registration state", "expired")

    ACTIVE_STATES = (State.HELD, State.CONFIRMED, State.CHECKED_IN)

    session = models.ForeignKey(
        Session, verbose_name=pgettext_lazy("tours", "session"), on_delete=models.CASCADE, related_name="registrations"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.HELD, db_index=True)
    hold_expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    from_waitlist = models.BooleanField(_("came from the waitlist"), default=False)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    ticket_code = models.CharField(_("ticket code"), max_length=16, unique=True, default=new_ticket_code)
    resends = models.PositiveSmallIntegerField(default=0, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    feedback_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    purged_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(party_size__gt=0), name="registration_party_positive"),
            models.UniqueConstraint(
                fields=["session", "email_normalised"],
                condition=Q(state__in=["held", "confirmed", "checked_in"]) & ~Q(email_normalised=""),
                name="registration_one_active_per_email",
            ),
        ]
        indexes = [
            # holds past their deadline not yet marked expired: seats left and the expiry task find them here
            models.Index(
                fields=["session", "hold_expires_at"], condition=Q(state="held"), name="registration_session_held"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.ticket_code}"

    @property
    def ticket_code_display(self) -> str:
        return f"{self.ticket_code[:5]}-{self.ticket_code[5:]}"


class WaitlistEntry(VisitorContact):
    class State(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("offered seats")
        ACCEPTED = "accepted", _("accepted")
        EXPIRED = "expired", _("offer expired")
        CANCELLED = "cancelled", _("left the waitlist")

    session = models.ForeignKey(
        Session, verbose_name=pgettext_lazy("tours", "session"), on_delete=models.CASCADE, related_name="waitlist"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING, db_index=True)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    offers = models.PositiveSmallIntegerField(default=0, editable=False)
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="waitlist_entry"
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["session", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(party_size__gt=0), name="waitlist_party_positive"),
        ]
        # A join takes the next position from MAX(position) of the session: an index lookup, not a scan.
        indexes = [
            models.Index(fields=["session", "position"], name="waitlist_session_position"),
            # offers past their deadline not yet marked expired (as for holds)
            models.Index(
                fields=["session", "offer_expires_at"], condition=Q(state="offered"), name="waitlist_session_offered"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.party_size})"


class Feedback(TimeStampedModel):
    registration = models.OneToOneField(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        # One visitor's rating and comment: «отзыв», several «отзывы» (the uncountable "feedback" read «отзывы» even
        # for one).
        verbose_name = _("feedback entry")
        verbose_name_plural = _("feedback entries")
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5"


@receiver(post_save, sender="registry.Organisation")
def _refresh_tours_of_organisation(sender, instance, created, **kwargs):  # type: ignore[no-untyped-def]
    """A host's tours carry its names and its parent's: renaming either (or re-parenting) refreshes them."""
    if created or kwargs.get("raw"):
        return
    tours = Tour.objects.filter(Q(host=instance) | Q(host__parent=instance)).select_related("host__parent", "format")
    recompute(tours, tour_columns)
