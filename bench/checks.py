"""Pure checks of what a benchmark left in the database and at the mail server."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class NumberRun:
    """What a series of document numbers looks like: its range, and what breaks it."""

    count: int
    first: int | None
    last: int | None
    missing: list[int]  # numbers between the first and the last that were never issued
    duplicated: list[int]

    @property
    def gapless(self) -> bool:
        return not self.missing and not self.duplicated


def number_run(numbers: Iterable[str], prefix: str) -> NumberRun:
    """Read numbers like INV-000042 of one series; refuse any of another series."""
    values = []
    for number in numbers:
        if not number.startswith(prefix) or not number[len(prefix):].isdigit():
            raise ValueError(f"{number!r} is not a number of the {prefix!r} series")
        values.append(int(number[len(prefix):]))
    if not values:
        return NumberRun(0, None, None, [], [])
    seen = Counter(values)
    first, last = min(seen), max(seen)
    return NumberRun(
        count=len(values), first=first, last=last,
        missing=[n for n in range(first, last + 1) if n not in seen],
        duplicated=sorted(n for n, times in seen.items() if times > 1),
    )


@dataclass(frozen=True)
class RushOutcome:
    capacity: int
    participants: int
    confirmed: int
    waitlisted: int

    @property
    def oversold(self) -> int:
        return max(0, self.confirmed - self.capacity)

    @property
    def expected_confirmed(self) -> int:
        return min(self.capacity, self.participants)

    @property
    def problems(self) -> list[str]:
        """Each way the rush's outcome differs from a run filled exactly, the rest in line."""
        found = []
        if self.confirmed != self.expected_confirmed:
            found.append(f"{self.confirmed} confirmed, not {self.expected_confirmed}")
        if self.waitlisted != self.participants - self.expected_confirmed:
            found.append(f"{self.waitlisted} waitlisted, not "
                         f"{self.participants - self.expected_confirmed}")
        return found


# --- Emails: each delivered exactly once ------------------------------------------------------


@dataclass(frozen=True)
class Deliveries:
    """What the mail server received of the emails a benchmark expected to be sent."""

    expected: int
    lost: list[str]  # Message-IDs never received
    duplicated: dict[str, int]  # Message-ID: times received, when more than once
    misaddressed: list[str]  # received for recipients other than the email's
    last_at: float | None  # when the last of them was received

    @property
    def exactly_once(self) -> bool:
        return not self.lost and not self.duplicated and not self.misaddressed

    @property
    def extra_copies(self) -> int:
        return sum(times - 1 for times in self.duplicated.values())


def deliveries(
    expected: Mapping[str, Sequence[str]], received: Iterable[tuple[str, Sequence[str], float]],
) -> Deliveries:
    """`expected`: each email's Message-ID and recipients; `received`: (Message-ID, recipients,
    time) of each message the mail server accepted. Messages of other emails are ignored."""
    times: Counter[str] = Counter()
    misaddressed, last_at = set(), None
    for message_id, to, at in received:
        if message_id not in expected:
            continue
        times[message_id] += 1
        if sorted(to) != sorted(expected[message_id]):
            misaddressed.add(message_id)
        last_at = at if last_at is None else max(last_at, at)
    return Deliveries(
        expected=len(expected),
        lost=sorted(m for m in expected if not times[m]),
        duplicated={m: n for m, n in sorted(times.items()) if n > 1},
        misaddressed=sorted(misaddressed),
        last_at=last_at,
    )


# --- Bookings: each whole or absent -----------------------------------------------------------


@dataclass(frozen=True)
class SavedBooking:
    """A booking as found afterwards, with what it should have brought with it."""

    participant: int
    has_seat: bool
    invoices: int
    emails: int  # to the participant, written since the rush began


def half_saved(bookings: Iterable[SavedBooking]) -> list[str]:
    """Bookings without all their parts: a seat comes with one invoice and one email, a place
    in line with one email and no invoice."""
    found = []
    for b in bookings:
        invoices = 1 if b.has_seat else 0
        if b.invoices != invoices or b.emails != 1:
            found.append(f"participant {b.participant}: {'a seat' if b.has_seat else 'waitlisted'}"
                         f" with {b.invoices} invoices and {b.emails} emails")
    return found


@dataclass(frozen=True)
class BookedOnce:
    missing: list[int]  # participants who submitted and have no booking
    doubled: list[int]  # participants with more than one

    @property
    def ok(self) -> bool:
        return not self.missing and not self.doubled


def booked_once(participants: Iterable[int], bookings: Iterable[SavedBooking]) -> BookedOnce:
    """Every participant who submitted has exactly one booking."""
    counted = Counter(b.participant for b in bookings)
    return BookedOnce(
        missing=sorted(p for p in participants if not counted[p]),
        doubled=sorted(p for p, n in counted.items() if n > 1),
    )
