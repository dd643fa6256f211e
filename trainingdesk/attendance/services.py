"""Every change to registers, make-up days and Attendance Confirmations goes through here:
atomic, checked, audited. A participant's confirmation is issued as soon as their set of days
is complete, and never twice; once revoked, only the coordinator issues a new one in its place.
A change to a mark behind a valid confirmation flags it until the coordinator keeps or revokes
it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

from trainingdesk.accounts.models import User
from trainingdesk.attendance import rules
from trainingdesk.attendance.models import (
    AttendanceConfirmation,
    AttendanceMark,
    ClosedRegister,
    MakeUpDay,
    MarkSource,
    MarkStatus,
)
from trainingdesk.audit.log import log_action, snapshot
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.catalogue.models import CourseRun, RunStatus, TrainingDay
from trainingdesk.lib import events
from trainingdesk.lib.access import require_coordinator
from trainingdesk.notifications.services import send_email


def may_keep_register(user: User, run: CourseRun) -> bool:
    """The run's own trainers and the coordinator keep its registers."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_coordinator:
        return True
    return run.trainers.filter(pk=user.pk).exists()


def day_has_happened(day: TrainingDay, now: dt.datetime | None = None) -> bool:
    """Whether the day has begun in the run's zone: a register can be marked from its date."""
    now = now or timezone.now()
    return now.astimezone(ZoneInfo(day.run.time_zone)).date() >= day.date


def _on_registers(**days: object) -> QuerySet[Booking]:
    """Who is on the registers of the days one lookup on `TrainingDay` picks (`pk=day.pk`,
    `pk=OuterRef("pk")`, `run=run`): the one statement of the rule. A confirmed booking is on
    the register of every day of its run, and of each day of another run it makes up."""
    [(lookup, value)] = days.items()
    return Booking.objects.filter(
        Q(**{f"run__days__{lookup}": value}) | Q(**{f"make_up_days__day__{lookup}": value}),
        status=BookingStatus.CONFIRMED,
    )


def on_register(day: TrainingDay) -> QuerySet[Booking]:
    """Who is on a day's register, by name. Pages add the columns they need."""
    return _on_registers(pk=day.pk).distinct().order_by("participant__full_name", "id")


def on_registers_of(run: CourseRun) -> QuerySet[Booking]:
    """Everyone on any of a run's registers: its confirmed bookings, and those making a day
    up on it."""
    return _on_registers(run=run).distinct()


def _how_many(bookings: QuerySet[Booking]) -> Coalesce:
    """How many bookings a query correlated with an outer query finds, as a column of the
    outer query. Grouped by status, which `_on_registers` fixes to one value: a single row."""
    return Coalesce(Subquery(bookings.order_by().values("status")
                             .annotate(count=Count("pk", distinct=True)).values("count")), 0)


def with_register_counts(days: QuerySet[TrainingDay]) -> QuerySet[TrainingDay]:
    """The days, each with `on_register` (how many are on its register) and `marked` (how
    many of those have a mark on it), in the days' own query."""
    people = _on_registers(pk=OuterRef("pk"))
    return days.annotate(on_register=_how_many(people),
                         marked=_how_many(people.filter(marks__day=OuterRef("pk"))))


def register_bookings(day: TrainingDay) -> list[Booking]:
    return list(on_register(day).select_related("participant", "run"))


@dataclass(frozen=True)
class MarkInput:
    booking_id: int
    status: str
    minutes_missed: int = 0


def _lock_day(day: TrainingDay) -> TrainingDay:
    """The day again, locked until the transaction ends. Everything that changes a register
    takes this lock first: two people marking the same participant at once would otherwise
    both insert a first mark, and one would fail on the unique constraint; "mark all present"
    would mark present someone a trainer has just marked absent; and a register could close
    while a mark was being recorded."""
    return TrainingDay.objects.select_for_update(of=("self",)).select_related("run__level").get(pk=day.pk)


