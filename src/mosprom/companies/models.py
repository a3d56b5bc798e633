"""The company cabinet: representatives, invitations, applications, proposals, reports, host applications.

The registry keeps the facts (organisations, productions, statuses, the official status application and the
annual confirmation); these models keep the company-facing case files around them and what waits for an
operator's decision. Every write goes through `companies.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mosprom.core.models import TimeStampedModel


class Representative(TimeStampedModel):
    """A person who acts for an organisation in the company cabinet. Managers manage the others."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="representations"
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="representatives",
    )
    is_manager = models.BooleanField(_("manages the other representatives"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("company representative")
        verbose_name_plural = _("company representatives")
        ordering = ["organisation__short_name", "user__email"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="representative_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class Invitation(TimeStampedModel):
    """A signed, expiring invitation to become a representative; accepted once."""

    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    as_manager = models.BooleanField(_("as a manager"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.pk})"


class Decision(models.Model):
    """Something a company proposed that waits for a decision, and who took it."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        ACCEPTED = "accepted", pgettext_lazy("decision", "accepted")
        REJECTED = "rejected", pgettext_lazy("decision", "rejected")

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.TextField(_("comment on the decision"), blank=True)

    class Meta:
        abstract = True


class AccessRequest(TimeStampedModel, Decision):
    """A company asks for access by INN and e-mail; an operator (or the organisation's managers) decides."""

    inn = models.CharField(_("INN"), max_length=12)
    organisation_name = models.CharField(_("organisation name"), max_length=300)
    contact_name = models.CharField(_("your name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    message = models.TextField(_("message"), blank=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_requests",
        help_text=_("Set when the INN is already registered: the request goes to its managers."),
    )
    invitation = models.OneToOneField(Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.inn})"


class StatusKindTerms(models.Model):
    """What the cabinet asks for a kind of status: its questionnaire and the time the department takes to decide."""

    kind = models.OneToOneField(
        "registry.StatusKind", verbose_name=_("kind of status"), on_delete=models.CASCADE, related_name="terms"
    )
    questions = models.JSONField(
        _("questions"), default=list, blank=True, help_text=_("Codes of the questionnaire's questions, in order.")
    )
    review_days = models.PositiveSmallIntegerField(_("days to decide an application"), default=30)

    class Meta:
        verbose_name = _("terms of a kind of status")
        verbose_name_plural = _("terms of kinds of status")

    def __str__(self) -> str:
        return str(self.kind)


class Application(TimeStampedModel):
    """The company's case file for a status application; the official record is `registry.StatusApplication`."""

    class Stage(models.TextChoices):
        DRAFT = "draft", _("draft")
        COMPLETENESS = "completeness", _("completeness check")
        INFO_REQUESTED = "info_requested", _("more information requested")
        EXPERT_REVIEW = "expert_review", _("expert review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="cabinet_applications",
    )
    kind = models.ForeignKey("registry.StatusKind", verbose_name=_("kind of status"), on_delete=models.PROTECT)
    site = models.ForeignKey(
        "registry.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(_("questionnaire answers"), default=dict, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.DRAFT, db_index=True)
    resume_stage = models.CharField(max_length=16, blank=True, editable=False)
    stage_changed_at = models.DateTimeField(_("stage since"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record = models.OneToOneField(
        "registry.StatusApplication",
        verbose_name=_("registry application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_file",
    )
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)

    OPEN_STAGES = (Stage.DRAFT, Stage.COMPLETENESS, Stage.INFO_REQUESTED, Stage.EXPERT_REVIEW)

    class Meta:
        verbose_name = _("status application (cabinet)")
        verbose_name_plural = _("status applications (cabinet)")
        ordering = ["-stage_changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(stage__in=["draft", "completeness", "info_requested", "expert_review"]),
                name="application_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} — {self.organisation} ({self.get_stage_display()})"


def document_path(instance: ApplicationDocument, filename: str) -> str:
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"companies/applications/{instance.application.organisation_id}/{uuid.uuid4().hex}.{ext}"


class ApplicationDocument(TimeStampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size, bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def kind(self) -> str:
        """«PDF», «PNG», «JPEG»."""
        from .rules import document_kind

        return document_kind(self.content_type)


class ApplicationEvent(TimeStampedModel):
    """One step of an application's history: the stage it entered, who moved it, the message."""

    class Side(models.TextChoices):
        COMPANY = "company", _("company")
        OPERATOR = "operator", _("operator")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    stage = models.CharField(_("stage"), max_length=16, choices=Application.Stage.choices)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.stage}"


class ProfileProposal(TimeStampedModel, Decision):
    """Proposed changes to an organisation's public profile."""

    FIELDS = ("description", "website", "contacts", "site")  # site: the slug of the site the company works at

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="profile_proposals",
    )
    changes = models.JSONField(_("proposed changes"), default=dict)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)

    class Meta:
        verbose_name = _("profile change proposal")
        verbose_name_plural = _("profile change proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_state_display()})"


class ProductionReport(TimeStampedModel, Decision):
    """A production reported by a company; accepted, it becomes a `registry.Production`."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="production_reports",
    )
    site = models.ForeignKey(
        "registry.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product = models.CharField(_("product"), max_length=300)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    import_substitution = models.BooleanField(_("import substitution"), default=False)
    no_domestic_analogue = models.BooleanField(_("no domestic analogue"), default=False)
    jobs = models.PositiveIntegerField(_("jobs"), null=True, blank=True)
    production = models.OneToOneField(
        "registry.Production", null=True, blank=True, on_delete=models.SET_NULL, related_name="report"
    )
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)

    class Meta:
        verbose_name = _("reported production")
        verbose_name_plural = _("reported productions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.product


class ReportFiling(TimeStampedModel, Decision):
    """A company's filing of its annual report for a status, and the operator's review of it.

    The registry keeps one confirmation per status and year (`registry.AnnualReport`, its current figures). Each
    time the company files it, first and again after the operator returned it for correction, is a filing with the
    figures it stated then, numbered by `revision`: a returned filing keeps its figures and the operator's comment.
    At most one filing of a report waits for a decision or is accepted (a database constraint)."""

    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(
        "registry.AnnualReport", verbose_name=_("annual confirmation"), on_delete=models.CASCADE, related_name="filings"
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    jobs = models.PositiveIntegerField(_("jobs"))
    productions_launched = models.PositiveIntegerField(_("productions launched"))
    investment = models.DecimalField(_("investment, million roubles"), max_digits=14, decimal_places=2)
    output = models.DecimalField(_("output, million roubles"), max_digits=14, decimal_places=2, null=True, blank=True)
    meets_obligations = models.BooleanField(_("meets obligations"), default=True)
    late = models.BooleanField(_("filed after the deadline"), default=False)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)

    class Meta:
        verbose_name = _("annual report filing")
        verbose_name_plural = _("annual report filings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "revision"], name="report_filing_unique_revision"),
            models.UniqueConstraint(
                fields=["report"], condition=Q(state__in=["pending", "accepted"]), name="report_filing_one_open"
            ),
        ]

    def __str__(self) -> str:
        return str(self.report) if self.revision == 1 else f"{self.report} ({self.revision})"


class HostApplication(TimeStampedModel, Decision):
    """An application to join Open#Mosprom as a host."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="host_applications",
    )
    tours_offered = models.TextField(_("which tours you could offer"))
    formats = models.ManyToManyField("tours.Format", verbose_name=_("formats"), blank=True, related_name="+")
    capacity = models.PositiveIntegerField(_("visitors per session"))
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    is_demo = models.BooleanField(_("synthetic demo record"), default=False)

    class Meta:
        verbose_name = _("host application")
        verbose_name_plural = _("host applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(state="pending"), name="host_application_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_state_display()})"


class HostCapability(TimeStampedModel):
    """The organisation may host tours; its representatives are host staff (`registry.Membership`)."""

    organisation = models.OneToOneField(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="host_capability",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    application = models.ForeignKey(HostApplication, null=True, blank=True, on_delete=models.SET_NULL)
    moderated_tours = models.PositiveSmallIntegerField(
        _("first tours moderated by an operator"),
        default=0,
        help_text=_("How many of the host's first tours an operator checks before they are published."),
    )

    class Meta:
        verbose_name = _("host capability")
        verbose_name_plural = _("host capabilities")

    def __str__(self) -> str:
        return str(self.organisation)


class CompanyToken(TimeStampedModel):
    """An API token that acts for one organisation (the token itself is a `core.ApiToken`)."""

    api_token = models.OneToOneField("core.ApiToken", on_delete=models.CASCADE, related_name="company")
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("company API token")
        verbose_name_plural = _("company API tokens")

    def __str__(self) -> str:
        return str(self.api_token)
