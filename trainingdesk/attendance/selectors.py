"""What the attendance pages read: registers, a run's days, the run report and make-up choices.

Each function reads in a fixed number of queries, however many participants a run has: marks
are fetched once and looked up in a dict.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Min, Prefetch, QuerySet

from trainingdesk.accounts.models import User
from trainingdesk.attendance import rules
from trainingdesk.attendance.models import (
    AttendanceConfirmation,
    AttendanceMark,
    ClosedRegister,
    MakeUpDay,
    MarkStatus,
)
from trainingdesk.attendance.services import (
    day_has_happened,
    on_register,
    on_registers_of,
    with_register_counts,
)
from trainingdesk.bookings.models import Booking
from trainingdesk.catalogue.models import CourseRun, RunStatus, TrainingDay


def closure_of(day: TrainingDay) -> ClosedRegister | None:
    """The day's closure, read from `select_related("closed")` without another query."""
    try:
        return day.closed
    except ClosedRegister.DoesNotExist:
        return None


def day_for_register(day_id: int) -> TrainingDay | None:
    return (TrainingDay.objects.select_related("run__level__programme", "closed__closed_by")
            .filter(pk=day_id).first())


def run_for_attendance(run_id: int) -> CourseRun | None:
    return CourseRun.objects.select_related("level__programme").filter(pk=run_id).first()


# --- a day's register ------------------------------------------------------------------------

@dataclass
class RegisterRow:
    booking: Booking
    mark: AttendanceMark | None
    day_run_id: int

    @property
    def make_up_from(self) -> CourseRun | None:
        """The run the participant is booked on, when they are making this day up."""
        return None if self.booking.run_id == self.day_run_id else self.booking.run


@dataclass
class Register:
    day: TrainingDay
    rows: list[RegisterRow]
    closure: ClosedRegister | None
    has_happened: bool

    @property
    def marked(self) -> int:
        return sum(1 for row in self.rows if row.mark is not None)

    @property
    def not_marked(self) -> int:
        return len(self.rows) - self.marked

    @property
    def is_closed(self) -> bool:
        return self.closure is not None

    @property
    def run_cancelled(self) -> bool:
        return self.day.run.status == RunStatus.CANCELLED


# What a register shows of a booking and its mark. Reading only these columns is most of what
# makes a register of 200 quick: the rest (prices, addresses, timestamps) took longer to turn
# into Python than the queries took to run.
REGISTER_BOOKING_FIELDS = ("reference", "run_id", "participant_id", "participant__full_name",
                           "participant__email", "run__title")
REGISTER_MARK_FIELDS = ("booking_id", "day_id", "status", "minutes_missed", "source", "recorded_at",
                        "recorded_by__full_name")


def _register_bookings(day: TrainingDay) -> QuerySet[Booking]:
    """Who is on a day's register (`services.on_register`), with only the columns it shows."""
    return (on_register(day).select_related("participant", "run")
            .only(*REGISTER_BOOKING_FIELDS))


def _register_marks(day: TrainingDay) -> QuerySet[AttendanceMark]:
    return (AttendanceMark.objects.filter(day=day).select_related("recorded_by")
            .only(*REGISTER_MARK_FIELDS))


def register(day: TrainingDay, *, now: dt.datetime | None = None) -> Register:
    """Everyone on a day's register with their mark: two queries, whatever their number."""
    marks = {m.booking_id: m for m in _register_marks(day)}
    rows = [RegisterRow(booking=b, mark=marks.get(b.pk), day_run_id=day.run_id)
            for b in _register_bookings(day)]
    return Register(day=day, rows=rows, closure=closure_of(day), has_happened=day_has_happened(day, now))


def register_row(day: TrainingDay, booking_id: int) -> RegisterRow | None:
    """One row of the register, as it is now (after a mark was saved)."""
    booking = _register_bookings(day).filter(pk=booking_id).first()
    if booking is None:
        return None
    mark = _register_marks(day).filter(booking=booking).first()
    return RegisterRow(booking=booking, mark=mark, day_run_id=day.run_id)


# --- runs and their days ---------------------------------------------------------------------

def runs_for(user: User) -> QuerySet[CourseRun]:
    """The runs whose registers a person keeps: all for the coordinator, their own for a
    trainer. Newest first, with dates."""
    runs = CourseRun.objects.exclude(status=RunStatus.DRAFT)
    if not user.is_coordinator:
        runs = runs.filter(trainers=user)
    return (runs.select_related("level__programme")
            .annotate(first_date=Min("days__date"), last_date=Max("days__date"))
            .order_by("-first_date", "-id"))


@dataclass
class DayOverview:
    day: TrainingDay
    on_register: int
    marked: int
    closure: ClosedRegister | None

    @property
    def not_marked(self) -> int:
        return max(self.on_register - self.marked, 0)


def run_days(run: CourseRun) -> list[DayOverview]:
    """A run's days with how many are on each register, how many of them are marked, and
    whether it is closed. One query."""
    days = with_register_counts(TrainingDay.objects.filter(run=run)
                                .select_related("run", "closed__closed_by").order_by("number"))
    return [DayOverview(day=d, on_register=d.on_register,  # type: ignore[attr-defined]
                        marked=d.marked, closure=closure_of(d))  # type: ignore[attr-defined]
            for d in days]


# --- the run report --------------------------------------------------------------------------

