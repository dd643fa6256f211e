"""A booking's calendar file: its training days, with the joining link for a confirmed place.
The same entries (same uids) go into the participant's calendar feed (`bookings.feeds`)."""

from __future__ import annotations

from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.lib.calendar import CANCELLED, CONFIRMED, CalendarEntry, calendar_file
from trainingdesk.lib.zones import format_clock


def booking_entries(booking: Booking) -> list[CalendarEntry]:
    """Every training day of a booking's run (from `run.days`, prefetched by a caller with many
    bookings); the joining link only for a confirmed booking, CANCELLED for a cancelled one."""
    run = booking.run
    link = run.joining_link if booking.is_confirmed else ""
    status = CANCELLED if booking.status == BookingStatus.CANCELLED else CONFIRMED
    return [
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
            status=status,
        )
        for day in sorted(run.days.all(), key=lambda day: day.number)
    ]


def booking_calendar(booking: Booking) -> bytes:
    """Every training day of a booking's run; the joining link only for a confirmed booking."""
    return calendar_file(booking_entries(booking), name=str(booking.run))


def render_calendar_attachment(booking_id: int) -> tuple[str, bytes, str]:
    booking = Booking.objects.select_related("run__level__programme").get(pk=booking_id)
    return f"{booking.reference}.ics", booking_calendar(booking), "text/calendar"