def _check_keeps_register(actor: User, run: CourseRun) -> None:
    if not may_keep_register(actor, run):
        raise PermissionDenied("Only the run's trainers and the coordinator keep its register.")


def _check_day_markable(day: TrainingDay, now: dt.datetime) -> None:
    if day.run.status == RunStatus.CANCELLED:
        raise ValidationError("This run is cancelled: its register cannot be marked.")
    if not day_has_happened(day, now):
        raise ValidationError(f"Day {day.number} has not happened yet: it can be marked from "
                              f"{day.date:%d %B %Y}.")


def _check_register_open(day: TrainingDay, actor: User, reason: str, now: dt.datetime) -> bool:
    """Refuse a change that may not be made; returns whether the register was closed."""
    _check_keeps_register(actor, day.run)
    _check_day_markable(day, now)
    closed = ClosedRegister.objects.filter(day=day).exists()
    if closed:
        require_coordinator(actor, "change it", because="This register is closed")
        if not reason.strip():
            raise ValidationError({"reason": "Say why a closed register is being changed."})
    return closed


@dataclass(frozen=True)
class _OpenRegister:
    """A day's register, locked and checked, with who is on it and their marks as they are
    now (read under the lock, so no other change can come between reading and writing)."""

    day: TrainingDay
    closed: bool
    on_register: dict[int, Booking]
    existing: dict[int, AttendanceMark]


def _open_register(day: TrainingDay, actor: User, reason: str, now: dt.datetime) -> _OpenRegister:
    """Lock the day, refuse a change that may not be made, then read the register. Call inside
    a transaction."""
    day = _lock_day(day)
    closed = _check_register_open(day, actor, reason, now)
    return _OpenRegister(day=day, closed=closed,
                         on_register={b.pk: b for b in register_bookings(day)},
                         existing={m.booking_id: m for m in AttendanceMark.objects.filter(day=day)})


def record_marks(
    *, day: TrainingDay, marks: Iterable[MarkInput], actor: User, reason: str = "",
    source: str = MarkSource.REGISTER, now: dt.datetime | None = None,
) -> list[AttendanceMark]:
    """Record marks for a day, all or nothing, then issue every confirmation they complete."""
    now = now or timezone.now()
    marks = list(marks)
    with transaction.atomic():
        register = _open_register(day, actor, reason, now)
        return _save_marks(register, marks, actor=actor, reason=reason, source=source, now=now)


def _save_marks(register: _OpenRegister, marks: list[MarkInput], *, actor: User, reason: str,
                source: str, now: dt.datetime) -> list[AttendanceMark]:
    day, on_register, existing = register.day, register.on_register, register.existing
    teaching = day.teaching_minutes
    saved = []
    changed: list[int] = []  # bookings whose mark was recorded or changed
    for mark in marks:
        booking = on_register.get(mark.booking_id)
        if booking is None:
            raise ValidationError("That person is not booked on this run, so cannot be marked.")
        if mark.status not in MarkStatus.values:
            raise ValidationError({"status": "Choose present, late, left early or absent."})
        missed = mark.minutes_missed if mark.status in (MarkStatus.LATE, MarkStatus.LEFT_EARLY) else 0
        if missed < 0 or missed > teaching:
            raise ValidationError({"minutes_missed": f"Minutes missed must be between 0 and {teaching}."})
        row = existing.get(booking.pk)
        before = snapshot(row)
        if row is None:
            row = AttendanceMark(day=day, booking=booking)
        elif row.status == mark.status and row.minutes_missed == missed:
            saved.append(row)
            continue
        row.status, row.minutes_missed, row.source = mark.status, missed, source
        row.recorded_by, row.recorded_at = actor, now
        row.save()
        log_action(actor, "attendance.mark.changed" if before else "attendance.mark.recorded",
                   row, before=before, after=snapshot(row),
                   reason=reason if register.closed else "")
        saved.append(row)
        changed.append(booking.pk)
    # Flag before issuing: a confirmation these marks complete is issued on them, not changed.
    _flag_changed_attendance(booking_ids=changed, actor=actor, now=now)
    issue_confirmations(bookings=[m.booking for m in saved], now=now)
    return saved


