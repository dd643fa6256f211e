"""A confirmation whose attendance changed after it was issued is flagged on the run report and
the register, until the coordinator keeps it (clearing the flag) or revokes it; both audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.attendance.conftest import booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import day
from trainingdesk.attendance import services
from trainingdesk.attendance.models import AttendanceConfirmation, MarkStatus
from trainingdesk.attendance.services import MarkInput
from trainingdesk.audit.models import AuditEntry

pytestmark = pytest.mark.usefixtures("after_the_last_day")

FLAG = "Attendance changed since this was issued"


def mark(run, number, booking, status, actor, minutes=0):
    services.record_marks(day=day(run, number), marks=[MarkInput(booking.pk, status, minutes)],
                          actor=actor)


@pytest.fixture
def confirmation(foundation_run, option, participant, trainer) -> AttendanceConfirmation:
    booking = booked(foundation_run, option, participant)
    for number in (1, 2, 3, 4):
        mark(foundation_run, number, booking, MarkStatus.PRESENT, trainer)
    return AttendanceConfirmation.objects.get(booking=booking)


def test_a_confirmation_is_not_flagged_by_the_marks_that_complete_it(confirmation):
    assert confirmation.attendance_changed_at is None and not confirmation.needs_review


def test_saving_the_same_mark_again_flags_nothing(confirmation, foundation_run, trainer):
    mark(foundation_run, 2, confirmation.booking, MarkStatus.PRESENT, trainer)
    confirmation.refresh_from_db()
    assert not confirmation.needs_review


def test_changing_a_mark_behind_a_valid_confirmation_flags_it_on_the_report(
        client, coordinator, confirmation, foundation_run, trainer):
    mark(foundation_run, 2, confirmation.booking, MarkStatus.ABSENT, trainer)

    confirmation.refresh_from_db()
    assert confirmation.needs_review and confirmation.is_valid
    entry = AuditEntry.objects.get(action="attendance.confirmation.attendance_changed")
    assert entry.actor == trainer and entry.object_id == str(confirmation.pk)
    client.force_login(coordinator)
    page = client.get(reverse("attendance:run_report", args=[foundation_run.pk])).content.decode()
    assert FLAG in page
    assert reverse("attendance:confirmation", args=[confirmation.code]) in page


def test_the_flag_shows_on_the_register_for_the_trainer_and_the_coordinator(
        client, coordinator, confirmation, foundation_run, trainer):
    mark(foundation_run, 3, confirmation.booking, MarkStatus.LATE, trainer, minutes=30)

    for who in (trainer, coordinator):
        client.force_login(who)
        page = client.get(reverse("attendance:register", args=[day(foundation_run, 1).pk])).content.decode()
        assert "Attendance changed since these confirmations were issued" in page
        assert confirmation.code in page
        review = reverse("attendance:confirmation", args=[confirmation.code])
        assert (review in page) == (who == coordinator)


def test_the_coordinators_page_compares_what_it_states_with_the_attendance_now(
        client, coordinator, confirmation, foundation_run, trainer):
    mark(foundation_run, 2, confirmation.booking, MarkStatus.ABSENT, trainer)
    client.force_login(coordinator)

    response = client.get(reverse("attendance:confirmation", args=[confirmation.code]))

    page = response.content.decode()
    assert FLAG + "." in page and "Keep it valid" in page and "Revoke it" in page
    changed = [d.number for d in response.context["record"].days if d.differs]
    assert changed == [2]
    assert response.context["record"].hours_now == 18


def test_keeping_it_clears_the_flag_and_is_audited(client, coordinator, confirmation, foundation_run,
                                                   trainer):
    mark(foundation_run, 3, confirmation.booking, MarkStatus.LATE, trainer, minutes=30)
    client.force_login(coordinator)

    response = client.post(reverse("attendance:keep_confirmation", args=[confirmation.code]),
                           {"note": "Day 3 still counts"})

    assert response.status_code == 302
    confirmation.refresh_from_db()
    assert confirmation.is_valid and not confirmation.needs_review
    entry = AuditEntry.objects.get(action="attendance.confirmation.kept")
    assert entry.actor == coordinator and entry.reason == "Day 3 still counts"
    page = client.get(reverse("attendance:run_report", args=[foundation_run.pk])).content.decode()
    assert FLAG not in page


def test_a_later_change_flags_a_kept_confirmation_again(coordinator, confirmation, foundation_run, trainer):
    mark(foundation_run, 3, confirmation.booking, MarkStatus.LATE, trainer, minutes=30)
    services.keep_confirmation(confirmation=confirmation, actor=coordinator)
    mark(foundation_run, 3, confirmation.booking, MarkStatus.ABSENT, trainer)
    confirmation.refresh_from_db()
    assert confirmation.needs_review


def test_revoking_it_clears_the_flag(client, coordinator, confirmation, foundation_run, trainer):
    mark(foundation_run, 2, confirmation.booking, MarkStatus.ABSENT, trainer)
    client.force_login(coordinator)

    client.post(reverse("certificates:revoke", args=[confirmation.code]), {"reason": "Missed day 2"})

    confirmation.refresh_from_db()
    assert confirmation.revoked_at is not None and confirmation.attendance_changed_at is None
    assert AuditEntry.objects.filter(action="attendance.confirmation.revoked").count() == 1
    page = client.get(reverse("attendance:run_report", args=[foundation_run.pk])).content.decode()
    assert FLAG not in page and "Revoked" in page


def test_keeping_what_was_not_flagged_is_refused_and_changes_nothing(client, coordinator, confirmation):
    client.force_login(coordinator)
    response = client.post(reverse("attendance:keep_confirmation", args=[confirmation.code]), {"note": ""})
    assert response.status_code == 200
    assert "Nothing has changed since this confirmation was issued" in response.content.decode()
    assert not AuditEntry.objects.filter(action="attendance.confirmation.kept").exists()


def test_a_note_too_long_is_refused_at_its_field(client, coordinator, confirmation, foundation_run, trainer):
    mark(foundation_run, 2, confirmation.booking, MarkStatus.ABSENT, trainer)
    client.force_login(coordinator)
    response = client.post(reverse("attendance:keep_confirmation", args=[confirmation.code]),
                           {"note": "x" * 501})
    assert response.status_code == 200 and 'id="id_note_error"' in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.needs_review


def test_keeping_a_revoked_confirmation_is_refused(coordinator, confirmation):
    services.revoke_confirmation(confirmation=confirmation, reason="Error", actor=coordinator)
    with pytest.raises(ValidationError, match="revoked"):
        services.keep_confirmation(confirmation=confirmation, actor=coordinator)


def test_the_flag_costs_the_register_one_query_whatever_its_size(
        client, coordinator, confirmation, foundation_run, option, trainer, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mark(foundation_run, 2, confirmation.booking, MarkStatus.ABSENT, trainer)
    url = reverse("attendance:register", args=[day(foundation_run, 1).pk])
    client.force_login(coordinator)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    others = [booked(foundation_run, option) for _ in range(5)]
    for number in (1, 2, 3, 4):
        services.record_marks(day=day(foundation_run, number), actor=trainer,
                              marks=[MarkInput(b.pk, MarkStatus.PRESENT) for b in others])
    services.record_marks(day=day(foundation_run, 4), actor=trainer,
                          marks=[MarkInput(b.pk, MarkStatus.LATE, 20) for b in others])
    assert AttendanceConfirmation.objects.filter(attendance_changed_at__isnull=False).count() == 6
    with django_assert_num_queries(len(one)):
        page = client.get(url).content.decode()
    assert page.count("keep or revoke it") == 6
