"""A supervision group's sessions, proposed by pure functions: no database, no models.

The brochure's "International ONLINE Group Supervision": 12 hours "split into 6 x 2 hour
sessions", "on a prearranged evening, every 2 months", which "will commence approx. 4 weeks
after the last day of training". Those numbers are the defaults of `Terms`; the real ones are
data on the level or the price option, passed in.

How the dates are found (`propose`):

- The first session is the group's weekday on or after the last training day plus the delay
  (4 weeks): for the demo run, last day Thursday 15 September 2022, a Tuesday group first meets on
  Tuesday 18 October 2022.
- Session k (counting from 0) is anchored `k x interval` calendar months after the first
  session's date, then moved forward to the group's weekday. The anchors are all counted from the
  first session, never from the session before: chaining would carry each step's move to the
  weekday (up to 6 days) and each short month's clipping (31 December + 2 months = 28 February,
  then 28 April rather than 30 April) into every later session, so the evening would creep
  later through the year. Calendar months come from `relativedelta`: 31 January + 2 months is
  31 March, 31 December + 2 months is 28 (or 29) February.
- A session on a bank holiday of the group's country and subdivision (the `holidays` package:
  "GB" with "ENG", "SCT", "WLS" or "NIR") moves to the same evening a week later, again while
  that is a holiday too. Only that session moves; the anchors of the others stay.
- Each session starts at the evening's local wall-clock time on its date, so a 7pm UK group
  meets at 7pm in October and in December alike (18:00 then 19:00 UTC). A local time that does
  not exist on a session's date (the hour skipped when clocks go forward) or that happens twice
  (when they go back) is refused with a ValueError that names the date: the caller shows it as a
  form error and the coordinator chooses another time.

`moved` and `cancelled` check a coordinator's change to one session and return the new list;
what they refuse raises `ScheduleError` (a ValueError) with a message for the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

from trainingdesk.lib.zones import format_clock, format_day, is_zone

UTC = dt.UTC
# More bank holidays than this in a row on one weekday is a broken calendar, not a real one.
MOST_HOLIDAY_WEEKS = 8


class ScheduleError(ValueError):
    """A schedule that cannot be proposed, or a change to one that is refused. The message is
    for the person: the caller turns it into a form error."""


@dataclass(frozen=True)
class Terms:
    """What the supervision option gives: by default the brochure's "6 x 2 hour sessions ...
    every 2 months", from "approx. 4 weeks after the last day of training"."""

    sessions: int = 6
    minutes: int = 120
    interval_months: int = 2
    weeks_after_training: int = 4

    def __post_init__(self) -> None:
        if self.sessions < 1:
            raise ScheduleError("A supervision schedule needs at least 1 session.")
        if not 1 <= self.minutes <= 24 * 60:
            raise ScheduleError("A supervision session lasts from 1 minute to 24 hours.")
        if self.interval_months < 1:
            raise ScheduleError("Supervision sessions are at least 1 month apart.")
        if self.weeks_after_training < 0:
            raise ScheduleError("Supervision cannot start before the last training day.")

    @property
    def total_minutes(self) -> int:
        """The hours the option promises, in minutes: 720 (12 hours) by default."""
        return self.sessions * self.minutes


@dataclass(frozen=True)
class Evening:
    """A group's prearranged evening: a weekday (0 Monday to 6 Sunday) and a local start time in
    an IANA zone, and the country and subdivision whose bank holidays it avoids."""

    weekday: int
    starts_at: dt.time
    zone: str
    country: str = "GB"
    subdivision: str | None = "ENG"

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ScheduleError(f"A weekday is 0 (Monday) to 6 (Sunday), not {self.weekday}.")
        if self.starts_at.tzinfo is not None:
            raise ScheduleError("The evening's start is a local time, without a zone of its own.")
        if not is_zone(self.zone):
            raise ScheduleError(f"{self.zone!r} is not a time zone this site knows.")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


@dataclass(frozen=True)
class Holiday:
    on: dt.date
    name: str


