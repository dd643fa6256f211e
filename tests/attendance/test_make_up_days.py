"""/attendance/bookings/<reference>/make-up/: a missed day made up on a later run of the level."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.attendance.conftest import booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import AFTER_THE_LATER_RUN, day
from tests.factories import CourseRunFactory, LevelFactory
from trainingdesk.attendance import services
from trainingdesk.attendance.models import AttendanceConfirmation, MakeUpDay, MarkStatus
from trainingdesk.audit.models import AuditEntry
from trainingdesk.catalogue.models import RunStatus

pytestmark = pytest.mark.usefixtures("after_the_last_day")


def url(booking) -> str:
    return reverse("attendance:assign_make_up", args=[booking.reference])


def mark_days(run, booking, trainer, statuses: dict[int, str]) -> None:
    for number, status in statuses.items():
        services.record_marks(day=day(run, number), marks=[services.MarkInput(booking.pk, status)],
                              actor=trainer)


@pytest.fixture
def missed_day_3(foundation_run, option, trainer, participant):
    booking = booked(foundation_run, option, participant)
    mark_days(foundation_run, booking, trainer, {1: "present", 2: "present", 3: "absent", 4: "present"})
    return booking


def test_the_form_offers_days_of_later_runs_of_the_level(client, coordinator, missed_day_3, later_run):
    other_level = CourseRunFactory(level=LevelFactory(name="Advanced"), days=[dt.date(2023, 2, 1)])
    draft = CourseRunFactory(level=later_run.level, status=RunStatus.DRAFT, days=[dt.date(2023, 2, 2)])
    client.force_login(coordinator)

    response = client.get(url(missed_day_3))

    offered = list(response.context["form"].fields["day"].queryset)
    assert offered == list(later_run.days.order_by("date"))
    assert not set(offered) & (set(other_level.days.all()) | set(draft.days.all()))
    page = response.content.decode()
    assert "Day 3" in page and "Day 3, Thursday 12 January 2023: Winter 2023" in page


def test_a_missed_day_made_up_on_a_later_run_completes_the_confirmation_across_runs(
        client, coordinator, other_trainer, missed_day_3, later_run):
    assert not AttendanceConfirmation.objects.exists()
    client.force_login(coordinator)

    response = client.post(url(missed_day_3), {"day": day(later_run, 3).pk}, follow=True)

    assert "Pat Participant will make up Day 3 on Winter 2023." in response.content.decode()
    make_up = MakeUpDay.objects.get(booking=missed_day_3)
    assert make_up.day == day(later_run, 3) and make_up.assigned_by == coordinator
    assert AuditEntry.objects.filter(action="attendance.make_up_day.assigned").count() == 1

    with time_machine.travel(dt.datetime(2023, 1, 12, 17, tzinfo=dt.UTC), tick=False):
        client.force_login(other_trainer)  # the later run's trainer keeps its register
        register = client.get(reverse("attendance:register", args=[day(later_run, 3).pk]))
        assert "make-up from Summer 2022" in register.content.decode()
        client.post(reverse("attendance:mark", args=[day(later_run, 3).pk]),
                    {"booking": missed_day_3.pk, "status": "present"})

    confirmation = AttendanceConfirmation.objects.get(booking=missed_day_3)
    assert [(d["number"], d["date"], d["run"]) for d in confirmation.days] == [
        ("1", "2022-06-21", "Summer 2022"), ("2", "2022-06-22", "Summer 2022"),
        ("3", "2023-01-12", "Winter 2023"), ("4", "2022-09-15", "Summer 2022")]
    assert confirmation.first_date == dt.date(2022, 6, 21) and confirmation.last_date == dt.date(2023, 1, 12)


def test_a_set_of_days_taking_longer_than_the_level_allows_is_not_confirmed(
        coordinator, other_trainer, missed_day_3, later_run):
    level = later_run.level
    level.attendance_completion_months = 6  # 21 June 2022 to 12 January 2023 is longer
    level.save()
    services.assign_make_up_day(booking=missed_day_3, day=day(later_run, 3), actor=coordinator)

    present = services.MarkInput(missed_day_3.pk, MarkStatus.PRESENT)
    services.record_marks(day=day(later_run, 3), marks=[present], actor=other_trainer,
                          now=AFTER_THE_LATER_RUN)

    assert not AttendanceConfirmation.objects.exists()
    assert services.attended_days([missed_day_3])[missed_day_3.pk].keys() == {1, 2, 3, 4}


def test_a_day_already_attended_is_refused_at_the_field(client, coordinator, missed_day_3, later_run):
    client.force_login(coordinator)

    response = client.post(url(missed_day_3), {"day": day(later_run, 2).pk})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Day 2 has already been attended." in page and 'href="#id_day"' in page
    assert not MakeUpDay.objects.exists()


def test_a_second_make_up_for_the_same_day_is_refused(client, coordinator, missed_day_3, later_run):
    services.assign_make_up_day(booking=missed_day_3, day=day(later_run, 3), actor=coordinator)
    third_run = CourseRunFactory(level=later_run.level, title="Spring 2023",
                                 days=[dt.date(2023, 4, d) for d in (3, 4, 5, 6)])
    client.force_login(coordinator)

    response = client.post(url(missed_day_3), {"day": day(third_run, 3).pk})

    assert "A make-up for day 3 is already assigned." in response.content.decode()
    assert MakeUpDay.objects.count() == 1


def test_choosing_no_day_says_so(client, coordinator, missed_day_3, later_run):
    client.force_login(coordinator)
    response = client.post(url(missed_day_3), {"day": ""})
    assert "Choose the day they will make up." in response.content.decode()


def test_an_unknown_booking_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("attendance:assign_make_up", args=["BNOSUCH"])).status_code == 404


def test_cancelling_the_run_of_a_make_up_day_counts_it_releases_it_and_tells_its_participant(
        client, coordinator, missed_day_3, later_run, django_capture_on_commit_callbacks):
    from django.core import mail

    services.assign_make_up_day(booking=missed_day_3, day=day(later_run, 3), actor=coordinator)
    client.force_login(coordinator)
    cancel = reverse("control:cancel_run", args=[later_run.pk])
    assert ("1 participant of another run has a make-up day on this run"
            in client.get(cancel).content.decode())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel, {"reason": "Venue flooded", "confirm": "on"}, follow=True)
    assert "1 make-up day on it was released and its participant emailed." in (
        response.content.decode())
    assert not MakeUpDay.objects.exists()
    told = [m for m in mail.outbox if m.to == [missed_day_3.participant.email]]
    assert [m.subject for m in told] == [f"Your make-up day is cancelled: Foundation, {later_run.title}"]
    assert "Venue flooded" in told[0].body and "Day 3 is open again" in told[0].body
    entry = AuditEntry.objects.get(action="attendance.make_up_day.released")
    assert (entry.actor, entry.reason) == (coordinator, "Run cancelled: Venue flooded")
    # Day 3 can be made up again, on another run.
    assert client.get(url(missed_day_3)).status_code == 200
