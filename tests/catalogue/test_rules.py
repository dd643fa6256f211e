"""The catalogue's pure rules, with plain values and no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from trainingdesk.catalogue.models import MAX_PRICE
from trainingdesk.catalogue.rules import (
    PRICE_LIMIT,
    DayPlan,
    booking_window_problems,
    day_problems,
    first_start,
    price_problem,
    schedule_problems,
    teaching_minutes,
    vat_rate_problem,
)

UK = ZoneInfo("Europe/London")
NINE, NINE_THIRTY, HALF_FOUR = dt.time(9), dt.time(9, 30), dt.time(16, 30)


def day(number: int, on: dt.date, start: dt.time = NINE_THIRTY, finish: dt.time = HALF_FOUR,
        arrival: dt.time | None = NINE) -> DayPlan:
    return DayPlan(number=number, date=on, start=start, finish=finish, arrival=arrival,
                   break_minutes=60)


BROCHURE = [
    day(1, dt.date(2022, 6, 21)), day(2, dt.date(2022, 6, 22)), day(3, dt.date(2022, 6, 23)),
    day(4, dt.date(2022, 9, 15)),
]


def messages(problems: list) -> list[str]:
    return [p.message for p in problems]


def test_the_brochure_schedule_has_no_problems_and_may_be_published() -> None:
    assert schedule_problems(BROCHURE, 4, publishing=True) == []


def test_a_run_with_three_days_cannot_be_published_for_a_four_day_level() -> None:
    problems = schedule_problems(BROCHURE[:3], 4, publishing=True)
    assert messages(problems) == [
        "This level requires 4 days and the run has 3: save it as a draft until its days are "
        "complete."
    ]
    assert problems[0].index is None


def test_a_run_with_three_days_may_be_saved_as_a_draft() -> None:
    assert schedule_problems(BROCHURE[:3], 4, publishing=False) == []


def test_a_run_with_five_days_cannot_be_published_for_a_four_day_level() -> None:
    extra = [*BROCHURE, day(5, dt.date(2022, 9, 16))]
    assert "the run has 5" in messages(schedule_problems(extra, 4, publishing=True))[0]


def test_a_day_that_finishes_before_it_starts_is_reported_at_its_finish() -> None:
    days = [BROCHURE[0], day(2, dt.date(2022, 6, 22), start=NINE_THIRTY, finish=NINE)]
    problems = schedule_problems(days, 2, publishing=False)
    assert [(p.index, p.field) for p in problems] == [(1, "finish_time")]


def test_arrival_after_the_start_is_reported_at_the_arrival() -> None:
    late = day(1, dt.date(2022, 6, 21), arrival=dt.time(10))
    assert day_problems(late) == [("arrival_time", "Arrival must be at or before the start.")]


def test_arrival_at_the_start_is_allowed() -> None:
    assert day_problems(day(1, dt.date(2022, 6, 21), arrival=NINE_THIRTY)) == []


def test_breaks_as_long_as_the_day_are_refused() -> None:
    long_breaks = DayPlan(1, dt.date(2022, 6, 21), NINE_THIRTY, dt.time(10, 30), None, 60)
    assert day_problems(long_breaks) == [("break_minutes", "Breaks must be shorter than the day.")]


def test_the_brochures_day_teaches_360_minutes() -> None:
    # "9am for 9.30am start. Finish 4.30pm. 1 hour lunch break"
    assert teaching_minutes(NINE_THIRTY, HALF_FOUR, 60) == 360


@pytest.mark.parametrize(("start", "finish", "breaks", "minutes"), [
    (NINE_THIRTY, HALF_FOUR, 0, 420),  # no breaks: the whole day
    (NINE_THIRTY, HALF_FOUR, 45, 375),
    (NINE_THIRTY, HALF_FOUR, 419, 1),  # the shortest day the schedule accepts
    (NINE_THIRTY, HALF_FOUR, 420, 0),  # breaks that fill the day: nothing, never less
    (NINE_THIRTY, HALF_FOUR, 600, 0),
    (HALF_FOUR, NINE_THIRTY, 0, 0),  # finishing before it starts
    (dt.time(9, 30, 30), HALF_FOUR, 60, 359),  # whole minutes only
])
def test_a_days_teaching_is_start_to_finish_less_its_breaks_and_never_below_nothing(
        start: dt.time, finish: dt.time, breaks: int, minutes: int) -> None:
    assert teaching_minutes(start, finish, breaks) == minutes


@pytest.mark.parametrize("breaks", [0, 60, 419, 420, 421, 600])
def test_the_schedule_refuses_a_days_breaks_exactly_when_they_leave_no_teaching(breaks: int) -> None:
    plan = DayPlan(1, dt.date(2022, 6, 21), NINE_THIRTY, HALF_FOUR, None, breaks)
    refused = ("break_minutes", "Breaks must be shorter than the day.") in day_problems(plan)
    assert refused == (teaching_minutes(NINE_THIRTY, HALF_FOUR, breaks) == 0)


def test_day_two_dated_before_day_one_is_out_of_order() -> None:
    days = [day(1, dt.date(2022, 6, 22)), day(2, dt.date(2022, 6, 21))]
    problems = schedule_problems(days, 2, publishing=False)
    assert [(p.index, p.field) for p in problems] == [(1, "date")]
    assert problems[0].message == (
        "Day 2 is dated before day 1: days must be in date order."
    )


def test_two_days_on_one_date_overlap() -> None:
    days = [day(1, dt.date(2022, 6, 21)), day(2, dt.date(2022, 6, 21))]
    problems = schedule_problems(days, 2, publishing=False)
    assert [(p.index, p.field) for p in problems] == [(1, "date")]
    assert "same date as day 1" in problems[0].message


def test_a_gap_in_the_numbering_is_refused() -> None:
    days = [day(1, dt.date(2022, 6, 21)), day(3, dt.date(2022, 6, 22))]
    assert messages(schedule_problems(days, 2, publishing=False)) == [
        "Days must be numbered 1, 2, 3 ... without gaps."
    ]


def test_two_days_with_one_number_are_refused() -> None:
    days = [day(1, dt.date(2022, 6, 21)), day(1, dt.date(2022, 6, 22))]
    problems = schedule_problems(days, 2, publishing=False)
    assert [(p.index, p.field) for p in problems][0] == (1, "number")


def test_days_given_out_of_number_order_are_checked_by_number() -> None:
    days = [BROCHURE[3], BROCHURE[0], BROCHURE[2], BROCHURE[1]]
    assert schedule_problems(days, 4, publishing=True) == []


def test_the_first_start_is_the_earliest_day_in_the_runs_zone() -> None:
    days = [BROCHURE[1], BROCHURE[0]]
    assert first_start(days, "Europe/London") == dt.datetime(2022, 6, 21, 9, 30, tzinfo=UK)
    assert first_start(days, "Europe/London").astimezone(dt.UTC).hour == 8  # BST
    assert first_start([], "Europe/London") is None


def test_a_booking_window_closing_before_the_first_day_is_fine() -> None:
    closes = dt.datetime(2022, 6, 14, 17, tzinfo=UK)
    assert booking_window_problems(None, closes, first_start(BROCHURE, "Europe/London")) == []


def test_a_booking_window_closing_after_the_first_day_starts_is_refused() -> None:
    closes = dt.datetime(2022, 6, 21, 9, 45, tzinfo=UK)
    assert booking_window_problems(None, closes, first_start(BROCHURE, "Europe/London")) == [
        ("booking_closes_at",
         "Booking must close before the first day starts (Tuesday 21 June 2022, 9:30am).")
    ]


def test_the_booking_window_compares_instants_not_wall_clocks() -> None:
    # 9:00 UTC on 21 June is 10:00 in London, after the 9:30 start there.
    closes = dt.datetime(2022, 6, 21, 9, 0, tzinfo=dt.UTC)
    problems = booking_window_problems(None, closes, first_start(BROCHURE, "Europe/London"))
    assert [field for field, _ in problems] == ["booking_closes_at"]
    # ... but the same instant is before a 9:30 start in New York.
    assert booking_window_problems(None, closes, first_start(BROCHURE, "America/New_York")) == []


def test_a_booking_window_that_opens_after_it_closes_is_refused() -> None:
    opens = dt.datetime(2022, 6, 15, tzinfo=UK)
    closes = dt.datetime(2022, 6, 14, tzinfo=UK)
    assert booking_window_problems(opens, closes, None) == [
        ("booking_opens_at", "Booking must open before it closes.")
    ]


@pytest.mark.parametrize(
    ("amount", "ok"),
    [("0", True), ("500.00", True), ("660", True), ("100000", True), ("-0.01", False),
     ("100000.01", False), ("6600000", False), ("NaN", False)],
)
def test_prices_must_be_between_nothing_and_a_hundred_thousand_pounds(amount: str, ok: bool) -> None:
    assert (price_problem(Decimal(amount)) is None) is ok


def test_a_negative_price_is_called_negative() -> None:
    assert price_problem(Decimal("-1")) == "A price cannot be negative."


def test_the_price_limit_is_the_models_limit() -> None:
    assert PRICE_LIMIT == MAX_PRICE


@pytest.mark.parametrize(
    ("percent", "ok"),
    [("0", True), ("5", True), ("20", True), ("17.5", True), ("100", True), ("-1", False),
     ("100.01", False), ("Infinity", False)],
)
def test_vat_rates_must_lie_between_0_and_100_percent(percent: str, ok: bool) -> None:
    assert (vat_rate_problem(Decimal(percent)) is None) is ok
