"""Reminders before training days (`notifications.reminders.register_source`): each day of a run
a participant has a confirmed place on. A cancelled booking (and every booking of a cancelled
run, which is cancelled with it) has none. Make-up days are attendance's
(`attendance.reminders`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch

from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.catalogue.models import TrainingDay
from trainingdesk.notifications.reminders import Reminder

TEMPLATE = "bookings/email/reminder.txt"
# A day is stored as a date and wall-clock times in its run's zone: the dates that can hold an
# instant between `after` and `until`, whatever the zone, are read, and the instants compared.
ANY_ZONE = dt.timedelta(days=1)


def days_in(after: dt.datetime, until: dt.datetime) -> tuple[dt.date, dt.date]:
    return (after - ANY_ZONE).date(), (until + ANY_ZONE).date()


def training_days(after: dt.datetime, until: dt.datetime) -> list[Reminder]:
    """Two queries, however many bookings and days."""
    dates = days_in(after, until)
    bookings = (
        Booking.objects.filter(status=BookingStatus.CONFIRMED, run__days__date__range=dates)
        .select_related("participant", "run")
        .prefetch_related(Prefetch("run__days", queryset=TrainingDay.objects.filter(date__range=dates)))
        .distinct()
    )
    return [
        Reminder(key=f"booking:{booking.reference}:day:{day.number}", person=booking.participant,
                 template=TEMPLATE, context={"booking": booking, "run": booking.run, "day": day},
                 starts_at=day.starts_at, ends_at=day.finishes_at)
        for booking in bookings
        for day in booking.run.days.all()
        if after < day.starts_at <= until
    ]
