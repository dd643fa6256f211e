"""The participant's own attendance: each confirmed booking's days with their marks, make-up
days, how many of the level's days count, and the Attendance Confirmation when issued."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from trainingdesk.accounts.models import User
from trainingdesk.attendance import rules
from trainingdesk.attendance.models import AttendanceConfirmation, AttendanceMark, MakeUpDay
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.catalogue.models import TrainingDay


@dataclass(frozen=True)
class DayLine:
    number: int
    date: dt.date
    run_title: str
    mark: AttendanceMark | None
    counts: bool
    is_make_up: bool


@dataclass(frozen=True)
class BookingAttendance:
    booking: Booking
    lines: list[DayLine]
    attended: int
    required: int
    confirmation: AttendanceConfirmation | None


def attendance_of(participant: User) -> list[BookingAttendance]:
    """Every confirmed booking of one person with its days and marks: five queries in all."""
    bookings = list(
        Booking.objects.filter(participant=participant, status=BookingStatus.CONFIRMED)
        .select_related("run__level")
        .prefetch_related(
            Prefetch("run__days", queryset=TrainingDay.objects.order_by("number")),
            Prefetch("marks", queryset=AttendanceMark.objects.select_related("day")),
            Prefetch("make_up_days", queryset=MakeUpDay.objects.select_related("day__run")),
        )
        .order_by("-created_at")
    )
    # Oldest first, so each booking keeps its latest: the one issued in place of any revoked.
    confirmations = {
        c.booking_id: c for c in AttendanceConfirmation.objects.filter(booking__in=bookings)
        .order_by("issued_at", "id")
    }
    result = []
    for booking in bookings:
        level = booking.run.level
        marks = {m.day_id: m for m in booking.marks.all()}
        days = [(day, False) for day in booking.run.days.all()]
        days += [(make_up.day, True) for make_up in booking.make_up_days.all()]
        lines = []
        for day, is_make_up in sorted(days, key=lambda pair: (pair[0].number, pair[0].date)):
            mark = marks.get(day.pk)
            counts = mark is not None and rules.counts_as_attended(
                mark.status, mark.minutes_missed, teaching_minutes=day.teaching_minutes,
                minimum_percent=level.attendance_minimum_percent)
            lines.append(DayLine(day.number, day.date, day.run.title if is_make_up else "",
                                 mark, counts, is_make_up))
        attended = len({line.number for line in lines if line.counts})
        result.append(BookingAttendance(booking, lines, attended, level.days_required,
                                        confirmations.get(booking.pk)))
    return result


@require_safe
@login_required
def my_attendance(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    return render(request, "attendance/my_attendance.html",
                  {"entries": attendance_of(request.user)})
