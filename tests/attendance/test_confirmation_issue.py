from __future__ import annotations

from django.core import mail

from tests.attendance.conftest import AFTER_THE_LAST_DAY, booked
from trainingdesk.attendance.models import AttendanceConfirmation, MarkStatus
from trainingdesk.attendance.services import MarkInput, record_marks


def test_attending_all_four_days_issues_one_confirmation(foundation_run, option, trainer,
                                                         django_capture_on_commit_callbacks):
    booking = booked(foundation_run, option)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for day in foundation_run.days.order_by("number"):
            record_marks(day=day, marks=[MarkInput(booking.pk, MarkStatus.PRESENT)], actor=trainer,
                         now=AFTER_THE_LAST_DAY)
    confirmation = AttendanceConfirmation.objects.get(booking=booking)
    assert confirmation.hours_attended == 24
    assert [d["date"] for d in confirmation.days] == ["2022-06-21", "2022-06-22", "2022-06-23",
                                                      "2022-09-15"]
    assert len(confirmation.code.replace("-", "")) == 20
    assert mail.outbox[-1].attachments[0][0].startswith("attendance-confirmation-")