@dataclass(frozen=True)
class Session:
    """One session: `starts` and `ends` are aware, in the group's zone; `starts_utc` and
    `ends_utc` are the same instants in UTC, to store. `skipped` lists the bank holidays it was
    moved off when proposed."""

    number: int
    starts: dt.datetime
    ends: dt.datetime
    cancelled: bool = False
    skipped: tuple[Holiday, ...] = field(default=())

    @property
    def starts_utc(self) -> dt.datetime:
        return self.starts.astimezone(UTC)

    @property
    def ends_utc(self) -> dt.datetime:
        return self.ends.astimezone(UTC)

    @property
    def minutes(self) -> int:
        return int((self.ends_utc - self.starts_utc).total_seconds() // 60)

    def overlaps(self, other: Session) -> bool:
        """Whether the two share any time; one ending as the other starts does not."""
        return self.starts_utc < other.ends_utc and other.starts_utc < self.ends_utc


def local_start(on: dt.date, at: dt.time, zone: str) -> dt.datetime:
    """The instant a wall-clock time on a date in a zone stands for, refusing one that does not
    exist there (the hour skipped when clocks go forward) or happens twice (when they go back)."""
    tz = ZoneInfo(zone)
    wall = dt.datetime.combine(on, at)
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    clock, day = format_clock(wall), format_day(on)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        raise ScheduleError(
            f"{clock} does not exist in {zone} on {day}: the clocks go forward then. "
            "Choose another time for the evening.")
    raise ScheduleError(
        f"{clock} happens twice in {zone} on {day}: the clocks go back then. "
        "Choose another time for the evening.")


def bank_holidays(country: str, subdivision: str | None) -> holidays.HolidayBase:
    """The bank holidays of a country and subdivision ("GB", "ENG"), for any year asked about."""
    try:
        return holidays.country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError as error:
        where = f"{country} ({subdivision})" if subdivision else country
        raise ScheduleError(f"No bank holidays are known for {where}.") from error


def on_or_after(day: dt.date, weekday: int) -> dt.date:
    """The first `weekday` (0 Monday) on or after `day`."""
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def first_anchor(terms: Terms, last_training_day: dt.date, weekday: int) -> dt.date:
    """The group's weekday on or after the last training day plus the delay, before any bank
    holiday moves it: the day every later session is counted from."""
    return on_or_after(last_training_day + dt.timedelta(weeks=terms.weeks_after_training), weekday)


def propose(*, terms: Terms, last_training_day: dt.date, evening: Evening) -> list[Session]:
    """The group's sessions: by default 6 x 2 hours, every 2 months on the group's evening, from
    about 4 weeks after the last training day, each off the bank holidays of the group's
    country and at the evening's local time (see the module's docstring for how)."""
    calendar = bank_holidays(evening.country, evening.subdivision)
    first = first_anchor(terms, last_training_day, evening.weekday)
    length = dt.timedelta(minutes=terms.minutes)
    sessions: list[Session] = []
    for k in range(terms.sessions):
        on = on_or_after(first + relativedelta(months=k * terms.interval_months), evening.weekday)
        skipped: list[Holiday] = []
        while on in calendar:
            if len(skipped) == MOST_HOLIDAY_WEEKS:
                raise ScheduleError(f"Every {on:%A} from {format_day(skipped[0].on)} on for "
                                    f"{MOST_HOLIDAY_WEEKS} weeks is a bank holiday.")
            skipped.append(Holiday(on, calendar.get(on) or ""))
            on += dt.timedelta(weeks=1)
        starts = local_start(on, evening.starts_at, evening.zone)
        ends = (starts.astimezone(UTC) + length).astimezone(evening.tz)
        sessions.append(Session(number=k + 1, starts=starts, ends=ends, skipped=tuple(skipped)))
    return sessions


def _check_change(sessions: Sequence[Session], index: int, now: dt.datetime, verb: str) -> Session:
    if now.tzinfo is None:
        raise ValueError("`now` must be an aware datetime.")
    if not 0 <= index < len(sessions):
        raise ScheduleError(f"There is no session {index + 1} in this schedule.")
    session = sessions[index]
    if session.cancelled:
        raise ScheduleError(f"Session {session.number} is cancelled: it cannot be {verb}.")
    if session.starts_utc <= now:
        raise ScheduleError(f"Session {session.number} has already started: it cannot be {verb}.")
    return session


def moved(sessions: Sequence[Session], index: int, new_start: dt.datetime,
          now: dt.datetime) -> list[Session]:
    """The schedule with the session at `index` moved to start at `new_start` (aware; kept in the
    group's zone), the same length as before, the others unchanged and in the same places.
    Refused: a session that has started or is cancelled, a start in the past or at a local time
    that does not exist or happens twice, and a time that overlaps another session of the
    group."""
    session = _check_change(sessions, index, now, "moved")
    if new_start.tzinfo is None:
        raise ValueError("`new_start` must be an aware datetime.")
    if isinstance(new_start.tzinfo, ZoneInfo):
        local_start(new_start.date(), new_start.time(), new_start.tzinfo.key)
    if new_start.astimezone(UTC) <= now:
        raise ScheduleError("A session cannot be moved into the past.")
    tz = session.starts.tzinfo
    starts = new_start.astimezone(tz)
    ends = (starts.astimezone(UTC) + (session.ends_utc - session.starts_utc)).astimezone(tz)
    changed = replace(session, starts=starts, ends=ends, skipped=())
    for i, other in enumerate(sessions):
        if i != index and not other.cancelled and changed.overlaps(other):
            local = other.starts.astimezone(tz)
            raise ScheduleError(
                f"That overlaps session {other.number} of this group, "
                f"{format_day(local.date())} at {format_clock(local)}.")
    return [changed if i == index else s for i, s in enumerate(sessions)]


def cancelled(sessions: Sequence[Session], index: int, now: dt.datetime) -> list[Session]:
    """The schedule with the session at `index` marked cancelled (kept in the list, so calendar
    feeds can say so). Refused: a session that has started or is already cancelled."""
    session = _check_change(sessions, index, now, "cancelled")
    return [replace(session, cancelled=True) if i == index else s for i, s in enumerate(sessions)]
