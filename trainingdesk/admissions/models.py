"""Applications to a level whose entry requirements a person must meet (the Advanced level, the
Group Hybrid training), their evidence, and the coordinator's decisions.

Rows change only through `admissions.services`. The rules themselves are pure functions
(`admissions.rules`) over the level's configuration; an application keeps the findings it was
judged on, so a later change to the rules alters no decision already made.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.catalogue.models import CourseRun, Level
from trainingdesk.lib.files import private_storage
from trainingdesk.lib.text import refuse_bidi_controls


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for the coordinator")
    MORE_INFORMATION = "more_information", _("More information asked for")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# An application still being written or decided: a person has one of these per level at most.
OPEN = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFORMATION)
DECIDED = (ApplicationStatus.APPROVED, ApplicationStatus.REFUSED)


class ApplicationQuerySet(models.QuerySet["Application"]):
    def open(self) -> ApplicationQuerySet:
        return self.filter(status__in=OPEN)

    def review_queue(self) -> ApplicationQuerySet:
        """What waits on the coordinator, oldest first."""
        return self.filter(status=ApplicationStatus.SUBMITTED).order_by("submitted_at", "id")

    def approved(self) -> ApplicationQuerySet:
        return self.filter(status=ApplicationStatus.APPROVED)


class Application(models.Model):
    """A person's application for a level, from a draft to the coordinator's decision."""

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="applications")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="applications")
    run = models.ForeignKey(CourseRun, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="applications",
                            help_text=_("The run applied from, whose first day the rules count "
                                        "back from."))
    status = models.CharField(_("status"), max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT, db_index=True)

    # The prerequisite: our own confirmation, found from the records, or one from elsewhere.
    own_confirmation = models.ForeignKey(AttendanceConfirmation, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    external_provider = models.CharField(_("provider of your Level 1 training"), max_length=200,
                                         blank=True, validators=[refuse_bidi_controls])
    external_completed_on = models.DateField(_("date you completed it"), null=True, blank=True)

    # Registration with a professional body, or a covering letter.
    registration_body = models.CharField(_("professional body"), max_length=20, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=50, blank=True)
    covering_letter = models.TextField(_("covering letter"), blank=True)

    # What the rules found when it was submitted (and each time it is decided).
    findings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   help_text=_("Empty when the records decided it."))
    decision_reason = models.TextField(_("reason"), blank=True)
    # The prerequisite's completion the approval stands on: it admits to runs within its window.
    completed_on = models.DateField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "level"], condition=Q(status__in=OPEN),
                                    name="one_open_application_per_level"),
            models.CheckConstraint(
                condition=Q(status__in=[*DECIDED]) | Q(decided_at__isnull=True),
                name="only_a_decided_application_has_a_decision_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.level}"

    def get_absolute_url(self) -> str:
        return reverse("admissions:application", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def can_be_edited(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.MORE_INFORMATION)


def new_reference() -> str:
    """'A' and 8 letters and digits a person can read out (no 0/O or 1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "A" + "".join(alphabet[b % len(alphabet)] for b in uuid.uuid4().bytes[:8])


class EvidenceKind(models.TextChoices):
    PREREQUISITE = "prerequisite", _("Attendance confirmation from another provider")
    COVERING_LETTER = "covering_letter", _("Covering letter")
    OTHER = "other", _("Other")


def _evidence_path(instance: Evidence, filename: str) -> str:
    # A name of our own: the original name is kept, cleaned, only for showing.
    return f"admissions/{dt.date.today():%Y/%m}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file a person sent with an application, checked by its content before it was stored."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(storage=private_storage, upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class Message(models.Model):
    """The coordinator's request for more information, and the applicant's answer, in order."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    from_coordinator = models.BooleanField()
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
