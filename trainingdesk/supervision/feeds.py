"""Supervision sessions in a person's calendar feed (`lib.calendar.register_feed_source`): the
sessions of the groups they are allocated to, or supervise; a cancelled session stays, marked
CANCELLED, so that calendars remove it, and a moved one keeps its UID with new times."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from trainingdesk.accounts.models import User
from trainingdesk.lib.calendar import CANCELLED, CONFIRMED, CalendarEntry, calendar_file
from trainingdesk.supervision.models import Allocation, SessionStatus, SupervisionSession


def sessions_for(user: User) -> list[CalendarEntry]:
    """One query, however many groups and sessions."""
    return entries(SupervisionSession.objects
                   .filter(Q(group__allocations__booking__participant=user)
                           | Q(group__supervisor__user=user))
                   .select_related("group__level").distinct().order_by("starts_at"))


def entries(sessions: Iterable[SupervisionSession]) -> list[CalendarEntry]:
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


def render_group_schedule(allocation_id: int) -> tuple[str, bytes, str]:
    """The email attachment sent on allocation: the group's sessions as an .ics file (the same
    UIDs as the feed, so importing both never doubles a session)."""
    allocation = Allocation.objects.select_related("group").get(pk=allocation_id)
    group = allocation.group
    sessions = group.sessions.select_related("group__level").order_by("starts_at")
    return ("supervision.ics", calendar_file(entries(sessions), name=f"Supervision: {group.name}"),
            "text/calendar")