def mark_all_present(*, day: TrainingDay, actor: User, now: dt.datetime | None = None) -> int:
    """Mark everyone on the register who has no mark yet as present."""
    now = now or timezone.now()
    with transaction.atomic():
        # Who has no mark is read holding the day's lock, so a mark a trainer saves meanwhile
        # (absent, say) is either seen here and kept, or waits and is saved after ours.
        register = _open_register(day, actor, "", now)
        todo = [MarkInput(pk, MarkStatus.PRESENT) for pk in register.on_register
                if pk not in register.existing]
        _save_marks(register, todo, actor=actor, reason="", source=MarkSource.REGISTER, now=now)
        return len(todo)


def close_register(*, day: TrainingDay, actor: User, now: dt.datetime | None = None) -> ClosedRegister:
    now = now or timezone.now()
    with transaction.atomic():
        day = _lock_day(day)  # a mark being recorded finishes before the register closes
        _check_keeps_register(actor, day.run)
        if ClosedRegister.objects.filter(day=day).exists():
            raise ValidationError("This register is already closed.")
        _check_day_markable(day, now)
        closure = ClosedRegister.objects.create(day=day, closed_by=actor, closed_at=now)
        log_action(actor, "attendance.register.closed", day)
        return closure


def assign_make_up_day(*, booking: Booking, day: TrainingDay, actor: User,
                       now: dt.datetime | None = None) -> MakeUpDay:
    """Let a participant make up a missed day on the same-numbered day of another run of the
    same level, without a second booking fee."""
    now = now or timezone.now()
    require_coordinator(actor, "assign make-up days")
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("run").get(pk=booking.pk)
        day = TrainingDay.objects.select_related("run").get(pk=day.pk)
        if booking.status != BookingStatus.CONFIRMED:
            raise ValidationError("Only a confirmed booking can have make-up days.")
        if day.run_id == booking.run_id:
            raise ValidationError({"day": "Choose a day of a different run."})
        if day.run.level_id != booking.run.level_id:
            raise ValidationError({"day": "A make-up day must be a day of the same level."})
        if day.run.status != RunStatus.PUBLISHED:
            raise ValidationError({"day": "That run is not running."})
        if day.number in _attended_numbers(booking):
            raise ValidationError({"day": f"Day {day.number} has already been attended."})
        if MakeUpDay.objects.filter(booking=booking, day__number=day.number).exists():
            raise ValidationError({"day": f"A make-up for day {day.number} is already assigned."})
        make_up = MakeUpDay.objects.create(booking=booking, day=day, assigned_by=actor,
                                           assigned_at=now)
        log_action(actor, "attendance.make_up_day.assigned", make_up, after=snapshot(make_up))
        return make_up


def _attended_numbers(booking: Booking) -> dict[int, dt.date]:
    return attended_days([booking])[booking.pk]


def _marks_of(bookings: list[Booking]) -> list[AttendanceMark]:
    return list(AttendanceMark.objects.filter(booking__in=[b.pk for b in bookings])
                .select_related("day__run__level"))


def attended_days(bookings: list[Booking], *, marks: list[AttendanceMark] | None = None
                  ) -> dict[int, dict[int, dt.date]]:
    """For each booking: day number -> date, for the days that count as attended. One query,
    or none when given the bookings' `marks`."""
    result: dict[int, dict[int, dt.date]] = {b.pk: {} for b in bookings}
    if marks is None:
        marks = _marks_of(bookings)
    for mark in marks:
        level = mark.day.run.level
        if rules.counts_as_attended(mark.status, mark.minutes_missed,
                                    teaching_minutes=mark.day.teaching_minutes,
                                    minimum_percent=level.attendance_minimum_percent):
            days = result[mark.booking_id]
            days[mark.day.number] = min(days.get(mark.day.number, mark.day.date), mark.day.date)
    return result


