"""The coordinator keeps course runs and their days in the back office; nothing half-saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.catalogue.admin_forms import (
    RUNS_URL,
    add_post,
    change_url,
    day_row,
    new_day,
    new_run_fields,
    run_post,
)
from tests.factories import CourseRunFactory, LevelFactory
from trainingdesk.accounts.models import User
from trainingdesk.audit.models import AuditEntry
from trainingdesk.catalogue.demo import Demo
from trainingdesk.catalogue.models import CourseRun, RunStatus

JUNE = [dt.date(2022, 6, 21), dt.date(2022, 6, 22), dt.date(2022, 6, 23), dt.date(2022, 9, 15)]


@pytest.fixture
def client_as_coordinator(client: Client, coordinator: User) -> Client:
    client.force_login(coordinator)
    return client


def summer(brochure: Demo) -> CourseRun:
    return brochure.summer_2022


def stored_days(run: CourseRun) -> list[tuple[int, dt.date, dt.time, dt.time]]:
    return list(run.days.order_by("number").values_list("number", "date", "start_time",
                                                         "finish_time"))


def days_of(run: CourseRun) -> list[dict[str, Any]]:
    return [day_row(d) for d in run.days.order_by("number")]


def day_errors(response: Any, index: int) -> dict[str, list[str]]:
    days_formset = response.context_data["inline_admin_formsets"][0].formset
    return dict(days_formset.forms[index].errors)


def days_non_form_errors(response: Any) -> list[str]:
    return list(response.context_data["inline_admin_formsets"][0].formset.non_form_errors())


JUNE_2027 = [dt.date(2027, 6, 22), dt.date(2027, 6, 23), dt.date(2027, 6, 24)]


# --- Who gets in -------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["trainer", "participant"])
def test_a_trainer_or_participant_is_sent_to_the_login_page(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for url in ("/back-office/", RUNS_URL, "/back-office/audit/auditentry/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/back-office/login/")


def test_a_trainer_cannot_change_a_run_by_posting_to_the_back_office(
    client: Client, trainer: User, brochure: Demo
) -> None:
    client.force_login(trainer)
    response = client.post(change_url(summer(brochure)), run_post(summer(brochure), title="Hacked"))
    assert response.status_code == 302
    assert CourseRun.objects.get(pk=summer(brochure).pk).title == "Summer 2022"


def test_a_member_of_staff_without_a_role_is_refused_the_runs(client: Client, outsider: User) -> None:
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    assert client.get(RUNS_URL).status_code == 403


# --- The list ----------------------------------------------------------------------------------

def test_the_coordinator_sees_each_run_with_its_first_day_and_days(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    response = client_as_coordinator.get(RUNS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Summer 2022" in html
    assert "21 June 2022" in html
    assert "4 of 4" in html


def test_the_run_list_filters_by_status(client_as_coordinator: Client, brochure: Demo) -> None:
    CourseRunFactory(level=brochure.foundation, title="A draft", status=RunStatus.DRAFT)
    response = client_as_coordinator.get(RUNS_URL, {"status__exact": "draft"})
    titles = [run.title for run in response.context_data["cl"].result_list]
    assert titles == ["A draft"]


def test_the_run_list_takes_no_more_queries_for_more_runs(
    client_as_coordinator: Client, coordinator: User
) -> None:
    level = LevelFactory()
    CourseRunFactory(level=level, days=JUNE)
    client_as_coordinator.get(RUNS_URL)  # warm the content-type cache

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_as_coordinator.get(RUNS_URL).status_code == 200
        return len(queries)

    one = count()
    for _ in range(5):
        CourseRunFactory(level=LevelFactory(), days=JUNE)
    assert count() == one


# --- Adding and changing a run -----------------------------------------------------------------

def test_a_run_with_three_days_may_be_added_as_a_draft_for_a_four_day_level(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    post = add_post(new_run_fields(brochure.foundation.pk),
                    [new_day(n, d) for n, d in enumerate(JUNE_2027, start=1)])
    response = client_as_coordinator.post(f"{RUNS_URL}add/", post)
    assert response.status_code == 302, response.context_data["errors"]
    run = CourseRun.objects.get(title="Summer 2027")
    assert run.status == RunStatus.DRAFT
    assert [d[1] for d in stored_days(run)] == JUNE_2027


def test_a_new_run_is_added_as_a_draft_even_when_published_is_posted(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    # Publishing goes through the "Publish" action, which checks the days are complete.
    post = add_post(new_run_fields(brochure.foundation.pk, status=RunStatus.PUBLISHED),
                    [new_day(n, d) for n, d in enumerate(JUNE_2027, start=1)])
    response = client_as_coordinator.post(f"{RUNS_URL}add/", post)
    assert response.status_code == 302
    assert CourseRun.objects.get(title="Summer 2027").status == RunStatus.DRAFT


def test_a_published_run_cannot_lose_one_of_its_days(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    run = summer(brochure)
    days = days_of(run)
    days[3]["DELETE"] = True
    response = client_as_coordinator.post(change_url(run), run_post(run, days=days))
    assert response.status_code == 200
    assert "the run has 3" in days_non_form_errors(response)[0]
    assert len(stored_days(run)) == 4


def test_a_draft_may_lose_a_day(client_as_coordinator: Client, brochure: Demo) -> None:
    run = CourseRunFactory(level=brochure.foundation, status=RunStatus.DRAFT, days=JUNE,
                           booking_closes_at=CLOSES_BEFORE_JUNE)
    days = days_of(run)
    days[3]["DELETE"] = True
    response = client_as_coordinator.post(change_url(run), run_post(run, days=days))
    assert response.status_code == 302
    assert [d[1] for d in stored_days(run)] == JUNE[:3]


def test_a_run_whose_second_day_finishes_before_it_starts_is_not_saved_at_all(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    run = summer(brochure)
    before = stored_days(run)
    audited = AuditEntry.objects.count()  # the demo's own set-up is audited too
    days = days_of(run)
    days[1]["finish_time"] = "09:00"
    response = client_as_coordinator.post(
        change_url(run), run_post(run, days=days, title="Summer 2022 (moved)", capacity=30)
    )
    assert response.status_code == 200
    assert day_errors(response, 1) == {"finish_time": ["The day must finish after it starts."]}
    html = response.content.decode()
    assert "Please correct the error below." in html
    # The message is in the row of day 2, in the finish-time cell.
    row = html.split('id="days-1"')[1].split('id="days-2"')[0]
    finish_cell = row.split('field-finish_time')[1].split("</td>")[0]
    assert "The day must finish after it starts." in finish_cell
    stored = CourseRun.objects.get(pk=run.pk)
    assert (stored.title, stored.capacity) == ("Summer 2022", 24)
    assert stored_days(run) == before
    assert AuditEntry.objects.count() == audited


def test_arrival_after_the_start_is_refused_beside_the_arrival(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    run = summer(brochure)
    days = days_of(run)
    days[0]["arrival_time"] = "10:00"
    response = client_as_coordinator.post(change_url(run), run_post(run, days=days))
    assert day_errors(response, 0) == {"arrival_time": ["Arrival must be at or before the start."]}
    assert run.days.get(number=1).arrival_time == dt.time(9)


def test_day_two_dated_before_day_one_is_refused(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    run = summer(brochure)
    days = days_of(run)
    days[1]["date"] = "2022-06-20"
    response = client_as_coordinator.post(change_url(run), run_post(run, days=days))
    assert day_errors(response, 1) == {
        "date": ["Day 2 is dated before day 1: days must be in date order."]
    }
    assert [d[1] for d in stored_days(run)] == JUNE


def test_two_days_on_one_date_are_refused(client_as_coordinator: Client, brochure: Demo) -> None:
    run = summer(brochure)
    days = days_of(run)
    days[3]["date"] = "2022-06-23"
    response = client_as_coordinator.post(change_url(run), run_post(run, days=days))
    assert day_errors(response, 3) == {
        "date": ["Day 4 is on the same date as day 3: days may not overlap."]
    }
    assert [d[1] for d in stored_days(run)] == JUNE


def test_days_numbered_with_a_gap_are_refused(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    run = summer(brochure)
    days = days_of(run)
    days[3]["number"] = 5
    response = client_as_coordinator.post(
        change_url(run), run_post(run, days=days, status=RunStatus.DRAFT)
    )
    assert days_non_form_errors(response) == ["Days must be numbered 1, 2, 3 ... without gaps."]
    assert [d[0] for d in stored_days(run)] == [1, 2, 3, 4]
    assert CourseRun.objects.get(pk=run.pk).status == RunStatus.PUBLISHED


def test_two_days_with_one_number_are_refused(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    run = summer(brochure)
    days = days_of(run)
    days[3]["number"] = 3
    response = client_as_coordinator.post(change_url(run), run_post(run, days=days))
    assert day_errors(response, 3) == {"number": ["There are two days numbered 3."]}
    assert [d[0] for d in stored_days(run)] == [1, 2, 3, 4]


def test_moving_every_day_one_date_later_is_saved(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    # Saved one row at a time, Day 1 would take Day 2's date before Day 2 moved on.
    run = summer(brochure)
    days = days_of(run)
    for row in days:
        row["date"] = (dt.date.fromisoformat(row["date"]) + dt.timedelta(days=1)).isoformat()
    response = client_as_coordinator.post(change_url(run), run_post(run, days=days))
    assert response.status_code == 302
    assert [d[1] for d in stored_days(run)] == [d + dt.timedelta(days=1) for d in JUNE]


# --- The booking window ------------------------------------------------------------------------

def test_booking_that_closes_after_the_first_day_starts_is_refused(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    run = summer(brochure)
    response = client_as_coordinator.post(
        change_url(run),
        run_post(run, booking_closes_at_0="2022-06-21", booking_closes_at_1="09:45"),
    )
    assert response.status_code == 200
    assert days_non_form_errors(response) == [
        "Booking must close before the first day starts (Tuesday 21 June 2022, 9:30am)."
    ]
    assert CourseRun.objects.get(pk=run.pk).booking_closes_at == run.booking_closes_at


def test_booking_is_checked_against_the_days_being_submitted(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    # Booking closes on 14 June; the days as stored start on 21 June, as submitted on 13 June.
    run = summer(brochure)
    days = days_of(run)
    for row, on in zip(days, ["2022-06-13", "2022-06-14", "2022-06-15", "2022-09-15"],
                       strict=True):
        row["date"] = on
    response = client_as_coordinator.post(change_url(run), run_post(run, days=days))
    assert days_non_form_errors(response) == [
        "Booking must close before the first day starts (Monday 13 June 2022, 9:30am)."
    ]
    assert [d[1] for d in stored_days(run)] == JUNE


def test_booking_that_opens_after_it_closes_is_refused_beside_the_opening(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    run = summer(brochure)
    response = client_as_coordinator.post(
        change_url(run), run_post(run, booking_opens_at_0="2022-06-15", booking_opens_at_1="09:00")
    )
    form = response.context_data["adminform"].form
    assert form.errors == {"booking_opens_at": ["Booking must open before it closes."]}
    assert CourseRun.objects.get(pk=run.pk).booking_opens_at == run.booking_opens_at


# --- Publishing --------------------------------------------------------------------------------

def test_the_publish_action_publishes_a_complete_draft(
    client_as_coordinator: Client, brochure: Demo, coordinator: User
) -> None:
    draft = CourseRunFactory(level=brochure.foundation, status=RunStatus.DRAFT, days=JUNE,
                             booking_closes_at=dt.datetime(2022, 6, 1, tzinfo=dt.UTC))
    response = client_as_coordinator.post(
        RUNS_URL, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "Published 1 run." in response.content.decode()
    assert CourseRun.objects.get(pk=draft.pk).status == RunStatus.PUBLISHED
    entry = AuditEntry.objects.get(action="catalogue.run.published")
    assert (entry.actor, entry.before["status"], entry.after["status"]) == (
        coordinator, "draft", "published")


CLOSES_BEFORE_JUNE = dt.datetime(2022, 6, 1, tzinfo=dt.UTC)


def test_the_publish_action_reports_a_refusal_as_an_error_message(
    client_as_coordinator: Client, brochure: Demo
) -> None:
    draft = CourseRunFactory(level=brochure.foundation, title="Short", status=RunStatus.DRAFT,
                             days=JUNE[:3], booking_closes_at=CLOSES_BEFORE_JUNE)
    response = client_as_coordinator.post(
        RUNS_URL, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert response.status_code == 200
    messages = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert messages == [(
        "error",
        "Foundation: Short was not published: This level requires 4 days and the run has 3: "
        "save it as a draft until its days are complete.",
    )]
    assert CourseRun.objects.get(pk=draft.pk).status == RunStatus.DRAFT


def test_the_coordinator_can_choose_only_trainers_as_a_runs_trainers(client, coordinator, trainer,
                                                                    participant):
    from tests.factories import CourseRunFactory
    from trainingdesk.catalogue.models import CourseRun

    run = CourseRunFactory()
    client.force_login(coordinator)
    page = client.get(f"/back-office/catalogue/courserun/{run.pk}/change/").content.decode()
    assert trainer.full_name in page
    assert participant.full_name not in page
    assert CourseRun.objects.get(pk=run.pk).trainers.count() == 0


def test_every_box_on_the_run_page_has_a_name_for_screen_readers(client_as_coordinator: Client,
                                                                 brochure: Demo) -> None:
    page = client_as_coordinator.get(
        f"/back-office/catalogue/courserun/{brochure.summer_2022.pk}/change/").content.decode()
    assert 'aria-label="Booking closes: date"' in page
    assert 'aria-label="Booking closes: time"' in page
    assert 'aria-label="Date (row 1)"' in page and 'aria-label="Start (row 4)"' in page
