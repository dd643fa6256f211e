"""attendance.services: what a register refuses, says why, and never saves half of."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.attendance.conftest import AFTER_THE_LAST_DAY, booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import day
from trainingdesk.attendance import services
from trainingdesk.attendance.models import AttendanceConfirmation, AttendanceMark, MarkSource, MarkStatus
from trainingdesk.attendance.services import MarkInput, record_marks
from trainingdesk.audit.models import AuditEntry
from trainingdesk.bookings.services import cancel_booking, cancel_run

NOW = AFTER_THE_LAST_DAY


def test_marking_someone_not_booked_is_refused_and_nothing_of_the_batch_is_saved(
        foundation_run, option, later_run, trainer):
    on_register = booked(foundation_run, option)
    elsewhere = booked(later_run, later_run.options.get())

    with pytest.raises(ValidationError, match="not booked on this run"):
        record_marks(day=day(foundation_run, 1), actor=trainer, now=NOW,
                     marks=[MarkInput(on_register.pk, MarkStatus.PRESENT),
                            MarkInput(elsewhere.pk, MarkStatus.PRESENT)])

    assert not AttendanceMark.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="attendance.").exists()


def test_a_cancelled_booking_is_off_the_register(foundation_run, option, trainer, coordinator):
    booking = booked(foundation_run, option)
    cancel_booking(booking=booking, actor=coordinator, reason="Changed jobs")
    with pytest.raises(ValidationError, match="not booked on this run"):
        record_marks(day=day(foundation_run, 1), actor=trainer, now=NOW,
                     marks=[MarkInput(booking.pk, MarkStatus.PRESENT)])
    assert services.register_bookings(day(foundation_run, 1)) == []


def test_a_day_not_yet_happened_cannot_be_marked(foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    with pytest.raises(ValidationError, match="Day 4 has not happened yet"):
        record_marks(day=day(foundation_run, 4), actor=trainer,
                     now=dt.datetime(2022, 9, 14, 22, tzinfo=dt.UTC),
                     marks=[MarkInput(booking.pk, MarkStatus.PRESENT)])
    assert not AttendanceMark.objects.exists()


def test_a_day_can_be_marked_from_its_morning_in_the_course_zone(foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    # 23:30 UTC on 14 September is 00:30 on the 15th in London (BST).
    record_marks(day=day(foundation_run, 4), actor=trainer,
                 now=dt.datetime(2022, 9, 14, 23, 30, tzinfo=dt.UTC),
                 marks=[MarkInput(booking.pk, MarkStatus.PRESENT)])
    assert AttendanceMark.objects.count() == 1


def test_a_cancelled_run_cannot_be_marked(foundation_run, option, trainer, coordinator):
    booking = booked(foundation_run, option)
    cancel_run(run=foundation_run, actor=coordinator, reason="Trainer ill")
    with pytest.raises(ValidationError, match="This run is cancelled"):
        record_marks(day=day(foundation_run, 1), actor=coordinator, now=NOW,
                     marks=[MarkInput(booking.pk, MarkStatus.PRESENT)])
    assert not AttendanceMark.objects.exists()


def test_only_the_runs_trainers_and_the_coordinator_keep_its_register(foundation_run, option, other_trainer,
                                                                      participant):
    booking = booked(foundation_run, option, participant)
    for person in (other_trainer, participant):
        with pytest.raises(PermissionDenied):
            record_marks(day=day(foundation_run, 1), actor=person, now=NOW,
                         marks=[MarkInput(booking.pk, MarkStatus.PRESENT)])
        with pytest.raises(PermissionDenied):
            services.close_register(day=day(foundation_run, 1), actor=person, now=NOW)
    assert not AttendanceMark.objects.exists()


def test_an_unknown_status_is_refused(foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    with pytest.raises(ValidationError, match="Choose present, late, left early or absent"):
        record_marks(day=day(foundation_run, 1), actor=trainer, now=NOW,
                     marks=[MarkInput(booking.pk, "asleep")])


def test_a_closed_register_changes_only_by_the_coordinator_with_a_reason_which_is_audited(
        foundation_run, option, trainer, coordinator):
    booking = booked(foundation_run, option)
    first = day(foundation_run, 1)
    record_marks(day=first, actor=trainer, now=NOW, marks=[MarkInput(booking.pk, MarkStatus.ABSENT)])
    services.close_register(day=first, actor=trainer, now=NOW)

    with pytest.raises(PermissionDenied, match="only the coordinator"):
        record_marks(day=first, actor=trainer, now=NOW, reason="Oops",
                     marks=[MarkInput(booking.pk, "present")])
    with pytest.raises(ValidationError) as refused:
        record_marks(day=first, actor=coordinator, now=NOW, reason="  ",
                     marks=[MarkInput(booking.pk, "present")])
    assert refused.value.message_dict == {"reason": ["Say why a closed register is being changed."]}
    assert AttendanceMark.objects.get().status == MarkStatus.ABSENT

    record_marks(day=first, actor=coordinator, now=NOW, reason="Was in the breakout room",
                 marks=[MarkInput(booking.pk, MarkStatus.PRESENT)], source=MarkSource.ZOOM)

    mark = AttendanceMark.objects.get()
    assert (mark.status, mark.source, mark.recorded_by) == ("present", "zoom", coordinator)
    entry = AuditEntry.objects.get(action="attendance.mark.changed")
    assert entry.reason == "Was in the breakout room" and entry.before["status"] == "absent"


def test_closing_is_audited_and_happens_once(foundation_run, trainer):
    first = day(foundation_run, 1)
    services.close_register(day=first, actor=trainer, now=NOW)
    with pytest.raises(ValidationError, match="already closed"):
        services.close_register(day=first, actor=trainer, now=NOW)
    assert AuditEntry.objects.filter(action="attendance.register.closed").count() == 1


def test_marking_the_same_again_writes_nothing(foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    for _ in range(2):
        record_marks(day=day(foundation_run, 1), actor=trainer, now=NOW,
                     marks=[MarkInput(booking.pk, "present")])
    assert AuditEntry.objects.filter(action__startswith="attendance.mark").count() == 1


def test_issuing_twice_never_makes_two_confirmations(foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    for number in (1, 2, 3, 4):
        record_marks(day=day(foundation_run, number), actor=trainer, now=NOW,
                     marks=[MarkInput(booking.pk, MarkStatus.PRESENT)])
    assert AttendanceConfirmation.objects.filter(booking=booking).count() == 1

    assert services.issue_confirmations(bookings=[booking], now=NOW) == []
    record_marks(day=day(foundation_run, 2), actor=trainer, now=NOW,
                 marks=[MarkInput(booking.pk, MarkStatus.LATE, 10)])  # a change re-checks: still one
    assert AttendanceConfirmation.objects.filter(booking=booking).count() == 1
    assert AuditEntry.objects.filter(action="attendance.confirmation.issued").count() == 1


def test_late_within_the_levels_share_counts_and_beyond_it_does_not(foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    for number, minutes in ((1, 72), (2, 72), (3, 72)):  # 80% of 360 minutes attended
        record_marks(day=day(foundation_run, number), actor=trainer, now=NOW,
                     marks=[MarkInput(booking.pk, MarkStatus.LATE, minutes)])
    record_marks(day=day(foundation_run, 4), actor=trainer, now=NOW,
                 marks=[MarkInput(booking.pk, MarkStatus.LEFT_EARLY, 73)])
    assert services.attended_days([booking])[booking.pk].keys() == {1, 2, 3}
    assert not AttendanceConfirmation.objects.exists()


def test_a_mark_saved_while_mark_all_present_waits_for_the_lock_is_kept(foundation_run, option, trainer,
                                                                          monkeypatch):
    # A trainer marks Sam absent (with htmx) just as the coordinator presses "mark all present":
    # Sam's mark commits while mark_all_present waits for the day's lock. Simulated here by
    # saving it from the check that runs once the lock is held.
    sam, *others = [booked(foundation_run, option) for _ in range(3)]
    first = day(foundation_run, 1)
    check = services._check_register_open
    interleaved = []

    def check_then_another_request_marks_sam(*args, **kwargs):
        if not interleaved:
            interleaved.append(True)
            record_marks(day=first, actor=trainer, now=NOW, marks=[MarkInput(sam.pk, MarkStatus.ABSENT)])
        return check(*args, **kwargs)

    monkeypatch.setattr(services, "_check_register_open", check_then_another_request_marks_sam)

    count = services.mark_all_present(day=first, actor=trainer, now=NOW)

    assert interleaved and count == 2
    marks = dict(AttendanceMark.objects.filter(day=first).values_list("booking_id", "status"))
    assert marks == {sam.pk: "absent", others[0].pk: "present", others[1].pk: "present"}
    assert AuditEntry.objects.filter(action="attendance.mark.changed").count() == 0


def test_the_register_pages_and_the_services_agree_when_a_day_has_begun():
    from trainingdesk.attendance import selectors

    assert selectors.day_has_happened is services.day_has_happened


def test_a_day_has_begun_from_midnight_in_the_runs_zone(foundation_run):
    last = day(foundation_run, 4)  # 15 September 2022, London (BST)
    assert not services.day_has_happened(last, dt.datetime(2022, 9, 14, 22, 59, tzinfo=dt.UTC))
    assert services.day_has_happened(last, dt.datetime(2022, 9, 14, 23, 0, tzinfo=dt.UTC))


def _selects_from(queries, table: str) -> int:
    return sum(1 for q in queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"])


def test_issuing_confirmations_reads_the_bookings_marks_once(foundation_run, option, trainer):
    bookings = [booked(foundation_run, option) for _ in range(2)]
    for number in (1, 2, 3, 4):
        record_marks(day=day(foundation_run, number), actor=trainer, now=NOW,
                     marks=[MarkInput(b.pk, MarkStatus.PRESENT) for b in bookings])
    AttendanceConfirmation.objects.all().delete()  # as if the last mark had not yet been checked

    with CaptureQueriesContext(connection) as queries:
        issued = services.issue_confirmations(bookings=bookings, now=NOW, notify=False)

    assert len(issued) == 2
    assert _selects_from(queries, "attendance_attendancemark") == 1
    assert [d["date"] for d in issued[0].days] == ["2022-06-21", "2022-06-22", "2022-06-23", "2022-09-15"]
    assert issued[0].hours_attended == 24


def test_closing_reads_whether_the_register_is_closed_once(foundation_run, trainer):
    with CaptureQueriesContext(connection) as queries:
        services.close_register(day=day(foundation_run, 1), actor=trainer, now=NOW)
    assert _selects_from(queries, "attendance_closedregister") == 1


def test_closing_a_cancelled_runs_register_or_a_day_to_come_is_refused(foundation_run, trainer, coordinator):
    with pytest.raises(ValidationError, match="Day 4 has not happened yet"):
        services.close_register(day=day(foundation_run, 4), actor=trainer,
                                now=dt.datetime(2022, 9, 14, 12, tzinfo=dt.UTC))
    cancel_run(run=foundation_run, actor=coordinator, reason="Trainer ill")
    with pytest.raises(ValidationError, match="This run is cancelled"):
        services.close_register(day=day(foundation_run, 1), actor=coordinator, now=NOW)
    assert not AuditEntry.objects.filter(action="attendance.register.closed").exists()
