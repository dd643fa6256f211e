"""/attendance/days/<day>/mark/, .../mark-all-present/ and .../close/: marking a register."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.attendance.conftest import booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import day
from trainingdesk.attendance import services
from trainingdesk.attendance.models import AttendanceMark, ClosedRegister, MarkSource, MarkStatus
from trainingdesk.audit.models import AuditEntry
from trainingdesk.bookings.services import cancel_run

pytestmark = pytest.mark.usefixtures("after_the_last_day")
HTMX = {"HTTP_HX_REQUEST": "true"}


def mark_url(training_day) -> str:
    return reverse("attendance:mark", args=[training_day.pk])


def register_url(training_day) -> str:
    return reverse("attendance:register", args=[training_day.pk])


def test_a_mark_saved_with_htmx_returns_the_updated_row(client, foundation_run, option, trainer, participant):
    booking = booked(foundation_run, option, participant)
    first = day(foundation_run, 1)
    client.force_login(trainer)

    response = client.post(mark_url(first), {"booking": booking.pk, "status": "late", "minutes_missed": "20"},
                           **HTMX)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "attendance/_register_row.html"
    page = response.content.decode()
    assert f'id="row-{booking.pk}"' in page and "Saved:" in page and "20 minutes missed" in page
    mark = AttendanceMark.objects.get(day=first, booking=booking)
    assert (mark.status, mark.minutes_missed, mark.source, mark.recorded_by) == (
        "late", 20, MarkSource.REGISTER, trainer)
    assert AuditEntry.objects.filter(action="attendance.mark.recorded").count() == 1


def test_without_javascript_a_mark_redirects_back_to_the_row(client, foundation_run, option, trainer,
                                                            participant):
    booking = booked(foundation_run, option, participant)
    first = day(foundation_run, 1)
    client.force_login(trainer)

    response = client.post(mark_url(first), {"booking": booking.pk, "status": "present"}, follow=True)

    assert response.redirect_chain == [(register_url(first) + f"#row-{booking.pk}", 302)]
    assert "Pat Participant: Present." in response.content.decode()
    assert AttendanceMark.objects.get(day=first, booking=booking).status == MarkStatus.PRESENT


def test_changing_a_mark_is_audited_with_before_and_after(client, foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    first = day(foundation_run, 1)
    client.force_login(trainer)
    client.post(mark_url(first), {"booking": booking.pk, "status": "present"}, **HTMX)
    client.post(mark_url(first), {"booking": booking.pk, "status": "left_early", "minutes_missed": "45"},
                **HTMX)

    entry = AuditEntry.objects.get(action="attendance.mark.changed")
    assert entry.before["status"] == "present" and entry.after["status"] == "left_early"
    assert AttendanceMark.objects.get(booking=booking).minutes_missed == 45


def test_late_without_minutes_is_refused_at_the_field(client, foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    first = day(foundation_run, 1)
    client.force_login(trainer)

    response = client.post(mark_url(first), {"booking": booking.pk, "status": "late"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter how many minutes they missed." in page
    assert f'href="#b{booking.pk}-minutes_missed"' in page
    assert not AttendanceMark.objects.exists()


def test_more_minutes_than_the_day_teaches_are_refused(client, foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    client.force_login(trainer)
    response = client.post(mark_url(day(foundation_run, 1)),
                           {"booking": booking.pk, "status": "late", "minutes_missed": "400"}, **HTMX)
    assert "Minutes missed must be between 0 and 360." in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_minutes_are_dropped_for_present_and_absent(client, foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    client.force_login(trainer)
    client.post(mark_url(day(foundation_run, 1)),
                {"booking": booking.pk, "status": "absent", "minutes_missed": "30"}, **HTMX)
    assert AttendanceMark.objects.get().minutes_missed == 0


def test_marking_someone_not_booked_says_so_and_saves_nothing(client, foundation_run, option, later_run,
                                                              trainer):
    elsewhere = booked(later_run, later_run.options.get())
    first = day(foundation_run, 1)
    client.force_login(trainer)

    response = client.post(mark_url(first), {"booking": elsewhere.pk, "status": "present"}, follow=True)

    assert "That person is not booked on this run, so cannot be marked." in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_with_htmx_a_refusal_without_a_row_reloads_the_page_with_the_message(client, foundation_run,
                                                                           trainer):
    client.force_login(trainer)
    response = client.post(mark_url(day(foundation_run, 1)), {"booking": "12345", "status": "present"},
                           **HTMX)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    page = client.get(register_url(day(foundation_run, 1))).content.decode()
    assert "That person is not booked on this run" in page


def test_marking_a_day_not_yet_happened_says_so_and_saves_nothing(client, foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    last = day(foundation_run, 4)
    client.force_login(trainer)

    with time_machine.travel(dt.datetime(2022, 9, 14, 12, tzinfo=dt.UTC), tick=False):
        response = client.post(mark_url(last), {"booking": booking.pk, "status": "present"})

    assert response.status_code == 400
    assert "Day 4 has not happened yet: it can be marked from 15 September 2022." in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_marking_a_cancelled_run_says_so_and_saves_nothing(client, foundation_run, option, trainer,
                                                           coordinator):
    booking = booked(foundation_run, option)
    cancel_run(run=foundation_run, actor=coordinator, reason="Trainer ill")
    client.force_login(coordinator)

    response = client.post(mark_url(day(foundation_run, 1)), {"booking": booking.pk, "status": "present"},
                           follow=True)

    assert "cannot be marked" in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_mark_all_present_marks_only_those_not_marked(client, foundation_run, option, trainer):
    absent, *others = [booked(foundation_run, option) for _ in range(3)]
    first = day(foundation_run, 1)
    services.record_marks(day=first, marks=[services.MarkInput(absent.pk, MarkStatus.ABSENT)], actor=trainer)
    client.force_login(trainer)

    response = client.post(reverse("attendance:mark_all_present", args=[first.pk]), follow=True)

    assert "2 people marked present." in response.content.decode()
    marks = dict(AttendanceMark.objects.filter(day=first).values_list("booking_id", "status"))
    assert marks == {absent.pk: "absent", others[0].pk: "present", others[1].pk: "present"}


def test_closing_the_register_makes_it_read_only_for_trainers(client, foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    first = day(foundation_run, 1)
    client.force_login(trainer)

    response = client.post(reverse("attendance:close_register", args=[first.pk]), follow=True)

    assert "The register is closed." in response.content.decode()
    assert ClosedRegister.objects.get(day=first).closed_by == trainer
    response = client.post(mark_url(first), {"booking": booking.pk, "status": "present"}, follow=True)
    assert "only the coordinator can change it" in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_closing_twice_says_it_is_already_closed(client, foundation_run, trainer):
    first = day(foundation_run, 1)
    client.force_login(trainer)
    client.post(reverse("attendance:close_register", args=[first.pk]))
    response = client.post(reverse("attendance:close_register", args=[first.pk]), follow=True)
    assert "This register is already closed." in response.content.decode()
    assert ClosedRegister.objects.count() == 1


def test_the_coordinator_changes_a_closed_register_only_with_a_reason(client, foundation_run, option, trainer,
                                                                      coordinator):
    booking = booked(foundation_run, option)
    first = day(foundation_run, 1)
    services.record_marks(day=first, marks=[services.MarkInput(booking.pk, MarkStatus.ABSENT)], actor=trainer)
    services.close_register(day=first, actor=trainer)
    client.force_login(coordinator)

    refused = client.post(mark_url(first), {"booking": booking.pk, "status": "present", "reason": " "},
                          **HTMX)
    assert "Say why a closed register is being changed." in refused.content.decode()
    assert AttendanceMark.objects.get().status == MarkStatus.ABSENT

    client.post(mark_url(first), {"booking": booking.pk, "status": "present",
                                  "reason": "Joined by phone; the trainer confirmed"}, **HTMX)
    assert AttendanceMark.objects.get().status == MarkStatus.PRESENT
    entry = AuditEntry.objects.get(action="attendance.mark.changed")
    assert entry.reason == "Joined by phone; the trainer confirmed" and entry.actor == coordinator


def test_marking_needs_a_post(client, foundation_run, trainer):
    client.force_login(trainer)
    assert client.get(mark_url(day(foundation_run, 1))).status_code == 405


def test_a_refused_mark_comes_back_with_the_message_beside_the_field_and_what_was_sent(
        client, foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    client.force_login(trainer)

    response = client.post(mark_url(day(foundation_run, 1)),
                           {"booking": booking.pk, "status": "late", "minutes_missed": "9999"}, **HTMX)

    page = response.content.decode()
    b = booking.pk
    assert f'<p class="field__error" id="b{b}-minutes_missed_error">' in page
    assert "Ensure this value is less than or equal to 600." in page
    assert "Enter how many minutes they missed." not in page  # they did: one message is enough
    assert f'aria-describedby="minutes-hint b{b}-minutes_missed_error" aria-invalid="true"' in page
    assert 'value="9999"' in page and f'value="late" id="b{b}-status_1" required checked' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_mark_without_a_status_marks_the_group_as_in_error(client, foundation_run, option, trainer):
    booking = booked(foundation_run, option)
    client.force_login(trainer)

    response = client.post(mark_url(day(foundation_run, 1)), {"booking": booking.pk}, **HTMX)

    page = response.content.decode()
    assert f'aria-describedby="b{booking.pk}-status_error"' in page
    assert f'id="b{booking.pk}-status_error"' in page
    assert "Choose present, late, left early or absent." in page
    assert page.count('aria-invalid="true"') == 4
