from __future__ import annotations

import pytest

from tests.attendance.conftest import (  # noqa: F401 - fixtures shared with attendance tests
    AFTER_THE_LAST_DAY,
    booked,
    foundation_run,
    option,
)
from trainingdesk.attendance.models import AttendanceConfirmation, MarkStatus
from trainingdesk.attendance.services import MarkInput, record_marks


@pytest.fixture
def confirmation(foundation_run, option, trainer, participant) -> AttendanceConfirmation:  # noqa: F811
    booking = booked(foundation_run, option, participant)
    for day in foundation_run.days.order_by("number"):
        record_marks(day=day, marks=[MarkInput(booking.pk, MarkStatus.PRESENT)], actor=trainer,
                     now=AFTER_THE_LAST_DAY)
    return AttendanceConfirmation.objects.get(booking=booking)
