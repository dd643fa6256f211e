"""A booking's calendar file: its training days, with the joining link for a confirmed place."""

from __future__ import annotations

from trainingdesk.bookings.models import Booking
from trainingdesk.lib.calendar import CalendarEntry, calendar_file
from trainingdesk.lib.zones import format_clock


def booking_calendar(booking: Booking) -> bytes:
    """Every training day of a booking's run; the joining link only for a confirmed booking."""
    run = booking.run
    link = run.joining_link if booking.is_confirmed else ""
    entries = [
        CalendarEntry(
            uid=f"{booking.reference}-day-{day.number}@trainingdesk",
            title=f"{run.level.name} Day {day.number}: {run.level.programme.name}",
            starts_at=day.starts_at, finishes_at=day.finishes_at,
            location=link or run.where,
            description="\n".join(filter(None, [
                f"{run} ({booking.reference})",
                f"Arrive from {format_clock(day.arrives_at)}." if day.arrives_at else "",
                day.break_description,
                f"Join: {link}" if link else "",
            ])),
            url=link,
        )
        for day in run.days.order_by("number")
    ]
    return calendar_file(entries, name=str(run))


def render_calendar_attachment(booking_id: int) -> tuple[str, bytes, str]:
    booking = Booking.objects.select_related("run__level__programme").get(pk=booking_id)
    return f"{booking.reference}.ics", booking_calendar(booking), "text/calendar"
