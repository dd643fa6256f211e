"""Allocating participants to supervision groups: who is waiting, which groups suit them, and
the allocation itself, atomic and audited, never over a group's places."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from trainingdesk.accounts.models import User
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.audit.log import log_action, snapshot
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.catalogue.models import Level, TrainingDay
from trainingdesk.lib.access import require_coordinator
from trainingdesk.lib.zones import UK, format_clock, format_day, format_span
from trainingdesk.notifications.services import send_email
from trainingdesk.supervision import scheduling
from trainingdesk.supervision.models import (
    Allocation,
    OwnSupervisor,
    SessionGuest,
    SessionMark,
    SessionStatus,
    SupervisionGroup,
    SupervisionSession,
)


def waiting_for_a_group() -> QuerySet[Booking]:
    """Bookings that bought supervision and completed their level (a standing Attendance
    Confirmation) but have no group yet: the coordinator's "to allocate" list."""
    completed = AttendanceConfirmation.objects.filter(booking=OuterRef("pk"), revoked_at__isnull=True)
    return (Booking.objects.filter(status=BookingStatus.CONFIRMED, supervision_hours__gt=0)
            .filter(Exists(completed)).filter(supervision_allocation__isnull=True)
            .select_related("participant", "run__level").order_by("confirmed_at", "id"))


def groups_with_places() -> list[SupervisionGroup]:
    """Every group with `members` counted, in one query."""
    return list(SupervisionGroup.objects.select_related("supervisor__user", "level")
                .annotate(members=Count("allocations")).order_by("level", "name"))


@dataclass(frozen=True)
class Suggestion:
    group: SupervisionGroup
    local_time: str  # the evening as the participant's clock shows it


def _evening_in(group: SupervisionGroup, zone: str, on: dt.date) -> dt.datetime:
    start = dt.datetime.combine(on, group.start_time, tzinfo=ZoneInfo(group.time_zone))
    return start.astimezone(ZoneInfo(zone))


def suggestions(booking: Booking, groups: Iterable[SupervisionGroup], *,
                today: dt.date) -> list[Suggestion]:
    """Groups of the booking's level with room whose evening falls at a reasonable hour in the
    participant's own zone (SUPERVISION_REASONABLE_HOURS, 17:00-22:00 by default)."""
    first, last = settings.SUPERVISION_REASONABLE_HOURS
    zone = booking.participant.time_zone or "Europe/London"
    found = []
    for group in groups:
        if group.level_id != booking.run.level_id:
            continue
        if getattr(group, "members", 0) >= group.capacity:
            continue
        local = _evening_in(group, zone, today)
        if first <= local.hour + local.minute / 60 <= last:
            found.append(Suggestion(group, f"{format_day(local.date())}, {format_clock(local)}"))
    return found


def allocate(*, booking: Booking, group: SupervisionGroup, actor: User,
             now: dt.datetime | None = None) -> Allocation:
    """Give the booking a place in the group. The group's row is locked first, so two
    coordinators allocating at once can never fill it past its places."""
    require_coordinator(actor, "allocate supervision groups")
    now = now or timezone.now()
    with transaction.atomic():
        # The scarce thing is the group's places: lock the group, then count.
        group = SupervisionGroup.objects.select_for_update().get(pk=group.pk)
        booking = Booking.objects.select_related("participant", "run__level").get(pk=booking.pk)
        if not waiting_for_a_group().filter(pk=booking.pk).exists():
            if Allocation.objects.filter(booking=booking).exists():
                raise ValidationError("This person already has a supervision group.")
            raise ValidationError(
                "Only someone who chose group supervision and completed their level can be "
                "allocated to a group.")
        if group.level_id != booking.run.level_id:
            raise ValidationError({"group": f"That group serves the {group.level.name} level."})
        if group.allocations.count() >= group.capacity:
            raise ValidationError({"group": f"{group.name} is full ({group.capacity} places)."})
        allocation = Allocation.objects.create(group=group, booking=booking, allocated_by=actor,
                                               allocated_at=now)
        log_action(actor, "supervision.allocation.made", allocation, after=snapshot(allocation))
        send_email(to=[booking.participant.email], template="supervision/email/allocated.txt",
                   context={"participant": booking.participant, "group": group,
                            "sessions": schedule_in_zone(group, booking.participant.time_zone)},
                   attachments=[{"kind": "supervision_schedule", "id": allocation.pk}])
        return allocation


