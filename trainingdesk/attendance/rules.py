"""Pure rules of attendance: what counts as attending a day, when a level's set of days is
complete, and what a Zoom report says about a person's day. No database here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

PRESENT, LATE, LEFT_EARLY, ABSENT = "present", "late", "left_early", "absent"
# Joining or leaving within this many minutes of the start or finish is on time.
GRACE_MINUTES = 5


def counts_as_attended(status: str, minutes_missed: int, *, teaching_minutes: int,
                       minimum_percent: int) -> bool:
    """Present counts; late or leaving early counts while the minutes missed leave at least
    `minimum_percent` of the day's teaching; absent never counts."""
    if status == PRESENT:
        return True
    if status in (LATE, LEFT_EARLY):
        attended = max(teaching_minutes - minutes_missed, 0)
        return attended * 100 >= minimum_percent * teaching_minutes
    return False


@dataclass(frozen=True)
class Completion:
    complete: bool
    missing: tuple[int, ...]
    too_late: bool = False


def completion(
    attended: Mapping[int, dt.date], *, days_required: int, within_months: int | None
) -> Completion:
    """Is the set of days 1..`days_required` attended (by day number -> date attended, across
    runs for make-up days), within `within_months` from the first to the last?"""
    missing = tuple(n for n in range(1, days_required + 1) if n not in attended)
    if missing:
        return Completion(False, missing)
    dates = [attended[n] for n in range(1, days_required + 1)]
    if within_months is not None and max(dates) > min(dates) + relativedelta(months=within_months):
        return Completion(False, (), too_late=True)
    return Completion(True, ())


@dataclass(frozen=True)
class ZoomSession:
    joined_at: dt.datetime
    left_at: dt.datetime
    minutes: int


@dataclass(frozen=True)
class ZoomVerdict:
    status: str
    minutes_attended: int
    minutes_missed: int


@dataclass(frozen=True)
class Merged:
    spans: tuple[tuple[dt.datetime, dt.datetime], ...]  # connected, in order, none overlapping
    overlapping: int  # sessions that began while another was still connected: counted once


def merge_sessions(sessions: Iterable[ZoomSession]) -> Merged:
    """A person's time connected: sessions that overlap (a laptop and a phone at once) are
    merged into one span, so their time counts once. Leaving and joining again is two spans."""
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    overlapping = 0
    for session in sorted(sessions, key=lambda s: s.joined_at):
        if spans and session.joined_at < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], session.left_at))
            overlapping += 1
        else:
            spans.append((session.joined_at, session.left_at))
    return Merged(tuple(spans), overlapping)


def _teaching_windows(starts_at: dt.datetime, finishes_at: dt.datetime, break_minutes: int
                      ) -> list[tuple[dt.datetime, dt.datetime]]:
    """The day's teaching time, with its break taken to be in the middle (lunch)."""
    if break_minutes <= 0:
        return [(starts_at, finishes_at)]
    middle = starts_at + (finishes_at - starts_at) / 2
    half = dt.timedelta(minutes=break_minutes) / 2
    return [(starts_at, max(middle - half, starts_at)), (min(middle + half, finishes_at), finishes_at)]


def _minutes_within(spans: Iterable[tuple[dt.datetime, dt.datetime]],
                    windows: list[tuple[dt.datetime, dt.datetime]]) -> int:
    """Minutes of the (merged, so never overlapping) spans within teaching time."""
    total = dt.timedelta(0)
    for start, end in spans:
        for window_start, window_end in windows:
            overlap = min(end, window_end) - max(start, window_start)
            if overlap > dt.timedelta(0):
                total += overlap
    return int(total.total_seconds() // 60)


def zoom_verdict(
    sessions: Iterable[ZoomSession], *, starts_at: dt.datetime, finishes_at: dt.datetime,
    break_minutes: int, teaching_minutes: int, minimum_percent: int,
) -> ZoomVerdict:
    """A person's day from their rows in a Zoom participant report (one row per time they
    joined), as a mark a trainer would give: the minutes say what happened, and
    `counts_as_attended` then says whether the day counts.

    Only time connected during teaching counts: not before the start, after the finish or in
    the break (taken to be in the middle of the day), and two devices at once count once; so
    joining at 9am for a 9.30am start, or staying on through lunch, does not make up for
    leaving an hour early. Late or left early by their first join and last leave, with every
    minute missed; away in the middle of the day, for more than the minimum allows, is left
    early too; absent only with no minute of teaching; else present."""
    sessions = list(sessions)
    teaching = teaching_minutes
    spans = merge_sessions(sessions).spans
    attended = min(_minutes_within(spans, _teaching_windows(starts_at, finishes_at, break_minutes)),
                   teaching)
    missed = teaching - attended
    if not spans or attended <= 0:
        return ZoomVerdict(ABSENT, 0, 0)
    if missed <= GRACE_MINUTES:
        return ZoomVerdict(PRESENT, attended, 0)
    grace = dt.timedelta(minutes=GRACE_MINUTES)
    if spans[0][0] > starts_at + grace:
        return ZoomVerdict(LATE, attended, missed)
    if spans[-1][1] < finishes_at - grace or attended * 100 < minimum_percent * teaching:
        return ZoomVerdict(LEFT_EARLY, attended, missed)
    return ZoomVerdict(PRESENT, attended, 0)


def minimum_minutes(teaching_minutes: int, minimum_percent: int) -> int:
    """The fewest minutes of a day's teaching that make it count: 80% of 360 is 288."""
    return -(-teaching_minutes * minimum_percent // 100)
