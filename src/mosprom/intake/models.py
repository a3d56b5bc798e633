"""Press releases, what was found in them, and the facts proposed to the registry for an operator to review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mosprom.core.formatting import agree
from mosprom.core.models import TimeStampedModel


class PressRelease(TimeStampedModel):
    title = models.CharField(_("title"), max_length=300)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    published = models.DateField(_("published"), null=True, blank=True)
    text = models.TextField(_("cleaned text"))
    original = models.TextField(_("original"))
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sources = models.JSONField(_("media named as sources"), default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("intake:release_detail", kwargs={"pk": self.pk})


class Mention(models.Model):
    class Type(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        PERSON = "person", _("person")
        SITE = "site", _("site")
        LOCATION = "location", _("location")
        DATE = "date", _("date")
        MEDIA = "media", _("media outlet")

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="mentions")
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.CharField(_("text"), max_length=500)
    normal = models.CharField(_("normalised form"), max_length=500, blank=True)
    organisation = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    site = models.ForeignKey("registry.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField(_("link score"), default=0)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["release", "start"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="mention_span")]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.normal or self.text}"

    @property
    def is_new(self) -> bool:
        return self.type in (self.Type.ORGANISATION, self.Type.SITE) and not (self.organisation_id or self.site_id)


class ProposedFact(TimeStampedModel):
    class Kind(models.TextChoices):
        NEW_ORGANISATION = "new_organisation", _("new organisation")
        NEW_SITE = "new_site", _("new site")
        RESIDENCY = "residency", _("residency")
        PRODUCTION_OPENED = "production_opened", _("production opened")
        AGREEMENT_SIGNED = "agreement_signed", _("agreement signed")
        STATUS_GRANTED = "status_granted", _("status granted")
        COMPANIES_ON_SITE = "companies_on_site", _("companies on a site")
        COMPANIES = "companies", _("companies of an organisation")
        WORKERS = "workers", _("workers")
        NEW_PRODUCTIONS = "new_productions", _("new productions in a year")
        PRODUCTIONS = "productions", _("productions")
        VISITORS = "visitors", _("visitors")
        PROJECTS = "projects", _("projects")
        SHARE = "share", _("share, per cent")
        GROWTH = "growth", _("growth, per cent")
        INVESTMENT = "investment", _("investment")
        FIGURE = "figure", _("other figure")

    class Qualifier(models.TextChoices):
        EXACT = "exact", _("exactly")
        MORE = "more", _("more than")
        ABOUT = "about", _("about")
        ALMOST = "almost", _("almost")
        LESS = "less", _("less than")
        UPTO = "upto", _("up to")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        EDITED = "edited", _("edited and accepted")

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=400, blank=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    site = models.ForeignKey(
        "registry.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(
        _("details"), max_length=300, blank=True, help_text=_("What is produced, signed or granted.")
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    qualifier = models.CharField(_("qualifier"), max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    quote = models.TextField(_("quote"))
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    confidence = models.FloatField(_("confidence"), default=0.5)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed fact")
        verbose_name_plural = _("proposed facts")
        ordering = ["release", "start", "id"]
        indexes = [models.Index(fields=["state", "release"])]
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="fact_span")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject} {self.value or ''}".strip()

    @property
    def is_figure(self) -> bool:
        return self.value is not None

    @property
    def is_decided(self) -> bool:
        return self.state != self.State.PROPOSED

    @property
    def figure_text(self) -> str:
        """The figure as the release wrote it («более 200 компаний»), or composed from the fields."""
        written = self.release.text[self.start : self.end] if self.release_id else ""
        if written and self.display_value and self.display_value in written.replace("\u00a0", " ").replace(" ", ""):
            return written
        qualifier = "" if self.qualifier == self.Qualifier.EXACT else f"{self.get_qualifier_display()} "
        unit = agree(self.unit, self.value) if self.unit and self.value is not None else self.unit
        return f"{qualifier}{self.display_value} {unit}".strip()

    @property
    def display_value(self) -> str:
        if self.value is None:
            return ""
        value = self.value.normalize()
        return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


class Provenance(TimeStampedModel):
    """Where a registry fact came from: the release and the sentence an operator accepted it from."""

    fact = models.OneToOneField(ProposedFact, on_delete=models.CASCADE, related_name="provenance")
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="provenance")
    quote = models.TextField(_("quote"))
    organisation = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="intake_provenance"
    )
    site = models.ForeignKey(
        "registry.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="intake_provenance"
    )
    object_label = models.CharField(_("what was recorded"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("source of a registry fact")
        verbose_name_plural = _("sources of registry facts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.release} — {self.quote[:60]}"
