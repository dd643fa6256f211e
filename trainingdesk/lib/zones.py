"""Dates and zones: what a participant sees of a time, written out as GOV.UK writes dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from functools import lru_cache
from itertools import groupby
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.utils.translation import gettext as _

UK = "Europe/London"


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name this machine knows, sorted, for the profile's choice of zone."""
    return tuple(sorted(available_timezones()))


def is_zone(name: str) -> bool:
    if not name or name not in zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def aware(on: date, at: time, zone: str) -> datetime:
    """The instant a wall-clock time on a date in a zone stands for."""
    return datetime.combine(on, at, tzinfo=ZoneInfo(zone))


def format_clock(moment: datetime) -> str:
    """9:30am, 4:30pm, 12pm: the brochure's way of writing a time."""
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    if moment.minute:
        return f"{hour}:{moment.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def format_day(on: date) -> str:
    """Tuesday 21 June 2022."""
    return f"{on:%A} {on.day} {on:%B %Y}"


def format_short_day(on: date) -> str:
    """21 June 2022."""
    return f"{on.day} {on:%B %Y}"


def zone_label(name: str, at: datetime) -> str:
    """'UK time (BST)' or 'Asia/Tokyo (JST)': the zone's name and its abbreviation then."""
    abbreviation = at.astimezone(ZoneInfo(name)).tzname() or ""
    place = "UK time" if name == UK else name.replace("_", " ")
    if not abbreviation or abbreviation == place or abbreviation.startswith(("+", "-")):
        return place
    return f"{place} ({abbreviation})"


def format_date_set(dates: Iterable[date]) -> str:
    """A set of dates as the brochure writes them: '21, 22, 23 June and 15 September 2022'.

    Days of one month are listed before the month's name, months are joined with 'and', and
    the year is written after the last month of each year. Duplicates are dropped.
    """
    ordered = sorted(set(dates))
    groups: list[tuple[int, int, list[int]]] = [
        (year, month, [d.day for d in days])
        for (year, month), days in groupby(ordered, key=lambda d: (d.year, d.month))
    ]
    parts: list[str] = []
    for index, (year, month, days) in enumerate(groups):
        text = f"{', '.join(str(day) for day in days)} {date(year, month, 1):%B}"
        is_last_of_year = index == len(groups) - 1 or groups[index + 1][0] != year
        parts.append(f"{text} {year}" if is_last_of_year else text)
    return join_with_and(parts)


def join_with_and(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(items)s and %(last)s") % {"items": ", ".join(parts[:-1]), "last": parts[-1]}


def format_schedule(
    *, starts: datetime, finishes: datetime, arrives: datetime | None = None,
    zone: str | None = None,
) -> str:
    """'9am for 9:30am start, finish 4:30pm', in `zone` if given (else the times' own zone).

    In a far zone a day can run past midnight: then the finishing date is written out,
    '5pm for 5:30pm start, finish 12:30am on Wednesday 22 June 2022'.
    """
    if zone:
        tz = ZoneInfo(zone)
        starts, finishes = starts.astimezone(tz), finishes.astimezone(tz)
        arrives = arrives.astimezone(tz) if arrives else None
    if arrives and arrives != starts:
        text = _("%(arrive)s for %(start)s start") % {
            "arrive": format_clock(arrives), "start": format_clock(starts)
        }
    else:
        text = _("%(start)s start") % {"start": format_clock(starts)}
    if finishes.date() != starts.date():
        return _("%(start)s, finish %(finish)s on %(day)s") % {
            "start": text, "finish": format_clock(finishes), "day": format_day(finishes.date())
        }
    return _("%(start)s, finish %(finish)s") % {"start": text, "finish": format_clock(finishes)}


def shows_other_times(moments: Iterable[datetime], zone: str | None) -> bool:
    """Whether a viewer in `zone` reads any of these instants differently on their clock.

    False when no zone is known, or when it keeps the same offset at every moment (Dublin and
    London alike), so that nobody is shown the same times twice.
    """
    if not zone or not is_zone(zone):
        return False
    tz = ZoneInfo(zone)
    return any(m.utcoffset() != m.astimezone(tz).utcoffset() for m in moments)


def format_span(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """'Tuesday 18 October 2022, 7pm to 9pm' in `zone`; an evening that runs past midnight there
    names its end's day too. The one way an event's time is written for a person."""
    tz = ZoneInfo(zone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    if end.date() == start.date():
        return _("%(day)s, %(start)s to %(end)s") % {
            "day": format_day(start.date()), "start": format_clock(start), "end": format_clock(end)}
    return _("%(day)s, %(start)s to %(end)s on %(end_day)s") % {
        "day": format_day(start.date()), "start": format_clock(start), "end": format_clock(end),
        "end_day": format_day(end.date())}