def issue_confirmations(*, bookings: list[Booking], now: dt.datetime | None = None,
                        notify: bool = True) -> list[AttendanceConfirmation]:
    """Issue an Attendance Confirmation to each booking whose level's days are now complete and
    who has none yet. Safe to call again: a booking never gets two (database-enforced). A
    booking whose confirmation was revoked gets no new one here: that is the coordinator's
    decision (`reissue_confirmation`)."""
    now = now or timezone.now()
    if not bookings:
        return []
    ids = [b.pk for b in bookings]
    already = set(AttendanceConfirmation.objects.filter(booking__in=ids).values_list("booking_id", flat=True))
    candidates = list(
        Booking.objects.filter(pk__in=ids, status=BookingStatus.CONFIRMED).exclude(pk__in=already)
        .select_related("participant", "run__level__programme__provider")
    )
    confirmed = days_to_confirm(candidates)
    issued = []
    for booking in candidates:
        days = confirmed[booking.pk]
        if days is None:
            continue
        try:
            with transaction.atomic():
                confirmation = _new_confirmation(booking, days, now=now)
        except IntegrityError:
            continue  # issued meanwhile by another request: never two
        log_action(None, "attendance.confirmation.issued", confirmation, after=snapshot(confirmation))
        events.emit(events.CONFIRMATION_ISSUED, {"confirmation_id": confirmation.pk})
        if notify:
            _email_issued(confirmation)
        issued.append(confirmation)
    return issued


def days_to_confirm(bookings: list[Booking]) -> dict[int, list[dict[str, str]] | None]:
    """For each booking: the days a confirmation would print, one per day the level requires,
    or None while the days are not complete. One query for all the bookings' marks."""
    marks = _marks_of(bookings)
    attended = attended_days(bookings, marks=marks)
    days_by_key = _days_lookup(marks, attended)
    result: dict[int, list[dict[str, str]] | None] = {}
    for booking in bookings:
        level = booking.run.level
        verdict = rules.completion(attended[booking.pk], days_required=level.days_required,
                                   within_months=level.attendance_completion_months)
        result[booking.pk] = (
            [days_by_key[(booking.pk, n)] for n in range(1, level.days_required + 1)]
            if verdict.complete else None
        )
    return result


def attendance_now(booking: Booking) -> dict[int, dict[str, str]]:
    """Day number -> the day as a confirmation would state it now, for the days that count."""
    marks = _marks_of([booking])
    attended = attended_days([booking], marks=marks)
    return {number: day for (_, number), day in _days_lookup(marks, attended).items()}


def _new_confirmation(booking: Booking, days: list[dict[str, str]], *, now: dt.datetime,
                      replaces: AttendanceConfirmation | None = None) -> AttendanceConfirmation:
    """Write a confirmation of `days`, copying onto it everything it states."""
    level = booking.run.level
    provider = level.programme.provider
    return AttendanceConfirmation.objects.create(
        booking=booking, participant=booking.participant, level=level,
        holder_name=booking.participant.full_name, programme_name=level.programme.name,
        level_name=level.name, accreditation=level.accreditation,
        provider_name=provider.name, provider_accreditation=provider.accreditation,
        days=days, hours_attended=sum((Decimal(d["hours"]) for d in days), Decimal(0)),
        first_date=min(dt.date.fromisoformat(d["date"]) for d in days),
        last_date=max(dt.date.fromisoformat(d["date"]) for d in days),
        issued_at=now, replaces=replaces,
    )


def _email_issued(confirmation: AttendanceConfirmation) -> None:
    send_email(to=[confirmation.participant.email], template="attendance/email/confirmation_issued.txt",
               context={"confirmation": confirmation, "participant": confirmation.participant},
               attachments=[{"kind": "confirmation", "id": confirmation.pk}])


