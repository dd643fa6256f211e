from __future__ import annotations

import pytest
from django.urls import reverse

from tests.attendance.conftest import AFTER_THE_LAST_DAY, booked
from trainingdesk.attendance.models import AttendanceConfirmation, MarkStatus
from trainingdesk.attendance.services import MarkInput, record_marks

URL = reverse("attendance:mine")


def _mark(booking, trainer, statuses):
    for day, status in zip(booking.run.days.order_by("number"), statuses, strict=False):
        record_marks(day=day, marks=[MarkInput(booking.pk, status, 60 if status == "late" else 0)],
                     actor=trainer, now=AFTER_THE_LAST_DAY)


def test_a_participant_sees_each_day_and_how_many_count(client, foundation_run, option, trainer,
                                                        participant):
    booking = booked(foundation_run, option, participant)
    _mark(booking, trainer, [MarkStatus.PRESENT, MarkStatus.LATE, MarkStatus.ABSENT])
    client.force_login(participant)
    page = client.get(URL).content.decode()
    assert "2 of the 4 days attended so far." in page
    assert "Late (60 minutes missed)" in page
    assert "Absent" in page and "does not count" in page
    assert "Not recorded yet" in page


def test_once_every_day_is_attended_the_confirmation_can_be_downloaded(
    client, foundation_run, option, trainer, participant
):
    booking = booked(foundation_run, option, participant)
    _mark(booking, trainer, [MarkStatus.PRESENT] * 4)
    client.force_login(participant)
    page = client.get(URL).content.decode()
    code = AttendanceConfirmation.objects.get(booking=booking).code
    assert reverse("certificates:confirmation_pdf", args=[code]) in page
    assert reverse("certificates:verify", args=[code]) in page


def test_a_participant_sees_only_their_own_attendance(client, foundation_run, option, trainer,
                                                      participant, outsider):
    _mark(booked(foundation_run, option, participant), trainer, [MarkStatus.PRESENT] * 4)
    client.force_login(outsider)
    page = client.get(URL).content.decode()
    assert "You have no confirmed bookings yet." in page
    assert "Pat Participant" not in page


def test_anonymous_visitors_are_asked_to_sign_in(client, db):
    assert "sign-in" in client.get(URL)["Location"]


@pytest.mark.parametrize("bookings", [1, 5])
def test_the_page_makes_the_same_queries_however_many_bookings(
    client, foundation_run, option, participant, django_assert_max_num_queries, bookings
):
    from tests.factories import CourseRunFactory, PriceOptionFactory

    booked(foundation_run, option, participant)
    for _ in range(bookings - 1):
        run = CourseRunFactory(level=foundation_run.level, days=[d.date for d in foundation_run.days.all()])
        booked(run, PriceOptionFactory(run=run), participant)
    client.force_login(participant)
    with django_assert_max_num_queries(12):
        client.get(URL)
