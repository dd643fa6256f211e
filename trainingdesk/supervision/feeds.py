"""Supervision sessions in a person's calendar feed (`lib.calendar.register_feed_source`): the
sessions of the groups they are allocated to, or supervise; a cancelled session stays, marked
CANCELLED, so that calendars remove it, and a moved one keeps its UID with new times."""

from __future__ import annotations

from django.db.models import Q

from trainingdesk.accounts.models import User
from trainingdesk.lib.calendar import CANCELLED, CONFIRMED, CalendarEntry
from trainingdesk.supervision.models import SessionStatus, SupervisionSession


def sessions_for(user: User) -> list[CalendarEntry]:
    """One query, however many groups and sessions."""
    sessions = (SupervisionSession.objects
                .filter(Q(group__allocations__booking__participant=user)
                        | Q(group__supervisor__user=user))
                .select_related("group__level").distinct().order_by("starts_at"))
    return [
        CalendarEntry(
            uid=f"supervision-{session.pk}@trainingdesk",
            title=f"Group supervision: {session.group.name} (session {session.number})",
            starts_at=session.starts_at, finishes_at=session.ends_at,
            location="Online", url=session.group.joining_link,
            description=f"{session.group.level.name} group supervision, online. Join: "
                        f"{session.group.joining_link}",
            status=CANCELLED if session.status == SessionStatus.CANCELLED else CONFIRMED,
        )
        for session in sessions
    ]
