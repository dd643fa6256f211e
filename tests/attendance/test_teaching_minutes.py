"""A day's teaching minutes are catalogue.rules.teaching_minutes wherever attendance counts them:
the day itself, a Zoom report, the register's minutes missed and a confirmation's hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.attendance.conftest import booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import day
from trainingdesk.attendance import rules, services
from trainingdesk.attendance.models import AttendanceConfirmation, MarkStatus
from trainingdesk.attendance.services import MarkInput
from trainingdesk.catalogue import rules as catalogue_rules
from trainingdesk.catalogue.models import TrainingDay

pytestmark = pytest.mark.usefixtures("after_the_last_day")

DAYS = [  # (start, finish, breaks)
    (dt.time(9, 30), dt.time(16, 30), 60),  # the brochure's day: 360 minutes
    (dt.time(9, 30), dt.time(16, 30), 0),
    (dt.time(9, 30), dt.time(16, 30), 45),
    (dt.time(10), dt.time(12, 15), 15),
    (dt.time(9, 30), dt.time(10, 30), 60),  # breaks that fill the day: nothing
]


@pytest.mark.parametrize(("start", "finish", "breaks"), DAYS)
def test_someone_connected_all_day_on_zoom_attends_the_days_teaching_minutes(
        foundation_run, start, finish, breaks):
    first = day(foundation_run, 1)
    first.start_time, first.finish_time, first.break_minutes = start, finish, breaks
    whole_day = rules.ZoomSession(first.starts_at, first.finishes_at, 0)

    verdict = rules.zoom_verdict([whole_day], starts_at=first.starts_at, finishes_at=first.finishes_at,
                                 break_minutes=breaks, teaching_minutes=first.teaching_minutes,
                                 minimum_percent=80)

    assert first.teaching_minutes == catalogue_rules.teaching_minutes(start, finish, breaks)
    assert verdict.minutes_attended == first.teaching_minutes
    assert verdict.minutes_missed == 0


def test_the_register_takes_up_to_the_days_teaching_minutes_as_missed_and_no_more(
        foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    first = day(foundation_run, 1)
    TrainingDay.objects.filter(pk=first.pk).update(break_minutes=45)
    first.refresh_from_db()
    assert first.teaching_minutes == 375

    with pytest.raises(ValidationError, match="between 0 and 375"):
        services.record_marks(day=first, actor=trainer,
                              marks=[MarkInput(booking.pk, MarkStatus.LATE, 376)])
    [mark] = services.record_marks(day=first, actor=trainer,
                                   marks=[MarkInput(booking.pk, MarkStatus.LATE, 375)])
    assert mark.minutes_missed == 375


def test_a_confirmation_states_each_days_teaching_minutes_as_hours(foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    TrainingDay.objects.filter(run=foundation_run, number=2).update(break_minutes=45)
    for number in (1, 2, 3, 4):
        services.record_marks(day=day(foundation_run, number), actor=trainer,
                              marks=[MarkInput(booking.pk, MarkStatus.PRESENT)])

    confirmation = AttendanceConfirmation.objects.get(booking=booking)

    assert [d["hours"] for d in confirmation.days] == ["6.00", "6.25", "6.00", "6.00"]
