"""Coursework: a participant's portfolio for a level, its drafts, what was submitted (frozen),
and how each submission was marked.

- `Portfolio`: one per participant and level with coursework (the Advanced level). It opens
  when they hold the Attendance Confirmations; its deadline is the level's rule applied to the
  last day of that level, plus any `Extension` the coordinator grants with a reason.
- `Piece`: the draft of one part (case study 1, case study 2, the reflective log, the reading
  list confirmed). Drafts change freely until submission.
- `Submission`: one attempt. Submitting copies every piece into a `SubmittedPiece`, so what was
  submitted never changes, whatever the draft does next; it carries the fee's invoice, the
  assessor and (optionally) the moderator.
- `Marking`: one marker's decision on a submission (the assessor's, then the moderator's), with
  a `PartMark` per submitted piece: pass or refer, with feedback.

Every row here is written by `coursework.services`, atomically and audited.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trainingdesk.catalogue.models import CourseworkComponent, Level
from trainingdesk.invoicing.models import Invoice
from trainingdesk.lib.files import private_storage


class PortfolioStatus(models.TextChoices):
    OPEN = "open", _("Open: drafts kept, not submitted")
    SUBMITTED = "submitted", _("Submitted: being marked")
    REFERRED = "referred", _("Referred: resubmit the referred parts")
    PASSED = "passed", _("Passed")


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    REFER = "refer", _("Refer")


class MarkerRole(models.TextChoices):
    ASSESSOR = "assessor", _("Assessor")
    MODERATOR = "moderator", _("Moderator")


def new_candidate_number() -> str:
    """'C-7KQ2-94TX': what an assessor marking anonymously sees instead of a name. Random, so it
    says nothing about the person or when they enrolled."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    body = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"C-{body[:4]}-{body[4:]}"


class PortfolioQuerySet(models.QuerySet["Portfolio"]):
    def with_level(self) -> PortfolioQuerySet:
        return self.select_related("participant", "level", "level__programme",
                                   "level__programme__provider")


class Portfolio(models.Model):
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="portfolios")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField(
        _("level completed on"),
        help_text=_("The last day of the level, from its Attendance Confirmation: the deadline "
                    "counts from it."))
    candidate_number = models.CharField(max_length=20, unique=True, default=new_candidate_number,
                                        editable=False)
    status = models.CharField(max_length=10, choices=PortfolioStatus.choices,
                              default=PortfolioStatus.OPEN)
    resubmit_by = models.DateField(null=True, blank=True,
                                   help_text=_("While referred: the last day to resubmit."))
    opened_at = models.DateTimeField()
    passed_at = models.DateTimeField(null=True, blank=True)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "level"], name="one_portfolio_a_level"),
            models.CheckConstraint(
                condition=Q(status="referred") | Q(resubmit_by__isnull=True),
                name="only_a_referred_portfolio_has_a_resubmission_date",
            ),
            models.CheckConstraint(
                condition=(Q(status="passed", passed_at__isnull=False)
                           | (~Q(status="passed") & Q(passed_at__isnull=True))),
                name="passed_when_passed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} coursework of {self.participant}"

    @property
    def is_editable(self) -> bool:
        return self.status in (PortfolioStatus.OPEN, PortfolioStatus.REFERRED)


class Extension(models.Model):
    """More time to submit, granted by the coordinator with a reason."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    granted_at = models.DateTimeField()

    class Meta:
        ordering = ["granted_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1) & Q(days__lte=366),
                                   name="an_extension_is_1_to_366_days"),
            models.CheckConstraint(condition=~Q(reason=""), name="an_extension_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.days} days more for {self.portfolio}"


def _piece_path(instance: Piece, filename: str) -> str:
    # A new name for every file: a submitted copy keeps pointing at the file it was submitted
    # with, whatever the draft is given next.
    return f"coursework/{instance.portfolio_id}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


class PartFields(models.Model):
    """What a part holds, in its draft and in its submitted copy."""

    component = models.ForeignKey(CourseworkComponent, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(blank=True)
    file = models.FileField(storage=private_storage, upload_to=_piece_path, max_length=200,
                            blank=True)
    file_name = models.CharField(max_length=120, blank=True)
    words = models.PositiveIntegerField(null=True, blank=True)
    notes_words = models.PositiveIntegerField(
        default=0, help_text=_("Of `words`, those in footnotes and endnotes."))
    confirmed_at = models.DateTimeField(null=True, blank=True,
                                        help_text=_("A reading list: when it was confirmed as read."))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.component.quantity > 1:
            return f"{self.component.title} {self.number}"
        return self.component.title

    @property
    def is_present(self) -> bool:
        return bool(self.file) or bool(self.text.strip()) or self.confirmed_at is not None


class Piece(PartFields):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="pieces")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["component__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "component", "number"],
                                    name="one_draft_a_part"),
            models.CheckConstraint(condition=Q(text="") | Q(file=""),
                                   name="a_draft_is_written_or_uploaded"),
        ]


class Submission(models.Model):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="submissions")
    attempt = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    anonymous = models.BooleanField(
        default=False, help_text=_("The level's rule when it was submitted: markers see the "
                                   "candidate number, not the name."))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True,
                               help_text=_("The final outcome: the moderator's, where moderated."))
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "attempt"], name="one_submission_an_attempt"),
            models.CheckConstraint(
                condition=Q(moderator__isnull=True) | ~Q(moderator=models.F("assessor")),
                name="the_moderator_is_not_the_assessor",
            ),
            models.CheckConstraint(condition=(Q(outcome="", decided_at__isnull=True)
                                              | (~Q(outcome="") & Q(decided_at__isnull=False))),
                                   name="decided_when_an_outcome"),
        ]

    def __str__(self) -> str:
        return f"Submission {self.attempt} of {self.portfolio}"


class SubmittedPiece(PartFields):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="pieces")
    carried_over = models.BooleanField(
        default=False, help_text=_("Passed at an earlier attempt and not resubmitted."))

    class Meta:
        ordering = ["component__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "component", "number"],
                                    name="one_submitted_copy_a_part"),
        ]


class Marking(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="markings")
    role = models.CharField(max_length=10, choices=MarkerRole.choices)
    marker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    feedback = models.TextField(blank=True)
    disagrees = models.BooleanField(
        default=False, help_text=_("A moderator's marking that differs from the assessor's."))
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "role"], name="one_marking_a_role"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}'s marking of {self.submission}"


class PartMark(models.Model):
    marking = models.ForeignKey(Marking, on_delete=models.CASCADE, related_name="parts")
    piece = models.ForeignKey(SubmittedPiece, on_delete=models.CASCADE, related_name="marks")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["piece__component__position", "piece__number"]
        constraints = [
            models.UniqueConstraint(fields=["marking", "piece"], name="one_mark_a_part"),
            models.CheckConstraint(condition=Q(outcome="pass") | ~Q(feedback=""),
                                   name="a_referred_part_has_feedback"),
        ]

    def __str__(self) -> str:
        return f"{self.piece}: {self.get_outcome_display()}"
