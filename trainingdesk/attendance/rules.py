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


def _teaching_windows(starts_at: dt.datetime, finishes_at: dt.datetime, break_minutes: int
                      ) -> list[tuple[dt.datetime, dt.datetime]]:
    """The day's teaching time, with its break taken to be in the middle (lunch)."""
    if break_minutes <= 0:
        return [(starts_at, finishes_at)]
    middle = starts_at + (finishes_at - starts_at) / 2
    half = dt.timedelta(minutes=break_minutes) / 2
    return [(starts_at, max(middle - half, starts_at)), (min(middle + half, finishes_at), finishes_at)]


def _minutes_within(sessions: list[ZoomSession], windows: list[tuple[dt.datetime, dt.datetime]]) -> int:
    """Minutes connected during teaching time; time on two devices at once counts once."""
    total = dt.timedelta(0)
    for window_start, window_end in windows:
        reached = window_start
        for session in sessions:  # sorted by joining time
            begin = max(session.joined_at, reached)
            end = min(session.left_at, window_end)
            if end > begin:
                total += end - begin
                reached = end
    return int(total.total_seconds() // 60)


def zoom_verdict(
    sessions: Iterable[ZoomSession], *, starts_at: dt.datetime, finishes_at: dt.datetime,
    break_minutes: int, minimum_percent: int,
) -> ZoomVerdict:
    """A person's day from their rows in a Zoom participant report (one row per time they
    joined). Only time connected during teaching counts: not before the start, after the
    finish or in the break (taken to be in the middle of the day), and two devices at once
    count once; so joining at 9am for a 9.30am start, or staying on through lunch, does not
    make up for leaving an hour early. Below the minimum share of the day they are absent;
    otherwise late or left early by their first join and last leave, with the minutes missed;
    else present."""
    sessions = sorted(sessions, key=lambda s: s.joined_at)
    teaching = max(int((finishes_at - starts_at).total_seconds() // 60) - break_minutes, 1)
    windows = _teaching_windows(starts_at, finishes_at, break_minutes)
    attended = min(_minutes_within(sessions, windows), teaching)
    missed = teaching - attended
    if not sessions or attended * 100 < minimum_percent * teaching:
        return ZoomVerdict(ABSENT, attended, 0)
    grace = dt.timedelta(minutes=GRACE_MINUTES)
    if sessions[0].joined_at > starts_at + grace and missed > GRACE_MINUTES:
        return ZoomVerdict(LATE, attended, missed)
    if max(s.left_at for s in sessions) < finishes_at - grace and missed > GRACE_MINUTES:
        return ZoomVerdict(LEFT_EARLY, attended, missed)
    return ZoomVerdict(PRESENT, attended, 0)
