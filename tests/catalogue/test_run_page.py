"""The public page of one run: its days, times in two zones, prices and terms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import CourseRunFactory, UserFactory, VatRateFactory
from tests.html import text_of
from trainingdesk.accounts.models import User
from trainingdesk.catalogue.demo import Demo
from trainingdesk.catalogue.models import (
    Audience,
    CourseRun,
    PriceOption,
    RunStatus,
    TrainingDay,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def page(client: Client, run: CourseRun) -> str:
    response = client.get(reverse("catalogue:run", args=[run.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_demo_run_page_shows_every_day_written_out(client: Client, brochure: Demo) -> None:
    html = page(client, brochure.summer_2022)
    for day in ("Tuesday 21 June 2022", "Wednesday 22 June 2022", "Thursday 23 June 2022",
                "Thursday 15 September 2022"):
        assert day in html
    assert "Day 4: Thursday 15 September 2022" in html
    assert "21, 22, 23 June and 15 September 2022" in html


def test_it_shows_arrival_start_and_finish_in_uk_time(client: Client, brochure: Demo) -> None:
    html = page(client, brochure.summer_2022)
    assert html.count("9am for 9:30am start, finish 4:30pm") == 4
    assert "UK time (BST)" in html
    assert "1 hour lunch break" in html


def test_it_shows_each_options_net_price_vat_and_total(client: Client, brochure: Demo) -> None:
    html = page(client, brochure.summer_2022)
    for amount in ("£660", "£132", "£792", "£500", "£100", "£600"):
        assert amount in html
    assert "Foundation Level with group supervision" in html
    assert "12 hours included" in html
    assert "from £600 (£500 + £100 VAT)" in text_of(html)
    assert "£792 (£660 + £132 VAT)" in text_of(html)


def test_a_viewer_whose_profile_is_in_tokyo_sees_their_own_times_too(
    client: Client, brochure: Demo
) -> None:
    client.force_login(UserFactory(time_zone="Asia/Tokyo"))
    html = page(client, brochure.summer_2022)
    assert "9am for 9:30am start, finish 4:30pm" in html
    assert "In your time zone, Asia/Tokyo (JST): Tuesday 21 June 2022, 5pm for 5:30pm start, " \
           "finish 12:30am on Wednesday 22 June 2022" in html
    assert "data-local-time" not in html


def test_a_uk_viewer_sees_only_uk_time(client: Client, brochure: Demo) -> None:
    client.force_login(UserFactory(time_zone="Europe/London"))
    html = page(client, brochure.summer_2022)
    assert "9:30am" in html
    assert "In your time zone" not in html
    assert "data-local-time" not in html


def test_a_tz_cookie_gives_an_anonymous_viewer_their_own_times(
    client: Client, brochure: Demo
) -> None:
    client.cookies["tz"] = "America/New_York"
    html = page(client, brochure.summer_2022)
    assert "In your time zone, America/New York (EDT): Tuesday 21 June 2022, 4am for 4:30am " \
           "start, finish 11:30am" in html


def test_a_viewer_on_utc_sees_their_own_times_only_on_days_their_clock_differs(
    client: Client, brochure: Demo
) -> None:
    client.cookies["tz"] = "UTC"
    html = page(client, brochure.upcoming[0])  # days 1-3 in January (GMT), day 4 in April (BST)
    assert html.count("In your time zone") == 1
    assert "In your time zone, UTC: Thursday 22 April 2027, 8am for 8:30am start, finish " \
           "3:30pm" in html


def test_an_invalid_tz_cookie_is_ignored(client: Client, brochure: Demo) -> None:
    client.cookies["tz"] = "<script>Mars/Olympus"
    html = page(client, brochure.summer_2022)
    assert "In your time zone" not in html
    assert "Mars/Olympus" not in html
    assert "data-viewer-zone" not in html


def test_without_a_known_zone_it_leaves_a_hidden_slot_for_the_browser_to_fill(
    client: Client, brochure: Demo
) -> None:
    html = page(client, brochure.summer_2022)
    assert html.count("data-local-time") == 4
    assert ('data-start="2022-06-21T09:30:00+01:00" data-finish="2022-06-21T16:30:00+01:00" '
            'data-course-zone="Europe/London" hidden') in html


@pytest.mark.parametrize("who", ["anonymous", "participant", "staff"])
def test_the_joining_link_never_appears(client: Client, brochure: Demo, who: str) -> None:
    if who != "anonymous":
        client.force_login(UserFactory(is_staff=who == "staff"))
    for run in (brochure.summer_2022, *brochure.upcoming):
        html = page(client, run)
        assert run.joining_link
        assert run.joining_link not in html
        assert "zoom.us" not in html


def test_a_draft_run_is_not_found_by_the_public(
    client: Client, brochure: Demo, participant: User
) -> None:
    run = brochure.upcoming[0]
    CourseRun.objects.filter(pk=run.pk).update(status=RunStatus.DRAFT)
    url = reverse("catalogue:run", args=[run.pk])
    assert client.get(url).status_code == 404
    client.force_login(participant)
    assert client.get(url).status_code == 404


def test_a_draft_run_is_shown_to_staff_with_a_draft_banner(client: Client, brochure: Demo) -> None:
    run = brochure.upcoming[0]
    CourseRun.objects.filter(pk=run.pk).update(status=RunStatus.DRAFT)
    client.force_login(UserFactory(is_staff=True))
    html = page(client, run)
    assert "<strong>Draft</strong>" in html
    assert 'id="book"' not in html


def test_a_run_that_does_not_exist_is_not_found(client: Client, db: None) -> None:
    assert client.get(reverse("catalogue:run", args=[999999])).status_code == 404


def test_a_past_run_is_shown_as_finished_with_no_booking_action(
    client: Client, brochure: Demo
) -> None:
    html = page(client, brochure.summer_2022)
    assert "This run has finished" in html
    assert 'id="book"' not in html
    assert "Book a place" not in html


def test_a_cancelled_run_says_so_and_cannot_be_booked(client: Client, brochure: Demo) -> None:
    run = brochure.upcoming[0]
    CourseRun.objects.filter(pk=run.pk).update(status=RunStatus.CANCELLED)
    html = page(client, run)
    assert "This run has been cancelled" in html
    assert "Book a place" not in html


def _book_section(html: str) -> str:
    return html.split('id="book"')[1].split("</section>")[0]


def test_an_open_run_links_to_its_booking_page(client: Client, brochure: Demo) -> None:
    run = brochure.upcoming[0]
    html = page(client, run)
    section = _book_section(html)
    assert html.index('id="book"') < html.index('id="training-days"')  # near the top
    assert f'<a class="button" href="{reverse("bookings:book", kwargs={"run_id": run.pk})}">' \
           "Book a place</a>" in section
    assert "<button" not in section


def test_it_states_who_should_attend_and_what_attending_earns(
    client: Client, brochure: Demo
) -> None:
    html = page(client, brochure.upcoming[0])
    assert "Training is open to practitioners in CAMHS" in html
    assert "Attending all 4 days of training earns an Attendance Confirmation." in html
    assert "12 hours of group supervision, in 6 sessions of 2 hours" in html
    assert "None needed" in html  # Foundation has no prerequisite
    assert "Assessment fee" not in html  # Foundation has no coursework


def test_an_advanced_run_states_its_entry_requirements_coursework_and_fee(
    client: Client, brochure: Demo
) -> None:
    run = CourseRunFactory(level=brochure.advanced, title="Spring 2027",
                           days=[dt.date(2027, 3, d) for d in range(1, 7)])
    html = page(client, run)
    assert "Foundation (NVRA Level 1), completed within the previous 24 months" in html
    assert "Equivalent training with another provider is accepted, with evidence." in html
    assert "HCPC (Health and Care Professions Council)" in html
    assert "You need an approved application before you can book." in html
    assert "2 × Case study of 2000 words" in html
    assert "£300 (£250 + £50 VAT)" in text_of(html)
    assert "Attending all 6 days" in html


def test_members_only_and_early_rate_options_say_who_may_choose_them(
    client: Client, brochure: Demo
) -> None:
    run = brochure.upcoming[0]
    PriceOption.objects.create(run=run, name="Members' early rate", net_amount=Decimal("400"),
                               audience=Audience.MEMBERS, available_until=dt.date(2026, 12, 31),
                               position=3)
    html = page(client, run)
    assert "Members only, available until Thursday 31 December 2026" in html
    assert "£400" in html and "£480" in html
    assert "from £600 (£500 + £100 VAT)" in text_of(html)  # the members' rate is not everyone's "from"


def _run_with(n: int) -> CourseRun:
    VatRateFactory()
    run = CourseRunFactory(title="Big run")
    TrainingDay.objects.bulk_create(
        TrainingDay(run=run, number=i + 1, date=dt.date(2027, 1, 1) + dt.timedelta(days=i),
                    arrival_time=dt.time(9), start_time=dt.time(9, 30),
                    finish_time=dt.time(16, 30))
        for i in range(n)
    )
    PriceOption.objects.bulk_create(
        PriceOption(run=run, name=f"Option {i}", net_amount=Decimal(100 + i), position=i)
        for i in range(n)
    )
    return run


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)  # as a signed-in person sees it
@pytest.mark.parametrize("n", [1, 50])
def test_the_page_makes_the_same_queries_for_1_or_50_days_and_options(
    client: Client, db: None, django_assert_num_queries: object, n: int
) -> None:
    run = _run_with(n)
    # The run with its level, programme, provider, prerequisite and fee; its days; its options;
    # its level's coursework and accepted professional bodies; the VAT table; the places taken.
    with django_assert_num_queries(8):  # 7, and the footer's provider  # type: ignore[operator]
        html = page(client, run)
    assert html.count('class="day"') == n


@time_machine.travel(dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC), tick=False)
def test_places_left_and_full_are_shown_on_the_card_the_run_page_and_the_booking_form(
    client, db, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from tests.bookings.conftest import self_paying
    from tests.factories import PriceOptionFactory, UserFactory, VatRateFactory
    from trainingdesk.bookings.services import book

    VatRateFactory()
    run = CourseRunFactory(capacity=2, days=[dt.date(2027, 6, 1), dt.date(2027, 6, 2),
                                             dt.date(2027, 6, 3), dt.date(2027, 9, 14)],
                           booking_closes_at=dt.datetime(2027, 5, 25, tzinfo=dt.UTC))
    option = PriceOptionFactory(run=run, net_amount=Decimal("500"))
    now = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)

    def pages() -> tuple[str, str, str]:
        card = client.get(reverse("catalogue:index")).content.decode()
        page = client.get(reverse("catalogue:run", args=[run.pk])).content.decode()
        response = client.get(reverse("bookings:book", args=[run.pk]))
        assert response.status_code == 200, response.get("Location")
        return card, page, response.content.decode()

    client.force_login(UserFactory())

    def book_one() -> None:
        with django_capture_on_commit_callbacks(execute=True):  # the booking commits
            book(participant=UserFactory(), run_id=run.pk, option_id=option.pk, payer=self_paying(), now=now)

    book_one()
    card, page, form = pages()
    for html in (card, page, form):
        assert "1 place left of 2" in html
    assert "Full: join the waitlist" not in card + page
    book_one()
    card, page, form = pages()
    assert "Full: join the waitlist" in card and "Full: all 2 places taken" in card
    assert "Full: join the waitlist" in page and ">Join the waitlist</a>" in page
    assert "This run is full: you will join the waitlist." in form
