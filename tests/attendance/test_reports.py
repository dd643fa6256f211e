"""/attendance/runs/<run>/, .../report/ and .../report.csv: a run's days and attendance."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.attendance.conftest import booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import day
from tests.factories import UserFactory
from trainingdesk.attendance import selectors, services
from trainingdesk.attendance.models import MarkStatus
from trainingdesk.attendance.services import MarkInput
from trainingdesk.bookings.services import transfer_booking

pytestmark = pytest.mark.usefixtures("after_the_last_day")


def mark(run, number, booking, status, minutes=0, actor=None):
    services.record_marks(day=day(run, number), marks=[MarkInput(booking.pk, status, minutes)],
                          actor=actor or run.trainers.get())


@pytest.fixture
def two_people(foundation_run, option, participant):
    pat = booked(foundation_run, option, participant)
    zed = booked(foundation_run, option, UserFactory(full_name="Zed Zero", email="zed=1@example.org"))
    for number in (1, 2, 3, 4):
        mark(foundation_run, number, pat, MarkStatus.PRESENT)
    mark(foundation_run, 1, zed, MarkStatus.LATE, 30)
    mark(foundation_run, 2, zed, MarkStatus.LEFT_EARLY, 120)  # 240 of 360 minutes: below 80%
    mark(foundation_run, 3, zed, MarkStatus.ABSENT)
    return pat, zed


def test_the_run_days_page_counts_marked_and_not_marked(client, trainer, foundation_run, option, two_people):
    booked(foundation_run, option)  # a third person, never marked
    services.close_register(day=day(foundation_run, 1), actor=trainer)
    client.force_login(trainer)

    response = client.get(reverse("attendance:run_days", args=[foundation_run.pk]))

    rows = response.context["days"]
    assert [(r.day.number, r.on_register, r.marked, r.not_marked, r.closure is not None) for r in rows] == [
        (1, 3, 2, 1, True), (2, 3, 2, 1, False), (3, 3, 2, 1, False), (4, 3, 1, 2, False)]
    page = response.content.decode()
    assert "Closed" in page and "Import a Zoom report" not in page  # trainers do not import


def test_the_report_shows_each_day_the_days_attended_and_the_confirmation(client, coordinator, foundation_run,
                                                                          two_people):
    pat, zed = two_people
    client.force_login(coordinator)

    response = client.get(reverse("attendance:run_report", args=[foundation_run.pk]))

    report = response.context["report"]
    by_booking = {row.booking: row for row in report.rows}
    assert by_booking[pat].days_attended == 4 and by_booking[pat].confirmation is not None
    assert by_booking[zed].days_attended == 1 and by_booking[zed].confirmation is None
    assert [c.label for c in by_booking[zed].cells] == ["Late (30 min)", "Left early (120 min)", "Absent", ""]
    assert [(s.present, s.late, s.left_early, s.absent, s.not_marked) for s in report.summaries] == [
        (1, 1, 0, 0, 0), (1, 0, 1, 0, 0), (1, 0, 0, 1, 0), (1, 0, 0, 0, 1)]
    page = response.content.decode()
    assert "4 / 4" in page and "1 / 4" in page and by_booking[pat].confirmation.code in page
    assert "Assign a make-up day" in page


def test_the_report_shows_a_make_up_day_on_another_run(client, coordinator, other_trainer, foundation_run,
                                                       later_run, two_people):
    _, zed = two_people
    services.assign_make_up_day(booking=zed, day=day(later_run, 3), actor=coordinator)
    client.force_login(coordinator)

    before = client.get(reverse("attendance:run_report", args=[foundation_run.pk])).context["report"]
    zed_row = next(r for r in before.rows if r.booking == zed)
    assert zed_row.cells[2].label == "Absent"  # the make-up is assigned, not yet attended

    later = client.get(reverse("attendance:run_report", args=[later_run.pk])).context["report"]
    [row] = later.rows  # on the later run's register only for the day made up
    assert row.booking == zed and row.make_up_from == foundation_run
    assert [s.not_marked for s in later.summaries] == [0, 0, 1, 0]


def test_the_csv_has_a_row_a_participant_and_guards_formulas(client, trainer, foundation_run, two_people):
    pat, _ = two_people
    pat.participant.full_name = "=HYPERLINK(1)"
    pat.participant.save()
    client.force_login(trainer)

    response = client.get(reverse("attendance:run_report_csv", args=[foundation_run.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["participant", "email", "booking", "make_up_from", "day_1_2022-06-21",
                       "day_2_2022-06-22", "day_3_2022-06-23", "day_4_2022-09-15", "days_attended",
                       "days_required", "confirmation", "confirmation_status"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["'=HYPERLINK(1)"][4:10] == ["Present"] * 4 + ["4", "4"]
    assert by_name["Zed Zero"][4:] == ["Late (30 min)", "Left early (120 min)", "Absent", "", "1", "4", "",
                                       ""]


def test_the_csv_says_whether_each_confirmation_is_valid_or_revoked(
    client, coordinator, foundation_run, two_people
):
    from trainingdesk.attendance.models import AttendanceConfirmation
    from trainingdesk.attendance.services import revoke_confirmation

    confirmation = AttendanceConfirmation.objects.get()
    client.force_login(coordinator)

    def status() -> list[str]:
        response = client.get(reverse("attendance:run_report_csv", args=[foundation_run.pk]))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        return [row[-1] for row in rows[1:] if row[-2] == confirmation.code]

    assert status() == ["valid"]
    revoke_confirmation(confirmation=confirmation, reason="Recorded in error", actor=coordinator)
    assert status() == ["revoked"]


@pytest.mark.parametrize("name", ["attendance:run_report", "attendance:run_report_csv",
                                  "attendance:run_days"])
def test_its_query_count_does_not_grow_with_the_participants(client, coordinator, foundation_run, option,
                                                             name, django_assert_num_queries):
    first = booked(foundation_run, option)
    mark(foundation_run, 1, first, MarkStatus.PRESENT)
    url = reverse(name, args=[foundation_run.pk])
    client.force_login(coordinator)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    people = [booked(foundation_run, option) for _ in range(9)]
    marks = [MarkInput(b.pk, MarkStatus.LATE, 10) for b in people]
    services.record_marks(day=day(foundation_run, 1), marks=marks, actor=foundation_run.trainers.get())
    with django_assert_num_queries(len(one)):
        client.get(url)


def _counts_on_the_registers(run):
    """(on the register, marked) for each of the run's days, as the register page lists them."""
    counts = []
    for number in range(1, run.days.count() + 1):
        rows = selectors.register(day(run, number)).rows
        counts.append((len(rows), sum(1 for row in rows if row.mark is not None)))
    return counts


