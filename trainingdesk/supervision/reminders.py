"""Reminders before supervision sessions (`notifications.reminders.register_source`): each
scheduled session of a group, for every member allocated to it with a confirmed booking (and
anyone making up a missed session in it), with
the group's joining link. A cancelled session has none; a moved one is reminded at its new time
(the reminder's start is part of what makes it unique)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from trainingdesk.bookings.models import BookingStatus
from trainingdesk.notifications.reminders import Reminder
from trainingdesk.supervision.models import (
    Allocation,
    SessionGuest,
    SessionStatus,
    SupervisionSession,
)

TEMPLATE = "supervision/email/reminder.txt"


def sessions(after: dt.datetime, until: dt.datetime) -> list[Reminder]:
    """Three queries, however many sessions, members and guests (a member of another group
    making up a missed session here is reminded of it too)."""
    starting = list(
        SupervisionSession.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gt=after,
                                          starts_at__lte=until)
        .select_related("group__supervisor__user")
    )
    members: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in (Allocation.objects
                       .filter(group__in={session.group_id for session in starting},
                               booking__status=BookingStatus.CONFIRMED)
                       .select_related("booking__participant")):
        members[allocation.group_id].append(allocation)
    guests: dict[int, list[Allocation]] = defaultdict(list)
    for guest in (SessionGuest.objects.filter(session__in=starting,
                                              allocation__booking__status=BookingStatus.CONFIRMED)
                  .select_related("allocation__booking__participant")):
        guests[guest.session_id].append(guest.allocation)
    return [
        Reminder(key=f"supervision:{session.pk}:booking:{allocation.booking.reference}",
                 person=allocation.booking.participant, template=TEMPLATE,
                 context={"session": session, "group": session.group},
                 starts_at=session.starts_at, ends_at=session.ends_at)
        for session in starting
        for allocation in [*members[session.group_id], *guests[session.pk]]
    ]
