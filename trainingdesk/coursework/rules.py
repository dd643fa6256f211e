"""The coursework's rules, from the brochure's "Evaluation & Certification", as pure functions:
no database. The numbers (words, tolerance, months, hours) are the level's configuration; these
functions only apply them.

- Each case study is about its target length: within `tolerance_percent` either side, inclusive
  (2000 words, 10%: 1800 to 2200 words).
- Coursework is due `months` after the last day of the Advanced level, later by any extension
  the coordinator grants (with a reason); after that it is accepted only with an extension.
- A portfolio is submitted only when every component is there and within its limits.
- The certificate needs both levels' Attendance Confirmations, the supervision hours (or the
  participant's own supervisor recorded) and the coursework passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class WordLimit:
    target: int
    tolerance_percent: int = 10

    @property
    def lowest(self) -> int:
        return int((Decimal(self.target) * (100 - self.tolerance_percent) / 100)
                   .quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def highest(self) -> int:
        return int((Decimal(self.target) * (100 + self.tolerance_percent) / 100)
                   .quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def problem(self, words: int) -> str | None:
        """Why this many words are outside the limit; None when within it (inclusive)."""
        if words < self.lowest:
            return (f"{words:,} words: at least {self.lowest:,} are needed "
                    f"({self.target:,} words, {self.tolerance_percent}% either side).")
        if words > self.highest:
            return (f"{words:,} words: at most {self.highest:,} are allowed "
                    f"({self.target:,} words, {self.tolerance_percent}% either side).")
        return None


def deadline(advanced_completed_on: dt.date, *, months: int,
             extensions_days: tuple[int, ...] = ()) -> dt.date:
    """The last day to submit: `months` calendar months after the Advanced level's last day,
    plus every extension granted."""
    return (advanced_completed_on + relativedelta(months=months)
            + dt.timedelta(days=sum(extensions_days)))


def time_left(due: dt.date, today: dt.date) -> str:
    """The deadline as the portfolio page says it."""
    days = (due - today).days
    if days < 0:
        return f"The deadline passed {(-days):,} day{'s' if days != -1 else ''} ago."
    if days == 0:
        return "The deadline is today."
    return f"{days:,} day{'s' if days != 1 else ''} left."


@dataclass(frozen=True)
class Component:
    """One required part of the portfolio as it stands: a case study (with its word count and
    limit), the reflective log, the reading list confirmed."""

    title: str
    present: bool
    words: int | None = None
    limit: WordLimit | None = None


def submission_problems(components: list[Component], *, today: dt.date, due: dt.date) -> list[str]:
    """Every reason the portfolio cannot be submitted now, at once; empty when it can."""
    problems = []
    for component in components:
        if not component.present:
            problems.append(f"{component.title}: not there yet.")
        elif (component.limit is not None and component.words is not None
              and (problem := component.limit.problem(component.words))):
            problems.append(f"{component.title}: {problem}")
    if today > due:
        problems.append("The deadline has passed: ask the coordinator for an extension.")
    return problems


@dataclass(frozen=True)
class Pathway:
    foundation_confirmed: bool
    advanced_confirmed: bool
    supervision_hours: Decimal
    supervision_hours_required: int
    own_supervisor_recorded: bool
    coursework_passed: bool


def certificate_missing(pathway: Pathway) -> list[str]:
    """What the certificate still needs, in the brochure's order; empty when it can be issued."""
    missing = []
    if not pathway.foundation_confirmed:
        missing.append("The Foundation Level's Attendance Confirmation.")
    if not pathway.advanced_confirmed:
        missing.append("The Advanced Level's Attendance Confirmation.")
    if (pathway.supervision_hours < pathway.supervision_hours_required
            and not pathway.own_supervisor_recorded):
        missing.append(f"{pathway.supervision_hours_required} hours of group supervision "
                       f"({pathway.supervision_hours} so far), or your own supervisor recorded.")
    if not pathway.coursework_passed:
        missing.append("The coursework, passed.")
    return missing
