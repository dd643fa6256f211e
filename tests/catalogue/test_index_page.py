"""The catalogue: published runs by programme and level, upcoming first, past after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import CourseRunFactory, LevelFactory, VatRateFactory
from tests.html import text_of
from trainingdesk.catalogue.demo import Demo
from trainingdesk.catalogue.models import (
    CourseRun,
    Delivery,
    PriceOption,
    RunStatus,
    TrainingDay,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def index(client: Client) -> str:
    response = client.get(reverse("catalogue:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_upcoming_runs_under_their_programme_and_level(
    client: Client, brochure: Demo
) -> None:
    html = index(client)
    programme = html.index("The NVR Certificate Course</h2>")
    foundation = html.index("Foundation (NVRA Level 1)</a></h3>")
    winter, spring, autumn = (html.index(f"{t}</a></h4>") for t in
                              ("Winter 2027", "Spring 2027", "Autumn 2027"))
    advanced = html.index("Advanced (NVRA Level 2)</a></h3>")
    assert programme < foundation < winter < spring < autumn < advanced
    assert "No upcoming dates are published for this level yet." in html[advanced:]


def test_each_run_shows_its_dates_place_price_from_and_places(
    client: Client, brochure: Demo
) -> None:
    html = index(client)
    assert "26, 27, 28 January and 22 April 2027" in html
    assert html.count("Online via Zoom") == 5  # Summer 2022, three Foundation copies, Advanced
    assert text_of(html).count("from £600 (£500 + £100 VAT)") == 4  # upcoming cards only
    assert "24 places" in html
    assert "Booking open until Tuesday 19 January 2027" in html


def test_a_past_run_stays_visible_below_as_finished(client: Client, brochure: Demo) -> None:
    html = index(client)
    past = html.index('id="past-runs"')
    assert html.index("Winter 2027") < past
    assert html.index("Summer 2022") > past
    assert "21, 22, 23 June and 15 September 2022" in html[past:]
    assert "This run has finished" in html[past:]
    assert "This run has finished" not in html[:past]


def test_a_cancelled_run_is_not_listed(client: Client, brochure: Demo) -> None:
    CourseRun.objects.filter(pk=brochure.upcoming[0].pk).update(status=RunStatus.CANCELLED)
    html = index(client)
    assert f'href="/courses/runs/{brochure.upcoming[0].pk}/"' not in html
    assert "Spring 2027" in html


def test_a_draft_run_is_not_listed(client: Client, brochure: Demo) -> None:
    CourseRun.objects.filter(pk=brochure.upcoming[1].pk).update(status=RunStatus.DRAFT)
    html = index(client)
    assert "Spring 2027" not in html
    assert "Winter 2027" in html


def test_a_run_whose_booking_has_closed_is_marked_closed(client: Client, brochure: Demo) -> None:
    CourseRun.objects.filter(pk=brochure.upcoming[0].pk).update(
        booking_closes_at=NOW - dt.timedelta(days=1)
    )
    html = index(client)
    card = html[html.index("Winter 2027"):html.index("Spring 2027")]
    assert "Booking closed" in card
    assert "Booking has closed" in card


def test_a_run_at_a_venue_shows_the_venue(client: Client, db: None) -> None:
    VatRateFactory()
    CourseRunFactory(delivery=Delivery.VENUE, platform="", venue_name="The Friends House",
                     days=[dt.date(2027, 2, 1)])
    assert "The Friends House" in index(client)


def test_the_joining_link_never_appears(client: Client, brochure: Demo) -> None:
    assert "zoom.us" not in index(client)


def _catalogue_of(n: int) -> None:
    """n published runs of one level, each with two days and two price options."""
    VatRateFactory()
    level = LevelFactory()
    runs = CourseRun.objects.bulk_create(CourseRunFactory.build_batch(n, level=level))
    TrainingDay.objects.bulk_create(
        TrainingDay(run=run, number=number, date=dt.date(2027, 1, 1) + dt.timedelta(days=i + number),
                    start_time=dt.time(9, 30), finish_time=dt.time(16, 30))
        for i, run in enumerate(runs) for number in (1, 2)
    )
    PriceOption.objects.bulk_create(
        PriceOption(run=run, name=name, net_amount=Decimal(amount), position=position)
        for run in runs for position, (name, amount) in enumerate([("A", 660), ("B", 500)])
    )


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)  # as a signed-in person sees it
@pytest.mark.parametrize("n", [1, 50])
def test_the_catalogue_makes_the_same_queries_for_1_or_50_runs(
    client: Client, db: None, django_assert_num_queries: object, n: int
) -> None:
    _catalogue_of(n)
    # The VAT table; how many upcoming runs; a page of them with level and programme; their
    # days; their options; the places taken on them; every level; the latest past runs (none here).
    with django_assert_num_queries(9):  # 8, and the footer's provider  # type: ignore[operator]
        html = index(client)
    assert html.count('class="card"') == min(n, 24)
    assert text_of(html).count("from £600 (£500 + £100 VAT)") == min(n, 24)


def test_upcoming_runs_come_a_page_at_a_time(client: Client, db: None) -> None:
    _catalogue_of(30)
    first = index(client)
    assert first.count('class="card"') == 24
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/", {"page": 2}).content.decode()
    assert second.count('class="card"') == 6
    assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_a_page_number_that_makes_no_sense_shows_the_first_or_last_page(
    client: Client, db: None
) -> None:
    _catalogue_of(30)
    assert "Page 1 of 2" in client.get("/", {"page": "x"}).content.decode()
    assert "Page 2 of 2" in client.get("/", {"page": 99}).content.decode()
