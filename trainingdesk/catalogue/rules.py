"""Pure rules of the catalogue: a run's schedule and whether it may be published.

No database here: the back office and the tests call these with plain values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from trainingdesk.lib.zones import aware, format_clock, format_day

# The highest price or fee the back office accepts; equal to catalogue.models.MAX_PRICE.
PRICE_LIMIT = Decimal("100000")


@dataclass(frozen=True)
class DayPlan:
    number: int
    date: dt.date
    start: dt.time
    finish: dt.time
    arrival: dt.time | None = None
    break_minutes: int = 0


def teaching_minutes(start: dt.time, finish: dt.time, break_minutes: int) -> int:
    """A day's teaching in whole minutes: from its start to its finish on the clock, less its
    breaks, and never below 0 (a day whose breaks fill it teaches nothing). The brochure's
    9.30am start, 4.30pm finish and 1 hour lunch break make 360. The one statement of the rule:
    the day's model, the schedule's check, registers, Zoom reports and confirmations use it."""
    span = dt.datetime.combine(dt.date.min, finish) - dt.datetime.combine(dt.date.min, start)
    return max(int(span.total_seconds() // 60) - break_minutes, 0)


@dataclass(frozen=True)
class Problem:
    """A problem with a run's days; `index` is the day's place in the list, or None."""

    message: str
    index: int | None = None
    field: str | None = None


def day_problems(day: DayPlan) -> list[tuple[str, str]]:
    """(field, message) for what is wrong with one day on its own."""
    problems: list[tuple[str, str]] = []
    if day.finish <= day.start:
        problems.append(("finish_time", "The day must finish after it starts."))
    if day.arrival is not None and day.arrival > day.start:
        problems.append(("arrival_time", "Arrival must be at or before the start."))
    if day.finish > day.start and teaching_minutes(day.start, day.finish, day.break_minutes) == 0:
        problems.append(("break_minutes", "Breaks must be shorter than the day."))
    return problems


def schedule_problems(days: list[DayPlan], days_required: int, *, publishing: bool) -> list[Problem]:
    """What stops this set of days from being a run's schedule.

    Days are numbered 1, 2, 3 ... and their dates must rise with their numbers; two days may not
    share a date (they would overlap). A run may be saved as a draft with fewer or more days
    than its level requires, but not published.
    """
    problems: list[Problem] = []
    for index, day in enumerate(days):
        for field, message in day_problems(day):
            problems.append(Problem(message, index, field))

    seen_dates: dict[dt.date, int] = {}
    seen_numbers: dict[int, int] = {}
    for index, day in enumerate(days):
        if day.date in seen_dates:
            problems.append(Problem(
                f"Day {day.number} is on the same date as day {days[seen_dates[day.date]].number}: "
                "days may not overlap.", index, "date"))
        seen_dates.setdefault(day.date, index)
        if day.number in seen_numbers:
            problems.append(Problem(f"There are two days numbered {day.number}.", index, "number"))
        seen_numbers.setdefault(day.number, index)

    by_number = sorted(range(len(days)), key=lambda i: days[i].number)
    for before, after in zip(by_number, by_number[1:], strict=False):
        if days[after].number != days[before].number and days[after].date < days[before].date:
            problems.append(Problem(
                f"Day {days[after].number} is dated before day {days[before].number}: "
                "days must be in date order.", after, "date"))

    numbers = sorted(seen_numbers)
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        problems.append(Problem("Days must be numbered 1, 2, 3 ... without gaps."))

    if publishing and len(days) != days_required:
        problems.append(Problem(
            f"This level requires {days_required} days and the run has {len(days)}: "
            "save it as a draft until its days are complete."))
    return problems


def first_start(days: list[DayPlan], zone: str) -> dt.datetime | None:
    """The instant the earliest of these days starts, its wall-clock time read in `zone`."""
    if not days:
        return None
    first = min(days, key=lambda d: (d.date, d.start))
    return aware(first.date, first.start, zone)


def booking_window_problems(
    opens_at: dt.datetime | None, closes_at: dt.datetime | None, first_start: dt.datetime | None
) -> list[tuple[str, str]]:
    """(field, message) for a booking window that opens after it closes or closes too late.

    `first_start` is aware, in the run's zone; the message names it in that zone.
    """
    problems: list[tuple[str, str]] = []
    if opens_at and closes_at and opens_at >= closes_at:
        problems.append(("booking_opens_at", "Booking must open before it closes."))
    if closes_at and first_start and closes_at > first_start:
        problems.append((
            "booking_closes_at",
            "Booking must close before the first day starts "
            f"({format_day(first_start.date())}, {format_clock(first_start)}).",
        ))
    return problems


def price_problem(amount: Decimal, *, limit: Decimal = PRICE_LIMIT) -> str | None:
    """What is wrong with a price or fee in pounds, or None: not negative, not absurd."""
    if not amount.is_finite():
        return "Enter an amount of money, such as 500.00."
    if amount < 0:
        return "A price cannot be negative."
    if amount > limit:
        return f"A price cannot be more than £{limit:,}: check for a typing mistake."
    return None


def vat_rate_problem(percent: Decimal) -> str | None:
    """What is wrong with a VAT rate in percent, or None: it must lie between 0% and 100%."""
    if not percent.is_finite() or percent < 0 or percent > 100:
        return "A VAT rate must be between 0% and 100%, such as 20 for the standard rate."
    return None