@dataclass
class ReportCell:
    mark: AttendanceMark | None
    counts: bool = False
    elsewhere: bool = False  # the mark is on a day of another run (a make-up day)
    make_up: MakeUpDay | None = None  # a make-up day assigned for this number, not yet marked

    @property
    def label(self) -> str:
        if self.mark is None:
            if self.make_up is not None:
                return f"Make-up: {self.make_up.day.run.title}, {self.make_up.day.date.day} " \
                       f"{self.make_up.day.date:%B %Y}"
            return ""
        text = str(self.mark.get_status_display())
        if self.mark.minutes_missed:
            text += f" ({self.mark.minutes_missed} min)"
        if self.elsewhere:
            text += f" on {self.mark.day.run.title}, {self.mark.day.date.day} {self.mark.day.date:%B %Y}"
        return text


@dataclass
class ReportRow:
    booking: Booking
    cells: list[ReportCell]
    days_attended: int
    confirmation: AttendanceConfirmation | None
    make_up_from: CourseRun | None


@dataclass
class DaySummary:
    day: TrainingDay
    counts: Counter[str] = field(default_factory=Counter)
    on_register: int = 0

    @property
    def present(self) -> int:
        return self.counts[MarkStatus.PRESENT]

    @property
    def late(self) -> int:
        return self.counts[MarkStatus.LATE]

    @property
    def left_early(self) -> int:
        return self.counts[MarkStatus.LEFT_EARLY]

    @property
    def absent(self) -> int:
        return self.counts[MarkStatus.ABSENT]

    @property
    def not_marked(self) -> int:
        return max(self.on_register - sum(self.counts.values()), 0)


@dataclass
class RunReport:
    run: CourseRun
    days: list[TrainingDay]
    rows: list[ReportRow]
    summaries: list[DaySummary]

    @property
    def days_required(self) -> int:
        return self.run.level.days_required


def _confirmation(booking: Booking) -> AttendanceConfirmation | None:
    """The booking's confirmation as it stands: the valid one, else the latest revoked one
    (from the `confirmations` prefetched newest first)."""
    confirmations = list(booking.confirmations.all())
    return next((c for c in confirmations if c.is_valid), confirmations[0] if confirmations else None)


def run_report(run: CourseRun) -> RunReport:
    """Participants by days: everyone on any of the run's registers (its confirmed bookings and
    those making a day up on it), each day's mark, the days attended towards the level, and
    whether their confirmation was issued. Five queries, whatever the number of participants."""
    level = run.level
    days = list(with_register_counts(TrainingDay.objects.filter(run=run)).order_by("number"))
    bookings = list(
        on_registers_of(run)
        .select_related("participant", "run")
        .prefetch_related(Prefetch("confirmations", queryset=AttendanceConfirmation.objects
                                   .select_related("replaced_by").order_by("-issued_at", "-id")))
        .order_by("participant__full_name", "id")
    )
    ids = [b.pk for b in bookings]
    marks = list(AttendanceMark.objects.filter(booking__in=ids).select_related("day__run")
                 .order_by("day__date"))
    make_ups = list(MakeUpDay.objects.filter(booking__in=ids).select_related("day__run"))

    marks_by_booking: dict[int, list[AttendanceMark]] = defaultdict(list)
    for mark in marks:
        marks_by_booking[mark.booking_id].append(mark)
    make_ups_by_booking: dict[int, dict[int, MakeUpDay]] = defaultdict(dict)
    for make_up in make_ups:
        make_ups_by_booking[make_up.booking_id][make_up.day.number] = make_up

    def counts(mark: AttendanceMark) -> bool:
        return rules.counts_as_attended(mark.status, mark.minutes_missed,
                                        teaching_minutes=mark.day.teaching_minutes,
                                        minimum_percent=level.attendance_minimum_percent)

    summaries = {d.pk: DaySummary(day=d, on_register=d.on_register)  # type: ignore[attr-defined]
                 for d in days}

    rows = []
    for booking in bookings:
        own = marks_by_booking[booking.pk]
        by_number: dict[int, list[AttendanceMark]] = defaultdict(list)
        for mark in own:
            by_number[mark.day.number].append(mark)
            if mark.day_id in summaries:
                summaries[mark.day_id].counts[mark.status] += 1
        cells = []
        for day in days:
            found = by_number.get(day.number, [])
            here = next((m for m in found if m.day_id == day.pk), None)
            counting = next((m for m in found if counts(m)), None)
            chosen = here if here is not None and (counts(here) or counting is None) else counting
            chosen = chosen or (found[-1] if found else None)
            cells.append(ReportCell(
                mark=chosen, counts=chosen is not None and counts(chosen),
                elsewhere=chosen is not None and chosen.day_id != day.pk,
                make_up=make_ups_by_booking[booking.pk].get(day.number),
            ))
        attended = {m.day.number for m in own if counts(m)}
        rows.append(ReportRow(
            booking=booking, cells=cells,
            days_attended=len(attended & set(range(1, level.days_required + 1))),
            confirmation=_confirmation(booking),
            make_up_from=booking.run if booking.run_id != run.pk else None,
        ))
    return RunReport(run=run, days=days, rows=rows, summaries=[summaries[d.pk] for d in days])


# --- make-up days ----------------------------------------------------------------------------

def booking_for_make_up(reference: str) -> Booking | None:
    return (Booking.objects.select_related("participant", "run__level__programme")
            .filter(reference=reference).first())


def make_up_day_choices(booking: Booking) -> QuerySet[TrainingDay]:
    """Days a participant could make a day up on: days of later published runs of the same
    level. (The service checks the rest: not a number already attended or assigned.)"""
    first = TrainingDay.objects.filter(run_id=booking.run_id).aggregate(first=Min("date"))["first"]
    days = (TrainingDay.objects.filter(run__level_id=booking.run.level_id,
                                       run__status=RunStatus.PUBLISHED)
            .exclude(run_id=booking.run_id).select_related("run").order_by("date", "number"))
    if first is not None:
        days = days.filter(date__gt=first)
    return days
