"""A trainer's runs in their calendar feed (`lib.calendar.register_feed_source`): every day of
each published run they train on, with the joining link; a cancelled run's days marked CANCELLED
until `CANCELLED_SHOWN_FOR` after the day (a run keeps no date of its cancellation), so that
calendars remove them. Draft runs are left out: their dates are not settled."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from trainingdesk.accounts.models import User
from trainingdesk.catalogue.models import CourseRun, RunStatus, TrainingDay
from trainingdesk.lib.calendar import CANCELLED, CANCELLED_SHOWN_FOR, CONFIRMED, CalendarEntry
from trainingdesk.lib.zones import format_clock


def run_day_entry(run: CourseRun, day: TrainingDay) -> CalendarEntry:
    """A day of a run as its trainer sees it; the uid is the run's day, not a booking's."""
    return CalendarEntry(
        uid=f"run-{run.pk}-day-{day.number}@trainingdesk",
        title=f"Training: {run.level.name} Day {day.number} ({run.title})",
        starts_at=day.starts_at, finishes_at=day.finishes_at,
        location=run.joining_link or run.where,
        description="\n".join(filter(None, [
            f"{run}: you are training.",
            f"Arrive from {format_clock(day.arrives_at)}." if day.arrives_at else "",
            day.break_description,
            f"Join: {run.joining_link}" if run.joining_link else "",
        ])),
        url=run.joining_link,
        status=CANCELLED if run.is_cancelled else CONFIRMED,
    )


def trainers_runs(user: User) -> list[CalendarEntry]:
    """Two queries, however many runs."""
    recently = timezone.localdate() - CANCELLED_SHOWN_FOR
    still_dated = TrainingDay.objects.filter(run=OuterRef("pk"), date__gte=recently)
    runs = (
        CourseRun.objects.filter(trainers=user)
        .filter(Q(status=RunStatus.PUBLISHED) | Q(Exists(still_dated), status=RunStatus.CANCELLED))
        .select_related("level")
        .prefetch_related("days")
    )
    return [run_day_entry(run, day) for run in runs
            for day in sorted(run.days.all(), key=lambda day: day.number)]