def schedule_in_zone(group: SupervisionGroup, zone: str | None) -> list[str]:
    """The group's sessions written out in the person's zone (UK time when they have none)."""
    return [format_span(session.starts_at, session.ends_at, zone or UK)
            for session in group.sessions.filter(status=SessionStatus.SCHEDULED).order_by("starts_at")]


# --- a group's sessions ----------------------------------------------------------------------


def terms_of(level: Level) -> scheduling.Terms:
    """The level's supervision terms as data: 12 hours in sessions of 2, every 2 months, from
    4 weeks after training, for the brochure's levels."""
    minutes = level.supervision_session_hours * 60
    sessions = max(1, (level.supervision_hours * 60) // minutes) if minutes else 1
    return scheduling.Terms(sessions=sessions, minutes=minutes,
                            interval_months=level.supervision_interval_months,
                            weeks_after_training=level.supervision_starts_weeks_after)


def evening_of(group: SupervisionGroup) -> scheduling.Evening:
    return scheduling.Evening(weekday=group.weekday, starts_at=group.start_time,
                              zone=group.time_zone, country=group.country,
                              subdivision=group.subdivision or None)


def plan_sessions(*, group: SupervisionGroup, actor: User) -> list[SupervisionSession]:
    """The group's whole schedule, proposed by the pure scheduling from the last training day
    of the runs it serves. Refused once planned: move or cancel single sessions instead."""
    require_coordinator(actor, "plan supervision sessions")
    with transaction.atomic():
        group = SupervisionGroup.objects.select_for_update().select_related("level").get(pk=group.pk)
        if group.sessions.exists():
            raise ValidationError("This group's sessions are already planned: move or cancel "
                                  "a session instead.")
        last = TrainingDay.objects.filter(run__in=group.runs.all()).order_by("-date").first()
        if last is None:
            raise ValidationError("Choose the runs the group serves first: its sessions start "
                                  "after their last training day.")
        try:
            proposed = scheduling.propose(terms=terms_of(group.level), last_training_day=last.date,
                                          evening=evening_of(group))
        except scheduling.ScheduleError as error:
            raise ValidationError(str(error)) from error
        sessions = SupervisionSession.objects.bulk_create(
            SupervisionSession(group=group, number=s.number, starts_at=s.starts_utc,
                               ends_at=s.ends_utc) for s in proposed)
        log_action(actor, "supervision.sessions.planned", group,
                   after={"sessions": [s.starts_at.isoformat() for s in sessions]})
        return sessions


def _as_planned(sessions: list[SupervisionSession], zone: str) -> list[scheduling.Session]:
    tz = ZoneInfo(zone)
    return [scheduling.Session(number=s.number, starts=s.starts_at.astimezone(tz),
                               ends=s.ends_at.astimezone(tz),
                               cancelled=s.status == SessionStatus.CANCELLED) for s in sessions]


def _tell_the_group(group: SupervisionGroup, session: SupervisionSession, what: str) -> None:
    members = list(group.allocations.select_related("booking__participant"))
    for allocation in members:
        person = allocation.booking.participant
        send_email(to=[person.email], template="supervision/email/session_changed.txt",
                   context={"participant": person, "group": group, "what": what,
                            "session": format_span(session.starts_at, session.ends_at,
                                                   person.time_zone or UK)})


def _the_group_locked(session: SupervisionSession) -> tuple[SupervisionGroup,
                                                            list[SupervisionSession], int]:
    """The session's group, locked (a move and a cancel of its sessions queue), its sessions in
    order, and where this one stands among them. Call inside a transaction."""
    group = SupervisionGroup.objects.select_for_update().get(pk=session.group_id)
    sessions = list(group.sessions.order_by("starts_at"))
    return group, sessions, next(i for i, s in enumerate(sessions) if s.pk == session.pk)


def move_session(*, session: SupervisionSession, new_start: dt.datetime, actor: User,
                 now: dt.datetime | None = None) -> SupervisionSession:
    """Move one session (never into the past, nor onto another of the group's); everyone in the
    group is told, and calendar feeds see a higher sequence."""
    require_coordinator(actor, "move supervision sessions")
    now = now or timezone.now()
    with transaction.atomic():
        group, sessions, index = _the_group_locked(session)
        try:
            planned = scheduling.moved(_as_planned(sessions, group.time_zone), index, new_start, now)
        except (scheduling.ScheduleError, ValueError) as error:
            raise ValidationError({"new_start": str(error)}) from error
        session = sessions[index]
        before = snapshot(session)
        session.starts_at, session.ends_at = planned[index].starts_utc, planned[index].ends_utc
        session.sequence += 1
        session.save(update_fields=["starts_at", "ends_at", "sequence"])
        log_action(actor, "supervision.session.moved", session, before=before,
                   after=snapshot(session))
        _tell_the_group(group, session, "moved")
        return session


def cancel_session(*, session: SupervisionSession, actor: User,
                   now: dt.datetime | None = None) -> SupervisionSession:
    require_coordinator(actor, "cancel supervision sessions")
    now = now or timezone.now()
    with transaction.atomic():
        group, sessions, index = _the_group_locked(session)
        try:
            scheduling.cancelled(_as_planned(sessions, group.time_zone), index, now)
        except (scheduling.ScheduleError, ValueError) as error:
            raise ValidationError(str(error)) from error
        session = sessions[index]
        before = snapshot(session)
        session.status = SessionStatus.CANCELLED
        session.sequence += 1
        session.save(update_fields=["status", "sequence"])
        log_action(actor, "supervision.session.cancelled", session, before=before,
                   after=snapshot(session))
        _tell_the_group(group, session, "cancelled")
        return session


# --- a participant's own supervisor ------------------------------------------------------------


def record_own_supervisor(*, booking: Booking, name: str, accreditation: str, contact: str,
                          actor: User, now: dt.datetime | None = None) -> OwnSupervisor:
    """The supervisor a participant without the group option works with, as the brochure asks;
    recorded by the participant themselves, again to change it. Audited."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.participant_id != actor.pk:
            raise PermissionDenied("Only the participant can record their own supervisor.")
        if booking.status != BookingStatus.CONFIRMED:
            raise ValidationError("Only a confirmed booking can have a supervisor recorded.")
        if booking.supervision_hours:
            raise ValidationError("This booking includes group supervision: the coordinator "
                                  "allocates you to a group.")
        values = {"name": name.strip(), "accreditation": accreditation.strip(),
                  "contact": contact.strip()}
        for field, value in values.items():
            if not value:
                raise ValidationError({field: "Enter this, as the brochure requires it."})
        found = OwnSupervisor.objects.filter(booking=booking).first()
        before = snapshot(found) if found else None
        own, _created = OwnSupervisor.objects.update_or_create(
            booking=booking, defaults={**values, "recorded_at": now})
        own.full_clean()
        log_action(actor, "supervision.own_supervisor.recorded", own, before=before,
                   after=snapshot(own))
        return own


# --- registers and hours -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    allocation: Allocation
    is_guest: bool
    mark: SessionMark | None


def register_of(session: SupervisionSession) -> list[RegisterRow]:
    """Who is on a session's register: the group's members, then those making up a missed
    session here, each with their mark if recorded. Three queries, whatever the numbers."""
    marks = {m.allocation_id: m for m in session.marks.all()}
    members = list(Allocation.objects.filter(group_id=session.group_id)
                   .select_related("booking__participant").order_by("booking__participant__full_name"))
    guests = list(Allocation.objects.filter(guest_of__session=session)
                  .select_related("booking__participant", "group")
                  .order_by("booking__participant__full_name"))
    return ([RegisterRow(a, False, marks.get(a.pk)) for a in members]
            + [RegisterRow(a, True, marks.get(a.pk)) for a in guests])


def record_session_marks(*, session: SupervisionSession, present: dict[int, bool], actor: User,
                         now: dt.datetime | None = None) -> list[SessionMark]:
    """Mark people on a session's register present or absent (allocation id -> present). Only
    the group's supervisor and the coordinator, only once the session has started, only those
    on its register. Audited, one entry a change."""
    now = now or timezone.now()
    with transaction.atomic():
        session = (SupervisionSession.objects.select_for_update(of=("self",))
                   .select_related("group__supervisor").get(pk=session.pk))
        if not session.group.is_kept_by(actor):
            raise PermissionDenied("Only the group's supervisor or the coordinator can keep "
                                   "its register.")
        if session.status == SessionStatus.CANCELLED:
            raise ValidationError("This session was cancelled: there is no register to keep.")
        if not session.has_started(now):
            raise ValidationError("The register opens when the session starts.")
        on_register = {row.allocation.pk for row in register_of(session)}
        strangers = set(present) - on_register
        if strangers:
            raise ValidationError("Only the group's members and its guests can be marked.")
        existing = {m.allocation_id: m for m in session.marks.select_for_update()}
        saved = []
        for allocation_id, is_present in present.items():
            mark = existing.get(allocation_id)
            if mark is not None and mark.present == is_present:
                continue
            before = snapshot(mark) if mark else None
            if mark is None:
                mark = SessionMark.objects.create(session=session, allocation_id=allocation_id,
                                                  present=is_present, recorded_by=actor,
                                                  recorded_at=now)
            else:
                mark.present, mark.recorded_by, mark.recorded_at = is_present, actor, now
                mark.save(update_fields=["present", "recorded_by", "recorded_at"])
            log_action(actor, "supervision.session.marked", mark, before=before,
                       after=snapshot(mark))
            saved.append(mark)
        return saved


def add_guest(*, session: SupervisionSession, allocation: Allocation, actor: User,
              now: dt.datetime | None = None) -> SessionGuest:
    """A member of another group of the same level makes up a missed session in this one: the
    coordinator adds them, and they are on its register. Audited."""
    require_coordinator(actor, "add someone to another group's session")
    now = now or timezone.now()
    with transaction.atomic():
        session = (SupervisionSession.objects.select_for_update(of=("self",))
                   .select_related("group").get(pk=session.pk))
        allocation = Allocation.objects.select_related("group").get(pk=allocation.pk)
        if session.status == SessionStatus.CANCELLED:
            raise ValidationError({"allocation": "This session was cancelled."})
        if allocation.group_id == session.group_id:
            raise ValidationError({"allocation": "They are already in this group."})
        if allocation.group.level_id != session.group.level_id:
            raise ValidationError({"allocation": "They are in a group of another level."})
        if SessionGuest.objects.filter(session=session, allocation=allocation).exists():
            raise ValidationError({"allocation": "They are already a guest at this session."})
        guest = SessionGuest.objects.create(session=session, allocation=allocation,
                                            added_by=actor, added_at=now)
        log_action(actor, "supervision.session.guest_added", guest, after=snapshot(guest))
        return guest


def guest_candidates(session: SupervisionSession) -> QuerySet[Allocation]:
    """Members of the level's other groups who are not yet guests at this session."""
    return (Allocation.objects.filter(group__level_id=session.group.level_id)
            .exclude(group_id=session.group_id).exclude(guest_of__session=session)
            .select_related("booking__participant", "group")
            .order_by("booking__participant__full_name"))


def minutes_present(allocations: Iterable[Allocation]) -> dict[int, int]:
    """Each allocation's minutes of supervision so far: the sessions, of their group or made up
    in another, they were marked present at. One query, however many people."""
    totals = {a.pk: 0 for a in allocations}
    marks = (SessionMark.objects.filter(allocation_id__in=list(totals), present=True)
             .exclude(session__status=SessionStatus.CANCELLED)
             .select_related("session").only("allocation_id", "session__starts_at",
                                              "session__ends_at"))
    for mark in marks:
        totals[mark.allocation_id] += mark.session.minutes
    return totals
