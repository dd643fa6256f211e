"""Reminders before make-up days (`notifications.reminders.register_source`): the day of another
run a confirmed booking makes a missed day up on, with that run's joining link. A released
make-up day is deleted, so it is reminded no more."""

from __future__ import annotations

import datetime as dt

from trainingdesk.attendance.models import MakeUpDay
from trainingdesk.bookings.models import BookingStatus
from trainingdesk.bookings.reminders import TEMPLATE, days_in
from trainingdesk.notifications.reminders import Reminder


def make_up_days(after: dt.datetime, until: dt.datetime) -> list[Reminder]:
    """One query, however many make-up days."""
    make_ups = (
        MakeUpDay.objects.filter(booking__status=BookingStatus.CONFIRMED,
                                 day__date__range=days_in(after, until))
        .select_related("booking__participant", "day__run")
    )
    return [
        Reminder(key=f"booking:{make_up.booking.reference}:make-up:{make_up.day.pk}",
                 person=make_up.booking.participant, template=TEMPLATE,
                 context={"booking": make_up.booking, "run": make_up.day.run, "day": make_up.day,
                          "make_up": True},
                 starts_at=make_up.day.starts_at, ends_at=make_up.day.finishes_at)
        for make_up in make_ups
        if after < make_up.day.starts_at <= until
    ]
