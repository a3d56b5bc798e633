"""Partnerships: agreements between the city and its partners, road-map projects, duties and milestones.

The rules that need more than one row (a duty only for a party, a milestone not before its project)
live in the models' `clean()` so that the admin, the services, the import and the API share them;
services always call `full_clean()` before saving.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mosprom.core.models import TimeStampedModel
from mosprom.core.text import fold_all
from mosprom.registry.models import Organisation, Site

from .rules import agreement_end


class Agreement(TimeStampedModel):
    class Kind(models.TextChoices):
        COOPERATION = "cooperation", pgettext_lazy("agreement kind", "cooperation agreement")
        OFFSET = "offset", pgettext_lazy("agreement kind", "offset contract")
        MEMORANDUM = "memorandum", pgettext_lazy("agreement kind", "memorandum")
        STRATEGIC_SESSION = "strategic_session", pgettext_lazy("agreement kind", "strategic session outcome")
        OTHER = "other", pgettext_lazy("agreement kind", "other")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("agreement status", "active")
        EXPIRED = "expired", pgettext_lazy("agreement status", "expired")
        TERMINATED = "terminated", pgettext_lazy("agreement status", "terminated")

    title = models.CharField(_("title"), max_length=400)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COOPERATION)
    signed_on = models.DateField(_("signed on"))
    term_years = models.SmallIntegerField(
        _("term, years"), null=True, blank=True, help_text=_("Leave empty if the end date is given instead.")
    )
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Computed from the term when the term is given.")
    )
    terminated_on = models.DateField(
        _("terminated on"), null=True, blank=True, help_text=_("Set only if the agreement was terminated early.")
    )
    summary = models.TextField(_("summary"), blank=True)
    source_url = models.URLField(_("source link"), blank=True)
    source_text = models.TextField(_("press release text"), blank=True)
    related_to = models.ForeignKey(
        "self",
        verbose_name=_("related agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="related_agreements",
    )
    responsible_operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible operators"),
        blank=True,
        related_name="partnership_agreements",
        help_text=_("They receive the weekly digest of due and overdue milestones."),
    )
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Seen by operators only."))
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_years__isnull=True) | Q(term_years__gt=0), name="agreement_term_positive"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("signed_on")),
                name="agreement_ends_after_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.term_years is not None and self.term_years <= 0:
            errors["term_years"] = _("The term must be a positive number of years.")
        elif self.term_years and self.signed_on:
            self.ends_on = agreement_end(signed_on=self.signed_on, term_years=self.term_years)
        if self.ends_on and self.signed_on and self.ends_on <= self.signed_on:
            errors["ends_on"] = _("The end date must be after the date of signing.")
        if self.terminated_on and self.signed_on and self.terminated_on < self.signed_on:
            errors["terminated_on"] = _("An agreement cannot be terminated before it was signed.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.term_years and self.term_years > 0 and self.signed_on:
            self.ends_on = agreement_end(signed_on=self.signed_on, term_years=self.term_years)
        self.search_text = fold_all([self.title, self.summary])
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partnerships:agreement_detail", kwargs={"slug": self.slug})

    def status_on(self, today: date | None = None) -> str:
        """The agreement's status (the rule lives in `rules.agreement_status`)."""
        from .rules import agreement_status

        return agreement_status(self, today or date.today())

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    def days_left(self, today: date | None = None) -> int | None:
        from .rules import agreement_state

        return agreement_state(self, today or date.today()).days_left