def _days_lookup(marks: list[AttendanceMark], attended: dict[int, dict[int, dt.date]]
                 ) -> dict[tuple[int, int], dict[str, str]]:
    """(booking, day number) -> what the confirmation prints of that day, from the marks that
    `attended` counted."""
    found: dict[tuple[int, int], dict[str, str]] = {}
    for mark in marks:
        number = mark.day.number
        if attended.get(mark.booking_id, {}).get(number) != mark.day.date:
            continue
        minutes = max(mark.day.teaching_minutes - mark.minutes_missed, 0)
        found[(mark.booking_id, number)] = {
            "number": str(number), "date": mark.day.date.isoformat(), "run": mark.day.run.title,
            "hours": str((Decimal(minutes) / 60).quantize(Decimal("0.01"))),
        }
    return found


def _locked_confirmation(confirmation: AttendanceConfirmation) -> AttendanceConfirmation:
    return (AttendanceConfirmation.objects.select_for_update(of=("self",))
            .select_related("participant").get(pk=confirmation.pk))


def revoke_confirmation(*, confirmation: AttendanceConfirmation, reason: str, actor: User,
                        now: dt.datetime | None = None) -> AttendanceConfirmation:
    """Revoke a confirmation with a reason, and tell its holder. A flag that its attendance
    changed is settled by the revocation and cleared."""
    now = now or timezone.now()
    require_coordinator(actor, "revoke a confirmation")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the confirmation is revoked."})
    with transaction.atomic():
        confirmation = _locked_confirmation(confirmation)
        if confirmation.revoked_at:
            raise ValidationError("This confirmation is already revoked.")
        before = snapshot(confirmation)
        confirmation.revoked_at, confirmation.revoked_by = now, actor
        confirmation.revocation_reason = reason.strip()
        confirmation.attendance_changed_at = None
        confirmation.save(update_fields=["revoked_at", "revoked_by", "revocation_reason",
                                         "attendance_changed_at"])
        log_action(actor, "attendance.confirmation.revoked", confirmation, before=before,
                   after=snapshot(confirmation), reason=reason)
        events.emit(events.CONFIRMATION_REVOKED, {"confirmation_id": confirmation.pk})
        send_email(to=[confirmation.participant.email],
                   template="attendance/email/confirmation_revoked.txt",
                   context={"confirmation": confirmation, "participant": confirmation.participant})
        return confirmation


def _flag_changed_attendance(*, booking_ids: list[int], actor: User, now: dt.datetime) -> None:
    """Flag the valid confirmations of these bookings: a mark behind them was recorded or
    changed after they were issued, so what they state may no longer hold."""
    if not booking_ids:
        return
    standing = list(AttendanceConfirmation.objects.select_for_update(of=("self",))
                    .filter(booking__in=booking_ids, revoked_at__isnull=True,
                            attendance_changed_at__isnull=True))
    for confirmation in standing:
        confirmation.attendance_changed_at = now
        confirmation.save(update_fields=["attendance_changed_at"])
        log_action(actor, "attendance.confirmation.attendance_changed", confirmation)


def keep_confirmation(*, confirmation: AttendanceConfirmation, actor: User, note: str = ""
                      ) -> AttendanceConfirmation:
    """The coordinator has looked at a flagged confirmation and keeps it valid: the flag
    clears, and the decision is audited."""
    require_coordinator(actor, "keep a confirmation")
    with transaction.atomic():
        confirmation = _locked_confirmation(confirmation)
        if confirmation.revoked_at:
            raise ValidationError("This confirmation is revoked: there is nothing to keep.")
        if confirmation.attendance_changed_at is None:
            raise ValidationError("Nothing has changed since this confirmation was issued "
                                  "(or it was already reviewed).")
        before = snapshot(confirmation)
        confirmation.attendance_changed_at = None
        confirmation.save(update_fields=["attendance_changed_at"])
        log_action(actor, "attendance.confirmation.kept", confirmation, before=before,
                   after=snapshot(confirmation), reason=note.strip())
        return confirmation


