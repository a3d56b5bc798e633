"""The registry: where industry sits, who is there, what they make, which statuses they hold."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_comma_separated_integer_list
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mosprom.core.models import TimeStampedModel

from . import search
from .validators import validate_inn, validate_ogrn


def _with_search_title(kwargs: dict) -> None:  # type: ignore[type-arg]
    """A save limited to `update_fields` that names `search_text` writes `search_title` as well."""
    fields = kwargs.get("update_fields")
    if fields is not None and "search_text" in fields:
        kwargs["update_fields"] = {*fields, "search_title"}


class District(models.TextChoices):
    CAO = "cao", _("Central")
    SAO = "sao", _("Northern")
    SVAO = "svao", _("North-Eastern")
    VAO = "vao", _("Eastern")
    YUVAO = "yuvao", _("South-Eastern")
    YUAO = "yuao", _("Southern")
    YUZAO = "yuzao", _("South-Western")
    ZAO = "zao", _("Western")
    SZAO = "szao", _("North-Western")
    ZELAO = "zelao", _("Zelenograd")
    NAO = "nao", _("Novomoskovsky")
    TAO = "tao", _("Troitsky")


class Industry(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(TimeStampedModel):
    class Kind(models.TextChoices):
        SEZ = "sez", _("special economic zone")
        SEZ_SITE = "sez_site", _("SEZ site")
        TECHNOPOLIS = "technopolis", _("technopolis")
        TECHNOPARK = "technopark", _("technopark")
        INDUSTRIAL_PARK = "industrial_park", _("industrial park")
        INDUSTRIAL_COMPLEX = "industrial_complex", _("industrial complex")
        INNOVATION_CLUSTER = "innovation_cluster", _("innovation territorial cluster")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent site"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    district = models.CharField(_("administrative district"), max_length=8, choices=District.choices, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    search_title = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="site_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="site_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.search_title, self.search_text = search.site_columns(self)
        _with_search_title(kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registry:site_detail", kwargs={"slug": self.slug})


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        STATE_CORPORATION = "state_corporation", _("state corporation")
        JOINT_STOCK = "joint_stock", _("joint-stock company")
        FUND = "fund", _("fund")
        UNIVERSITY = "university", _("university")
        GOVERNMENT = "government", _("government body")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    full_name = models.CharField(_("full name"), max_length=400)
    short_name = models.CharField(_("short name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name_variants = models.JSONField(
        _("name variants"), default=list, blank=True, help_text=_("Other spellings used to match press releases.")
    )
    inn = models.CharField(_("INN"), max_length=12, null=True, blank=True, unique=True, validators=[validate_inn])
    ogrn = models.CharField(_("OGRN"), max_length=15, null=True, blank=True, unique=True, validators=[validate_ogrn])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidiaries",
    )
    website = models.URLField(_("website"), blank=True)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    description = models.TextField(_("description"), blank=True)
    employees = models.PositiveIntegerField(_("employees in Moscow"), null=True, blank=True)
    staff_total = models.PositiveIntegerField(
        _("total staff, all regions"),
        null=True,
        blank=True,
        help_text=_("For corporations: the whole staff, so the share working in Moscow can be shown."),
    )
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    search_title = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.inn = self.inn or None
        self.ogrn = self.ogrn or None
        self.search_title, self.search_text = search.organisation_columns(self)
        _with_search_title(kwargs)
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            # Subsidiaries and productions carry this organisation's names in their search columns.
            search.recompute(
                Organisation.objects.filter(parent=self).select_related("parent"), search.organisation_columns
            )
            search.recompute(
                Production.objects.filter(Q(organisation=self) | Q(organisation__parent=self)).select_related(
                    "organisation__parent"
                ),
                search.production_columns,
            )

    def get_absolute_url(self) -> str:
        return reverse("registry:organisation_detail", kwargs={"slug": self.slug})


class Membership(TimeStampedModel):
    """Host staff: a user who works for an organisation and runs its host cabinet."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = _("host staff membership")
        verbose_name_plural = _("host staff memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class Residency(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="residencies"
    )
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="residencies")
    since = models.DateField(_("resident since"), null=True, blank=True)
    until = models.DateField(_("resident until"), null=True, blank=True)
    is_anchor = models.BooleanField(_("anchor resident"), default=False)

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        ordering = ["site__name", "organisation__short_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=models.F("since")),
                name="residency_until_after_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.site}"

    def is_current(self, on: date | None = None) -> bool:
        on = on or date.today()
        return (self.since is None or self.since <= on) and (self.until is None or self.until >= on)


class Production(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="productions"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="productions"
    )
    product = models.CharField(_("product"), max_length=300)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="productions",
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    import_substitution = models.BooleanField(_("import substitution"), default=False)
    no_domestic_analogue = models.BooleanField(_("no domestic analogue"), default=False)
    jobs = models.PositiveIntegerField(_("jobs"), null=True, blank=True)
    investment = models.DecimalField(
        _("investment, million roubles"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)
    search_title = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("production")
        verbose_name_plural = _("productions")
        ordering = ["-opened_on", "product"]
        constraints = [
            models.CheckConstraint(
                condition=Q(investment__isnull=True) | Q(investment__gte=0), name="production_investment_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.product

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.search_title, self.search_text = search.production_columns(self)
        _with_search_title(kwargs)
        super().save(*args, **kwargs)


class StatusKind(models.Model):
    """A kind of status the city grants: city technopark, industrial complex, SEZ resident…"""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    benefits = models.TextField(_("benefits"), blank=True)
    term_years = models.PositiveSmallIntegerField(_("term, years"), null=True, blank=True)
    # The annual report for a calendar year is due by this day of the following year (registry.rules).
    report_month = models.PositiveSmallIntegerField(
        _("annual report due: month"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("The report for a year is due by this day and month of the following year."),
    )
    report_day = models.PositiveSmallIntegerField(
        _("annual report due: day"), default=1, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    report_reminder_days = models.CharField(
        _("reminders, days before the deadline"),
        max_length=60,
        default="30,7,1",
        validators=[validate_comma_separated_integer_list],
        help_text=_("Days before the deadline when the holder is reminded, for example 30,7,1."),
    )
    report_asks_output = models.BooleanField(
        _("the report states the output"),
        default=False,
        help_text=_("The holder states the year's output, million roubles, besides jobs, productions and investment."),
    )

    class Meta:
        verbose_name = _("kind of status")
        verbose_name_plural = _("kinds of status")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        try:
            date(2001, self.report_month or 1, self.report_day or 1)  # a day every year has (not 29 February)
        except ValueError:
            raise ValidationError(
                {"report_day": [ValidationError(_("This month has no such day every year."), code="invalid")]}
            ) from None


class Obligations(models.Model):
    """The obligations that come with a status (and are proposed in its application)."""

    obliged_jobs = models.PositiveIntegerField(_("jobs to keep or create"), default=0)
    obliged_productions = models.PositiveIntegerField(_("new productions to launch"), default=0)
    obliged_investment = models.DecimalField(
        _("investment, million roubles"), max_digits=14, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        abstract = True


class Status(TimeStampedModel, Obligations):
    class State(models.TextChoices):
        ACTIVE = "active", _("active")
        FLAGGED = "flagged", _("flagged for review")
        REVOKED = "revoked", _("revoked")
        EXPIRED = "expired", _("expired")

    kind = models.ForeignKey(StatusKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="statuses")
    holder = models.ForeignKey(
        Organisation, verbose_name=_("holder"), on_delete=models.CASCADE, related_name="statuses"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="statuses"
    )
    number = models.CharField(_("certificate number"), max_length=60, blank=True)
    granted_on = models.DateField(_("granted on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    flag_reason = models.TextField(_("why flagged"), blank=True)
    flagged_at = models.DateTimeField(_("flagged"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["-granted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("granted_on")),
                name="status_valid_until_after_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} — {self.holder}"


class StatusApplication(TimeStampedModel, Obligations):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        UNDER_REVIEW = "under_review", _("under expert review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    kind = models.ForeignKey(StatusKind, verbose_name=_("kind of status"), on_delete=models.PROTECT)
    applicant = models.ForeignKey(
        Organisation, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="status_applications"
    )
    site = models.ForeignKey(Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL)
    submitted_on = models.DateField(_("submitted on"))
    state = models.CharField(_("state"), max_length=14, choices=State.choices, default=State.SUBMITTED)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    status = models.OneToOneField(
        Status,
        verbose_name=_("granted status"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
    )

    class Meta:
        verbose_name = _("status application")
        verbose_name_plural = _("status applications")
        ordering = ["-submitted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} — {self.applicant} ({self.get_state_display()})"


class ExpertVerdict(TimeStampedModel):
    class Verdict(models.TextChoices):
        SUPPORT = "support", _("supports")
        OPPOSE = "oppose", _("opposes")

    application = models.ForeignKey(StatusApplication, on_delete=models.CASCADE, related_name="verdicts")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    expert_name = models.CharField(_("expert"), max_length=200)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("expert verdict")
        verbose_name_plural = _("expert verdicts")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.expert_name}: {self.get_verdict_display()}"


class AnnualReport(TimeStampedModel):
    """The annual confirmation of a status: what the holder achieved in a year."""

    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    jobs = models.PositiveIntegerField(_("jobs"))
    productions_launched = models.PositiveIntegerField(_("productions launched"))
    investment = models.DecimalField(_("investment, million roubles"), max_digits=14, decimal_places=2)
    submitted_on = models.DateField(_("submitted on"))
    meets_obligations = models.BooleanField(_("meets obligations"), default=True, editable=False)

    class Meta:
        verbose_name = _("annual confirmation")
        verbose_name_plural = _("annual confirmations")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["status", "year"], name="annual_report_unique_year")]

    def __str__(self) -> str:
        return f"{self.status} — {self.year}"
