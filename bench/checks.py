"""Pure checks of what a benchmark left in the database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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
