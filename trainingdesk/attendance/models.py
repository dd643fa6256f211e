"""Registers (a mark a participant a day), make-up days, and Attendance Confirmations.

Marks change only through `attendance.services`; what a confirmation confirms never changes
once issued. It may be revoked with a reason, and replaced by a new one (a new document with
a new code); a change to the attendance behind it flags it for the coordinator to review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trainingdesk.bookings.models import Booking
from trainingdesk.catalogue.models import Level, TrainingDay
from trainingdesk.lib import verification


class MarkStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEFT_EARLY = "left_early", _("Left early")
    ABSENT = "absent", _("Absent")


class MarkSource(models.TextChoices):
    REGISTER = "register", _("Register")
    ZOOM = "zoom", _("Zoom report")


class AttendanceMark(models.Model):
    """Whether a participant attended a training day, and how many minutes they missed."""

    day = models.ForeignKey(TrainingDay, on_delete=models.PROTECT, related_name="marks")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="marks",
                                help_text=_("The booking this day counts towards."))
    status = models.CharField(_("attendance"), max_length=12, choices=MarkStatus.choices)
    minutes_missed = models.PositiveSmallIntegerField(_("minutes missed"), default=0)
    source = models.CharField(max_length=10, choices=MarkSource.choices,
                              default=MarkSource.REGISTER)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["day", "booking"]
        constraints = [
            models.UniqueConstraint(fields=["day", "booking"], name="one_mark_a_day_a_booking"),
            models.CheckConstraint(
                condition=Q(status__in=["late", "left_early"]) | Q(minutes_missed=0),
                name="only_late_or_early_miss_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking.participant} {self.day}: {self.get_status_display()}"


class MakeUpDay(models.Model):
    """A day missed on the booked run, made up on the same-numbered day of a later run of the
    same level, assigned by the coordinator without a second booking fee."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="make_up_days")
    day = models.ForeignKey(TrainingDay, on_delete=models.PROTECT, related_name="make_up_days")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField()

    class Meta:
        ordering = ["day__date"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "day"], name="one_make_up_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.booking} makes up {self.day}"


class ClosedRegister(models.Model):
    """A day's register, closed: from then on a change needs the coordinator and a reason."""

    day = models.OneToOneField(TrainingDay, on_delete=models.CASCADE, related_name="closed")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} closed"


def new_verification_code() -> str:
    """The field's default (named in migrations): `lib.verification`'s code."""
    return verification.new_code()


class AttendanceConfirmation(models.Model):
    """Issued once a participant has attended every day their level requires. Immutable: what
    it confirms is copied onto it; only a revocation (with its reason) may be added later, and
    then a new confirmation may replace it. A booking has at most one that is not revoked."""

    code = models.CharField(_("verification code"), max_length=24, unique=True,
                            default=new_verification_code, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="confirmations")
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="attendance_confirmations")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(_("name"), max_length=200)
    programme_name = models.CharField(max_length=200)
    level_name = models.CharField(max_length=100)
    accreditation = models.CharField(max_length=100, blank=True)
    provider_name = models.CharField(max_length=200)
    provider_accreditation = models.CharField(max_length=300, blank=True)
    days = models.JSONField(help_text="[{'number', 'date', 'run', 'hours'}] as attended")
    hours_attended = models.DecimalField(max_digits=6, decimal_places=2)
    first_date = models.DateField()
    last_date = models.DateField()
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revocation_reason = models.TextField(blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by",
        help_text=_("The revoked confirmation this one was issued in place of."))
    attendance_changed_at = models.DateTimeField(
        null=True, blank=True,
        help_text=_("When a mark behind it changed after it was issued, until the coordinator "
                    "keeps or revokes it."))

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="a_revocation_has_a_reason",
            ),
            models.UniqueConstraint(
                fields=["booking"], condition=Q(revoked_at__isnull=True),
                name="one_standing_confirmation_a_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance Confirmation {self.code}"

    def get_absolute_url(self) -> str:
        """Its public verification page."""
        return verification.verification_path(self.code)

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def status(self) -> verification.Status:
        """Valid; revoked; or superseded (revoked, and replaced by a new confirmation). Reading
        `replaced_by` is a query unless it was selected with `select_related("replaced_by")`."""
        if self.revoked_at is None:
            return verification.Status.VALID
        if self.replacement is not None:
            return verification.Status.SUPERSEDED
        return verification.Status.REVOKED

    @property
    def replacement(self) -> AttendanceConfirmation | None:
        try:
            return self.replaced_by  # type: ignore[no-any-return]
        except AttendanceConfirmation.DoesNotExist:
            return None

    @property
    def needs_review(self) -> bool:
        """Valid, but the attendance behind it changed since it was issued."""
        return self.revoked_at is None and self.attendance_changed_at is not None

    @property
    def title(self) -> str:
        accreditation = f" ({self.accreditation})" if self.accreditation else ""
        return f"Attendance Confirmation: {self.level_name} Level{accreditation}"