class AgreementParty(models.Model):
    class Role(models.TextChoices):
        CITY = "city", pgettext_lazy("party role", "city")
        STATE_CORPORATION = "state_corporation", pgettext_lazy("party role", "state corporation")
        COMPANY = "company", pgettext_lazy("party role", "company")
        FUND = "fund", pgettext_lazy("party role", "fund")
        UNIVERSITY = "university", pgettext_lazy("party role", "university")
        OTHER = "other", pgettext_lazy("party role", "other")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="agreement_parties"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.COMPANY)
    signatory = models.CharField(_("signed by"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="agreement_party_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Direction(models.Model):
    """A direction of joint work or an obligation of the agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="directions")
    text = models.TextField(_("direction or obligation"))
    responsible = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty if all parties share it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if (
            self.responsible_id
            and self.agreement_id
            and not AgreementParty.objects.filter(
                agreement_id=self.agreement_id, organisation_id=self.responsible_id
            ).exists()
        ):
            raise ValidationError({"responsible": _("The responsible party must be a party of the agreement.")})


def agreement_document_path(instance: AgreementDocument, filename: str) -> str:
    return f"partnerships/agreements/{instance.agreement_id or 'new'}/{filename}"


class AgreementDocument(TimeStampedModel):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=agreement_document_path)
    is_public = models.BooleanField(_("public"), default=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ProjectQuerySet(models.QuerySet["Project"]):
    def with_progress(self, today: date | None = None) -> ProjectQuerySet:
        from .rules import milestone_overdue_q

        today = today or date.today()
        return self.annotate(
            milestones_total=models.Count("milestones", distinct=True),
            milestones_done=models.Count("milestones", filter=Q(milestones__done_on__isnull=False), distinct=True),
            milestones_overdue=models.Count(
                "milestones",
                filter=milestone_overdue_q(today, prefix="milestones__", project_path=""),
                distinct=True,
            ),
        )


class Project(TimeStampedModel):
    """One item of a partner's road map."""

    class Category(models.TextChoices):
        PROPERTY = "property", pgettext_lazy("project category", "property")
        PRODUCTION = "production", pgettext_lazy("project category", "production")
        ENERGY = "energy", pgettext_lazy("project category", "energy")
        ECOLOGY = "ecology", pgettext_lazy("project category", "ecology")
        DIGITALISATION = "digitalisation", pgettext_lazy("project category", "digitalisation")
        TRANSPORT = "transport", pgettext_lazy("project category", "transport")
        SCIENCE = "science", pgettext_lazy("project category", "science")
        EDUCATION = "education", pgettext_lazy("project category", "education")

    class Status(models.TextChoices):
        IDEA = "idea", pgettext_lazy("project status", "idea")
        PREPARATION = "preparation", pgettext_lazy("project status", "preparation")
        IMPLEMENTATION = "implementation", pgettext_lazy("project status", "implementation")
        COMPLETED = "completed", pgettext_lazy("project status", "completed")
        SUSPENDED = "suspended", pgettext_lazy("project status", "suspended")
        CANCELLED = "cancelled", pgettext_lazy("project status", "cancelled")

    CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED)

    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="roadmap_projects"
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    code = models.CharField(
        _("code"), max_length=40, help_text=_("Unique within the partner's road map, e.g. RA-012. Used by the import.")
    )
    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IDEA)
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="roadmap_projects"
    )
    investment = models.DecimalField(
        _("investment, million roubles"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Seen by operators only."))
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("road-map project")
        verbose_name_plural = _("road-map projects")
        ordering = ["planned_start", "code"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "code"], name="project_code_unique_per_partner"),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="project_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="project_actual_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(investment__isnull=True) | Q(investment__gte=0), name="project_investment_positive"
            ),
        ]
        indexes = [models.Index(fields=["partner", "category", "status"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The planned end is before the planned start.")
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("The actual end is before the actual start.")
        if self.investment is not None and self.investment < 0:
            errors["investment"] = _("The investment cannot be negative.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("partnerships:project_detail", kwargs={"pk": self.pk})

    def allowed_party_ids(self) -> set[int]:
        """Organisations that may carry a duty: the agreement's parties, or the partner without one."""
        if self.agreement_id:
            return set(
                AgreementParty.objects.filter(agreement_id=self.agreement_id).values_list("organisation_id", flat=True)
            )
        return {self.partner_id} if self.partner_id else set()

    @property
    def progress(self) -> float | None:
        """Share of milestones done (0..1), or None when the project has no milestones."""
        total = getattr(self, "milestones_total", None)
        done = getattr(self, "milestones_done", None)
        if total is None or done is None:
            items = list(self.milestones.all())
            total = len(items)
            done = sum(1 for m in items if m.done_on)
        return (done / total) if total else None

    def is_late(self, today: date | None = None) -> bool:
        from .rules import project_late

        return project_late(self, today or date.today())


class Duty(models.Model):
    """Who does what in a project: «Москва возводит корпус завода»."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="duties")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("party"), on_delete=models.PROTECT, related_name="roadmap_duties"
    )
    text = models.CharField(_("duty"), max_length=400)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.text}"

    def clean(self) -> None:
        project = getattr(self, "project", None)
        if self.organisation_id and project is not None and self.organisation_id not in project.allowed_party_ids():
            raise ValidationError({"organisation": _("This organisation is not a party of the project's agreement.")})


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=300)
    responsible = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="roadmap_milestones",
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_on", "due_on"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        project = getattr(self, "project", None)
        if project is not None and self.due_on and project.planned_start and self.due_on < project.planned_start:
            raise ValidationError({"due_on": _("The milestone is due before its project starts.")})

    def is_overdue(self, today: date | None = None) -> bool:
        from .rules import milestone_overdue

        return milestone_overdue(self, today or date.today())
