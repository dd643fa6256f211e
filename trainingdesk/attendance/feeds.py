"""A participant's make-up days in their calendar feed (`lib.calendar.register_feed_source`):
the day of another run each confirmed booking makes a missed day up on, with that run's joining
link. A released make-up day is deleted, so it leaves the feed (a subscribed calendar drops an
event the feed no longer has)."""

from __future__ import annotations

from trainingdesk.accounts.models import User
from trainingdesk.attendance.models import MakeUpDay
from trainingdesk.bookings.models import BookingStatus
from trainingdesk.lib.calendar import CalendarEntry
from trainingdesk.lib.zones import format_clock


def make_up_days(user: User) -> list[CalendarEntry]:
    """One query, however many make-up days."""
    make_ups = (
        MakeUpDay.objects.filter(booking__participant=user, booking__status=BookingStatus.CONFIRMED)
        .select_related("booking", "day__run__level__programme")
    )
    entries = []
    for make_up in make_ups:
        day, run, booking = make_up.day, make_up.day.run, make_up.booking
        entries.append(CalendarEntry(
            uid=f"{booking.reference}-make-up-{day.pk}@trainingdesk",
            title=f"{run.level.name} Day {day.number} (make-up day): {run.level.programme.name}",
            starts_at=day.starts_at, finishes_at=day.finishes_at,
            location=run.joining_link or run.where,
            description="\n".join(filter(None, [
                f"Making up Day {day.number} of {booking.reference} on {run}.",
                f"Arrive from {format_clock(day.arrives_at)}." if day.arrives_at else "",
                day.break_description,
                f"Join: {run.joining_link}" if run.joining_link else "",
            ])),
            url=run.joining_link,
        ))
    return entries
