"""/attendance/days/<day>/: a day's register, for the run's trainers and the coordinator."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.attendance.conftest import booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import day
from tests.factories import UserFactory
from trainingdesk.attendance import selectors, services
from trainingdesk.attendance.models import AttendanceMark, MarkStatus
from trainingdesk.attendance.services import MarkInput, record_marks
from trainingdesk.bookings.services import cancel_booking

pytestmark = pytest.mark.usefixtures("after_the_last_day")


def url(training_day) -> str:
    return reverse("attendance:register", args=[training_day.pk])


def test_it_lists_everyone_booked_with_their_mark(client, foundation_run, option, trainer, participant):
    booking = booked(foundation_run, option, participant)
    other = booked(foundation_run, option, UserFactory(full_name="Ann Another"))
    first = day(foundation_run, 1)
    record_marks(day=first, marks=[MarkInput(booking.pk, MarkStatus.LATE, 25)], actor=trainer)
    client.force_login(trainer)

    response = client.get(url(first))

    assert response.status_code == 200
    rows = response.context["register"].rows
    assert [r.booking for r in rows] == [other, booking]  # by name
    assert rows[1].mark.status == MarkStatus.LATE and rows[1].mark.minutes_missed == 25
    assert rows[0].mark is None
    page = response.content.decode()
    assert "Register: Day 1, Tuesday 21 June 2022" in page
    assert "Late, 25 minutes missed" in page
    assert 'name="status" value="late"' in page and "checked" in page
    assert "1 marked, 1 not marked" in page
    assert "Mark everyone not yet marked as present" in page


def test_a_make_up_participant_is_on_the_register_marked_as_making_up(
        client, foundation_run, option, later_run, coordinator, participant):
    booking = booked(foundation_run, option, participant)
    services.assign_make_up_day(booking=booking, day=day(later_run, 3), actor=coordinator,
                                now=dt.datetime(2022, 9, 20, tzinfo=dt.UTC))

    with time_machine.travel(dt.datetime(2023, 1, 12, 12, tzinfo=dt.UTC), tick=False):
        client.force_login(coordinator)
        response = client.get(url(day(later_run, 3)))

    [row] = response.context["register"].rows
    assert row.booking == booking and row.make_up_from == foundation_run
    assert "make-up from Summer 2022" in response.content.decode()


def test_a_day_not_yet_happened_is_shown_without_forms(client, foundation_run, option, trainer):
    booked(foundation_run, option)
    client.force_login(trainer)
    with time_machine.travel(dt.datetime(2022, 6, 20, 12, tzinfo=dt.UTC), tick=False):
        response = client.get(url(day(foundation_run, 1)))
    page = response.content.decode()
    assert "Day 1 has not happened yet: its register can be marked from Tuesday 21 June 2022." in page
    assert 'name="status"' not in page
    assert "Mark everyone" not in page


def test_a_closed_register_is_read_only_for_the_trainer(client, foundation_run, option, trainer):
    booked(foundation_run, option)
    first = day(foundation_run, 1)
    services.close_register(day=first, actor=trainer)
    client.force_login(trainer)

    page = client.get(url(first)).content.decode()

    assert "This register is closed." in page and "Only the coordinator can change it now." in page
    assert 'name="status"' not in page
    assert "Close the register" not in page and "Mark everyone" not in page


def test_a_closed_register_asks_the_coordinator_for_a_reason(client, foundation_run, option, trainer,
                                                             coordinator):
    booked(foundation_run, option)
    first = day(foundation_run, 1)
    services.close_register(day=first, actor=trainer)
    client.force_login(coordinator)

    page = client.get(url(first)).content.decode()

    assert 'name="status"' in page and 'name="reason"' in page
    assert "Closed by Tom Trainer" in page


def test_the_page_loads_htmx_and_its_script_from_our_own_static_files(client, foundation_run, option,
                                                                    trainer):
    booked(foundation_run, option)
    client.force_login(trainer)
    page = client.get(url(day(foundation_run, 1))).content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in page and "/static/js/register.js" in page
    assert 'hx-post="/attendance/days/' in page
    assert "<script>" not in page  # no inline script: the CSP forbids it


def _booked_people(run, option, count: int) -> None:
    for _ in range(count):
        booked(run, option)


def test_its_query_count_does_not_grow_with_the_participants(client, foundation_run, option, trainer,
                                                             django_assert_num_queries):
    first = day(foundation_run, 1)
    _booked_people(foundation_run, option, 1)
    marks = [MarkInput(b.pk, MarkStatus.PRESENT) for b in foundation_run.bookings.all()]
    record_marks(day=first, marks=marks, actor=trainer)
    client.force_login(trainer)
    client.get(url(first))
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url(first)).context["register"].rows) == 1

    _booked_people(foundation_run, option, 29)
    marks = [MarkInput(b.pk, MarkStatus.LATE, 10) for b in foundation_run.bookings.all()]
    record_marks(day=first, marks=marks, actor=trainer)
    with django_assert_num_queries(len(one)):
        assert len(client.get(url(first)).context["register"].rows) == 30


def test_a_register_of_200_has_200_rows_in_as_many_queries_as_one_of_one(
        client, foundation_run, later_run, option, trainer, coordinator, django_assert_num_queries):
    first = day(foundation_run, 1)
    _booked_people(foundation_run, option, 1)
    client.force_login(coordinator)
    client.get(url(first))
    with CaptureQueriesContext(connection) as one:
        client.get(url(first))

    foundation_run.capacity = 200
    foundation_run.save(update_fields=["capacity"])
    _booked_people(foundation_run, option, 198)
    making_up = booked(later_run, later_run.options.get())  # one more, making the day up
    services.assign_make_up_day(booking=making_up, day=first, actor=coordinator,
                                now=dt.datetime(2022, 5, 2, tzinfo=dt.UTC))
    everyone = [*foundation_run.bookings.all(), making_up]
    record_marks(day=first, actor=trainer, marks=[
        MarkInput(b.pk, MarkStatus.LATE if n % 2 else MarkStatus.PRESENT, 10 if n % 2 else 0)
        for n, b in enumerate(everyone[:150])])
    with django_assert_num_queries(len(one)):
        response = client.get(url(first))

    page = response.content.decode()
    assert len(response.context["register"].rows) == 200
    assert page.count('<li class="register-row') == 200
    assert page.count('<form method="post" action="/attendance/days/') == 200 + 2  # and the two actions
    assert page.count('<fieldset class="register-row__fieldset">') == 200
    assert page.count('name="csrfmiddlewaretoken"') == 200 + 3  # each row, both actions, sign-out
    assert page.count("Late, 10 minutes missed") == 75 and page.count("Not marked yet") == 50
    assert "make-up from" in page
    assert page.count('aria-describedby="minutes-hint"') == 200 and page.count('id="minutes-hint"') == 1


def test_the_register_lists_the_people_the_marking_service_accepts(foundation_run, option, later_run,
                                                                  coordinator):
    """selectors.register reads fewer columns than services.register_bookings, by its own
    query: both must name the same people."""
    first = day(foundation_run, 1)
    staying, leaving = booked(foundation_run, option), booked(foundation_run, option)
    cancel_booking(booking=leaving, actor=coordinator, full_refund=True, notify=False,
                   now=dt.datetime(2022, 5, 2, tzinfo=dt.UTC))
    making_up = booked(later_run, later_run.options.get())
    services.assign_make_up_day(booking=making_up, day=first, actor=coordinator,
                                now=dt.datetime(2022, 5, 2, tzinfo=dt.UTC))
    booked(later_run, later_run.options.get())  # on another run, not making this day up

    listed = [row.booking for row in selectors.register(first).rows]

    assert listed == services.register_bookings(first)
    assert set(listed) == {staying, making_up}


def test_each_row_is_a_form_of_its_own_with_a_named_group_of_choices(client, foundation_run, option,
                                                                    trainer, participant):
    booking = booked(foundation_run, option, participant)
    record_marks(day=day(foundation_run, 1), marks=[MarkInput(booking.pk, MarkStatus.LATE, 25)],
                 actor=trainer)
    client.force_login(trainer)

    page = client.get(url(day(foundation_run, 1))).content.decode()

    b = booking.pk
    assert f'<input type="hidden" name="booking" value="{b}">' in page
    assert '<legend class="register-row__name">Pat Participant</legend>' in page
    assert (f'<label><input type="radio" name="status" value="late" id="b{b}-status_1" required checked>'
            " Late</label>") in page
    assert f'<label class="field__label" for="b{b}-minutes_missed">Minutes missed</label>' in page
    assert f'id="b{b}-minutes_missed" value="25"' in page
    assert "Save<span class=\"visually-hidden\"> the mark for Pat Participant</span>" in page
    assert "When late or leaving early" not in page  # the hint is once above the list
    assert 'id="minutes-hint"' in page


def test_an_unknown_day_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("attendance:register", args=[999999])).status_code == 404


# --- saving, focus and what a screen reader hears (WCAG 2.2: 3.2.2 on input, 2.4.3, 4.1.3) ------

HTMX = {"HTTP_HX_REQUEST": "true"}
REGISTER_SCRIPT = Path(__file__).resolve().parents[2] / "trainingdesk/static/js/register.js"


def _announcer(page: str) -> str:
    found = re.search(r'<div id="register-announcer"[^>]*>(.*?)</div>', page, re.S)
    assert found, "no live region"
    return found.group(0)


def test_the_live_region_is_in_the_page_outside_the_rows_that_are_swapped(client, foundation_run, option,
                                                                         trainer, participant):
    booked(foundation_run, option, participant)
    client.force_login(trainer)

    page = client.get(url(day(foundation_run, 1))).content.decode()

    region = _announcer(page)
    assert 'role="status"' in region
    rows = page[page.index('<ul class="register"'):]
    assert 'id="register-announcer"' not in rows  # not swapped away with a row
    assert 'role="status"' not in rows  # one live region, not one a row that is replaced


def test_saving_with_htmx_reads_out_saved_through_the_pages_live_region(client, foundation_run, option,
                                                                       trainer, participant):
    booking = booked(foundation_run, option, participant)
    client.force_login(trainer)

    response = client.post(reverse("attendance:mark", args=[day(foundation_run, 1).pk]),
                           {"booking": booking.pk, "status": "late", "minutes_missed": "25"}, **HTMX)

    region = _announcer(response.content.decode())
    assert 'hx-swap-oob="innerHTML"' in region  # its text changes; the region stays
    assert ">Saved: Pat Participant, Late, 25 minutes missed.</div>" in region


def test_a_refused_save_with_htmx_is_read_out_with_what_to_fix(client, foundation_run, option, trainer,
                                                              participant):
    booking = booked(foundation_run, option, participant)
    client.force_login(trainer)

    response = client.post(reverse("attendance:mark", args=[day(foundation_run, 1).pk]),
                           {"booking": booking.pk, "status": "late"}, **HTMX)

    assert ">Not saved: Pat Participant. Enter how many minutes they missed.</div>" in _announcer(
        response.content.decode())
    assert not AttendanceMark.objects.exists()


def test_the_returned_row_has_the_save_button_of_the_same_id_so_focus_stays_on_it(
        client, foundation_run, option, trainer, participant):
    """htmx gives focus back to the element with the id that had it; an element without an id
    is lost with the old row, and focus falls to the page's body."""
    booking = booked(foundation_run, option, participant)
    client.force_login(trainer)
    page = client.get(url(day(foundation_run, 1))).content.decode()
    button = f'id="b{booking.pk}-save"'
    assert button in page

    response = client.post(reverse("attendance:mark", args=[day(foundation_run, 1).pk]),
                           {"booking": booking.pk, "status": "present"}, **HTMX)

    row = response.content.decode()
    assert button in row
    assert f'id="b{booking.pk}-minutes_missed"' in row and f'id="b{booking.pk}-status_1"' in row


def test_the_registers_script_neither_saves_nor_moves_focus_as_a_choice_is_made():
    """Arrowing through a radio group checks each choice in turn: a save on every change, and
    focus jumping to "Minutes missed" on "Late", made the register unusable by keyboard."""
    script = REGISTER_SCRIPT.read_text()
    assert "requestSubmit" not in script and ".submit(" not in script
    assert ".focus(" not in script
    assert '"change"' not in script
