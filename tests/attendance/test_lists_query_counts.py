"""/attendance/ and /attendance/runs/<run>/: the list of runs and a run's days read in a fixed
number of queries, however many runs or days there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.attendance.conftest import booked
from tests.attendance.fixtures_extra import *  # noqa: F403 - the fixtures
from tests.attendance.fixtures_extra import day
from tests.factories import CourseRunFactory, LevelFactory, PriceOptionFactory
from trainingdesk.attendance import services
from trainingdesk.attendance.models import MarkStatus
from trainingdesk.attendance.services import MarkInput

pytestmark = pytest.mark.usefixtures("after_the_last_day")

# Ten days in July and August 2022, all before the time the tests are frozen at.
TEN_DAYS = [dt.date(2022, 7, 4) + dt.timedelta(weeks=n) for n in range(10)]


def queries_for(client, url: str) -> list[str]:
    client.get(url)  # the first request of a session reads what later ones have cached
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("persona", ["coordinator", "trainer"])
def test_the_list_of_runs_reads_as_many_queries_for_five_runs_as_for_one(client, request, persona,
                                                                          foundation_run, trainer):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = reverse("attendance:index")
    one = queries_for(client, url)
    assert "Summer 2022" in client.get(url).content.decode()

    for n in range(4):
        run = CourseRunFactory(title=f"Autumn {n}", days=[dt.date(2022, 10, 1 + n), dt.date(2022, 12, 1)])
        run.trainers.add(trainer)

    five = queries_for(client, url)
    page = client.get(url).content.decode()
    assert all(f"Autumn {n}" in page for n in range(4))
    assert len(five) == len(one), "\n".join(five)


def test_a_runs_days_read_as_many_queries_for_ten_days_as_for_four(client, coordinator, trainer,
                                                                   foundation_run, option):
    client.force_login(coordinator)
    first = booked(foundation_run, option)
    services.record_marks(day=day(foundation_run, 1), marks=[MarkInput(first.pk, MarkStatus.PRESENT)],
                          actor=trainer)
    four = queries_for(client, reverse("attendance:run_days", args=[foundation_run.pk]))

    # A level of ten days, with people marked, registers closed and a day being made up.
    level = LevelFactory(name="Practitioner", days_required=10)
    run = CourseRunFactory(level=level, title="Practitioner 2022", days=TEN_DAYS)
    run.trainers.add(trainer)
    other = CourseRunFactory(level=level, title="Practitioner again", days=TEN_DAYS)
    people = [booked(run, PriceOptionFactory(run=run)) for _ in range(3)]
    making_up = booked(other, PriceOptionFactory(run=other))
    services.assign_make_up_day(booking=making_up, day=day(run, 2), actor=coordinator)
    for number in range(1, 11):
        services.record_marks(day=day(run, number), actor=trainer,
                              marks=[MarkInput(p.pk, MarkStatus.PRESENT) for p in people[:number % 3 + 1]])
        if number % 2:
            services.close_register(day=day(run, number), actor=trainer)

    url = reverse("attendance:run_days", args=[run.pk])
    ten = queries_for(client, url)
    page = client.get(url).content.decode()
    assert 'id="day-10"' in page and "Closed" in page
    assert len(ten) == len(four), "\n".join(ten)
