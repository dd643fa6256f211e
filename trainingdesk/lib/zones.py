"""Dates and zones: what a participant sees of a time, written out as GOV.UK writes dates."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

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
    return f"{place} ({abbreviation})" if abbreviation and not abbreviation.startswith(("+", "-")) else place
