"""Group supervision: groups with a supervisor and an evening, their sessions, and who is
allocated to which group. Those who chose a place without supervision record their own
supervisor, as the brochure requires.

Rows change only through `supervision.services`. The terms (how many sessions, how long, how
often, how soon after training) are the level's configuration; a group's schedule is proposed by
the pure `supervision.scheduling`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trainingdesk.accounts.models import validate_zone
from trainingdesk.bookings.models import Booking
from trainingdesk.catalogue.models import CourseRun, Level
from trainingdesk.lib.text import refuse_bidi_controls


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Supervisor(models.Model):
    """A person with the supervisor role, with their NVRA accreditation recorded."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="supervisor")
    accreditation = models.CharField(_("NVRA accreditation"), max_length=200,
                                     help_text=_("For example: NVRA accredited supervisor."))

    def __str__(self) -> str:
        return str(self.user)


class SupervisionGroup(models.Model):
    name = models.CharField(_("name"), max_length=100, validators=[refuse_bidi_controls])
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="supervision_groups")
    supervisor = models.ForeignKey(Supervisor, on_delete=models.PROTECT, related_name="groups")
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(50)])
    weekday = models.PositiveSmallIntegerField(_("evening"), choices=Weekday.choices)
    start_time = models.TimeField(_("local start time"))
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_zone])
    country = models.CharField(_("country for bank holidays"), max_length=2, default="GB")
    subdivision = models.CharField(_("part of the country"), max_length=10, blank=True,
                                   default="ENG", help_text=_("ENG for England, SCT, WLS, NIR."))
    joining_link = models.URLField(_("online joining link"), max_length=500)
    runs = models.ManyToManyField(CourseRun, blank=True, related_name="supervision_groups",
                                  help_text=_("The runs it serves: its first session is about 4 "
                                              "weeks after their last training day."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name

    def is_kept_by(self, user: object) -> bool:
        """Whether `user` may see the group's members and keep its registers: its supervisor
        and the coordinator, nobody else."""
        if getattr(user, "is_coordinator", False):
            return True
        return bool(getattr(user, "is_authenticated", False)
                    and self.supervisor.user_id == getattr(user, "pk", None))


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class SupervisionSession(models.Model):
    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=SessionStatus.choices,
                              default=SessionStatus.SCHEDULED)
    # Calendar feeds' SEQUENCE: raised each time the session moves or is cancelled.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["group", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="one_session_number_per_group"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="a_session_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.group}: session {self.number}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def has_started(self, now: dt.datetime) -> bool:
        return self.starts_at <= now


class Allocation(models.Model):
    """A place in a group for a booking that bought supervision."""

    group = models.ForeignKey(SupervisionGroup, on_delete=models.PROTECT,
                              related_name="allocations")
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT,
                                   related_name="supervision_allocation")
    allocated_at = models.DateTimeField(default=timezone.now)
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["group", "allocated_at"]

    def __str__(self) -> str:
        return f"{self.booking} in {self.group}"


class OwnSupervisor(models.Model):
    """The supervisor a participant without the group option works with (the brochure asks
    for it)."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="own_supervisor")
    name = models.CharField(_("supervisor's name"), max_length=200,
                            validators=[refuse_bidi_controls])
    accreditation = models.CharField(_("their accreditation"), max_length=200)
    contact = models.CharField(_("how to contact them"), max_length=200,
                               help_text=_("An email address or a telephone number."))
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class SessionMark(models.Model):
    """A member's (or a guest's) presence at one session, as the supervisor or the coordinator
    recorded it. A member's hours are the sessions they were present at."""

    session = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE, related_name="marks")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="marks")
    present = models.BooleanField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "allocation"],
                                    name="one_mark_per_session_and_member"),
        ]

    def __str__(self) -> str:
        return f"{self.allocation} at {self.session}: {'present' if self.present else 'absent'}"


class SessionGuest(models.Model):
    """A member of another group making up a missed session in this one: they are on its
    register."""

    session = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE, related_name="guests")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="guest_of")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "allocation"],
                                    name="one_guest_place_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.allocation} as a guest at {self.session}"