def reissue_confirmation(*, confirmation: AttendanceConfirmation, actor: User,
                         now: dt.datetime | None = None) -> AttendanceConfirmation:
    """Issue a new confirmation in place of a revoked one: a new document with a new code,
    stating the attendance as it is now. The old one stays revoked, and says it was replaced.
    Refused unless every day the level requires is attended."""
    now = now or timezone.now()
    require_coordinator(actor, "issue a new confirmation")
    with transaction.atomic():
        # The booking's lock: two coordinators issuing at once make one new confirmation, not
        # two (the second waits, then finds the first's).
        booking = (Booking.objects.select_for_update(of=("self",))
                   .select_related("participant", "run__level__programme__provider")
                   .get(pk=confirmation.booking_id))
        old = _locked_confirmation(confirmation)
        if old.revoked_at is None:
            raise ValidationError("This confirmation is still valid: revoke it first, with a reason.")
        if old.replacement is not None:
            raise ValidationError(f"A new confirmation was already issued in its place "
                                  f"({old.replacement.code}).")
        if AttendanceConfirmation.objects.filter(booking=booking, revoked_at__isnull=True).exists():
            raise ValidationError("This booking already has a valid confirmation.")
        if booking.status != BookingStatus.CONFIRMED:
            raise ValidationError("The booking is no longer confirmed, so no confirmation can be issued.")
        days = days_to_confirm([booking])[booking.pk]
        if days is None:
            attended = len(_attended_numbers(booking))
            raise ValidationError(
                f"{booking.participant.full_name} has attended {attended} of the "
                f"{booking.run.level.days_required} days the level requires: a new confirmation "
                f"needs every day.")
        try:
            with transaction.atomic():
                new = _new_confirmation(booking, days, now=now, replaces=old)
        except IntegrityError:  # where rows cannot be locked (SQLite), the constraints decide
            raise ValidationError("A new confirmation was issued meanwhile.") from None
        log_action(actor, "attendance.confirmation.reissued", new, after=snapshot(new),
                   reason=f"In place of {old.code}")
        events.emit(events.CONFIRMATION_ISSUED, {"confirmation_id": new.pk})
        _email_issued(new)
        return new


class MakeUpDaysOnACancelledRun:
    """A cancelled run's days can no longer serve as make-up days: each is released (the
    participant's missed day is open again for the coordinator to give another), audited, and
    its participant told. Registered with bookings' run cancellation."""

    def count_on(self, run: CourseRun) -> str | None:
        count = MakeUpDay.objects.filter(day__run=run, booking__status=BookingStatus.CONFIRMED).count()
        if not count:
            return None
        return ngettext(
            "%(count)d participant of another run has a make-up day on this run: it is released "
            "and they are emailed.",
            "%(count)d participants of other runs have make-up days on this run: they are "
            "released and the participants emailed.", count) % {"count": count}

    def cancel_on(self, *, run: CourseRun, reason: str, actor: User, now: dt.datetime) -> str | None:
        # Only a confirmed booking's make-up day is anyone's plan; one left behind by a booking
        # cancelled since goes quietly with the run.
        everything = MakeUpDay.objects.filter(day__run=run)
        make_ups = list(everything.filter(booking__status=BookingStatus.CONFIRMED)
                        .select_related("booking__participant", "booking__run__level", "day"))
        for make_up in make_ups:
            log_action(actor, "attendance.make_up_day.released", make_up,
                       before=snapshot(make_up), reason=f"Run cancelled: {reason}")
            send_email(to=[make_up.booking.participant.email],
                       template="attendance/email/make_up_day_cancelled.txt",
                       context={"participant": make_up.booking.participant, "day": make_up.day,
                                "run": run, "booking": make_up.booking, "reason": reason})
        everything.delete()
        if not make_ups:
            return None
        return ngettext("%(count)d make-up day on it was released and its participant emailed.",
                        "%(count)d make-up days on it were released and their participants "
                        "emailed.", len(make_ups)) % {"count": len(make_ups)}
