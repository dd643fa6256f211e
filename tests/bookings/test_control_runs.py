"""/control/runs/: every run with its places, waitlist and offers at a glance."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.bookings.conftest import NOW, RUN_DAYS, self_paying
from tests.factories import CourseRunFactory, LevelFactory, PriceOptionFactory, UserFactory
from trainingdesk.bookings import services
from trainingdesk.catalogue.models import RunStatus

URL = reverse("control:runs")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _fill(run, option, people: int) -> None:
    for person in UserFactory.create_batch(people):
        services.book(participant=person, run_id=run.pk, option_id=option.pk, payer=self_paying())


def test_it_shows_places_taken_free_waitlist_and_offers(client, coordinator, run, without_supervision):
    _fill(run, without_supervision, 4)  # two seats, two waiting
    first = run.bookings.order_by("id").first()
    services.cancel_booking(booking=first, actor=coordinator, reason="Ill")  # offer to the next
    client.force_login(coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    [row] = response.context["runs"]
    assert (row.capacity, row.seats_taken, row.free_seats, row.waitlist_length, row.open_offers) == (
        2, 2, 0, 1, 1)
    assert row.first_date == RUN_DAYS[0] and row.last_date == RUN_DAYS[-1] and row.day_count == 4
    assert "Full" in response.content.decode()


def test_its_query_count_does_not_grow_with_the_runs(client, coordinator, run, without_supervision,
                                                    django_assert_num_queries):
    _fill(run, without_supervision, 1)
    client.force_login(coordinator)
    client.get(URL)  # warm the session and the user's groups

    with CaptureQueriesContext(connection) as queries:
        assert len(client.get(URL).context["runs"]) == 1
    one = len(queries)
    for n in range(19):
        other = CourseRunFactory(level=run.level, capacity=5, days=[dt.date(2027, 7, 1 + n)])
        option = PriceOptionFactory(run=other)
        _fill(other, option, 2)
    with django_assert_num_queries(one):
        response = client.get(URL)
    assert len(response.context["runs"]) == 20


def test_it_lists_upcoming_runs_by_default_and_past_runs_on_request(client, coordinator, run):
    past = CourseRunFactory(level=run.level, title="Summer 2026", days=[dt.date(2026, 6, 1)])
    client.force_login(coordinator)
    assert [r.pk for r in client.get(URL).context["runs"]] == [run.pk]
    assert [r.pk for r in client.get(URL, {"when": "past"}).context["runs"]] == [past.pk]
    assert {r.pk for r in client.get(URL, {"when": ""}).context["runs"]} == {run.pk, past.pk}


def test_it_filters_by_level_and_status(client, coordinator, run):
    advanced = LevelFactory(programme=run.level.programme, name="Advanced")
    other = CourseRunFactory(level=advanced, days=[dt.date(2027, 10, 1)])
    draft = CourseRunFactory(level=run.level, status=RunStatus.DRAFT, days=[dt.date(2027, 11, 1)])
    client.force_login(coordinator)
    by_level = client.get(URL, {"when": "upcoming", "level": advanced.pk}).context["runs"]
    assert [r.pk for r in by_level] == [other.pk]
    drafts = client.get(URL, {"when": "upcoming", "status": "draft"}).context["runs"]
    assert [r.pk for r in drafts] == [draft.pk]


def test_a_nonsense_filter_is_ignored_rather_than_refused(client, coordinator, run):
    client.force_login(coordinator)
    response = client.get(URL, {"when": "upcoming", "level": "x", "status": "nonsense"})
    assert response.status_code == 200
    assert [r.pk for r in response.context["runs"]] == [run.pk]
