"""A participant's training days in their calendar feed (`lib.calendar.register_feed_source`):
the days of each run they have a confirmed place on, and, for a while after a booking is
cancelled (`CANCELLED_SHOWN_FOR`), its days marked CANCELLED so that calendars remove them. A
booking that never held a confirmed place (waitlisted, offered, left the waitlist) is not there.
Make-up days are attendance's (`attendance.feeds`)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from trainingdesk.accounts.models import User
from trainingdesk.bookings.documents import booking_entries
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.lib.calendar import CANCELLED_SHOWN_FOR, CalendarEntry


def training_days(user: User) -> list[CalendarEntry]:
    """Two queries, however many bookings."""
    recently = timezone.now() - CANCELLED_SHOWN_FOR
    bookings = (
        Booking.objects.for_participant(user)
        .filter(Q(status=BookingStatus.CONFIRMED)
                | Q(status=BookingStatus.CANCELLED, confirmed_at__isnull=False,
                    cancelled_at__gte=recently))
        .select_related("run__level__programme")
        .prefetch_related("run__days")
    )
    return [entry for booking in bookings for entry in booking_entries(booking)]