def test_someone_moved_to_another_run_after_day_one_leaves_the_old_runs_day_counts(
        client, coordinator, foundation_run, option, later_run):
    moved, staying = booked(foundation_run, option), booked(foundation_run, option)
    mark(foundation_run, 1, moved, MarkStatus.PRESENT)
    transfer_booking(booking=moved, to_run=later_run, to_option_id=later_run.options.get().pk,
                     actor=coordinator)
    client.force_login(coordinator)

    days = client.get(reverse("attendance:run_days", args=[foundation_run.pk])).context["days"]

    # Day 1's register lists only the one who stayed, not yet marked; the days page says so.
    assert _counts_on_the_registers(foundation_run)[0] == (1, 0)
    assert [(d.on_register, d.marked) for d in days] == _counts_on_the_registers(foundation_run)
    assert days[0].not_marked == 1
    assert staying in [r.booking for r in selectors.register(day(foundation_run, 1)).rows]


def test_someone_making_up_a_day_on_the_run_they_then_move_to_is_counted_once_on_that_day(
        client, coordinator, foundation_run, option, later_run):
    moved = booked(foundation_run, option)
    services.assign_make_up_day(booking=moved, day=day(later_run, 3), actor=coordinator)
    transfer_booking(booking=moved, to_run=later_run, to_option_id=later_run.options.get().pk,
                     actor=coordinator)
    client.force_login(coordinator)

    days = client.get(reverse("attendance:run_days", args=[later_run.pk])).context["days"]
    report = client.get(reverse("attendance:run_report", args=[later_run.pk])).context["report"]

    assert _counts_on_the_registers(later_run) == [(1, 0)] * 4
    assert [(d.on_register, d.marked) for d in days] == [(1, 0)] * 4
    assert [s.not_marked for s in report.summaries] == [1, 1, 1, 1]
    assert [r.booking for r in report.rows] == [moved]
