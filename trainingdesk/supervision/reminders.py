"""Reminders before supervision sessions (`notifications.reminders.register_source`): each
scheduled session of a group, for every member allocated to it with a confirmed booking, with
the group's joining link. A cancelled session has none; a moved one is reminded at its new time
(the reminder's start is part of what makes it unique)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from trainingdesk.bookings.models import BookingStatus
from trainingdesk.notifications.reminders import Reminder
from trainingdesk.supervision.models import Allocation, SessionStatus, SupervisionSession

TEMPLATE = "supervision/email/reminder.txt"


def sessions(after: dt.datetime, until: dt.datetime) -> list[Reminder]:
    """Two queries, however many sessions and members."""
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
    return [
        Reminder(key=f"supervision:{session.pk}:booking:{allocation.booking.reference}",
                 person=allocation.booking.participant, template=TEMPLATE,
                 context={"session": session, "group": session.group},
                 starts_at=session.starts_at, ends_at=session.ends_at)
        for session in starting
        for allocation in members[session.group_id]
    ]
