"""Template filters for money and times, so that templates hold no arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import template

from trainingdesk.lib.money import format_gbp
from trainingdesk.lib.zones import format_clock, format_day, format_short_day, zone_label

register = template.Library()


@register.filter
def gbp(amount: Decimal | None) -> str:
    return "" if amount is None else format_gbp(amount)


@register.filter
def clock(moment: dt.datetime | None, zone: str | None = None) -> str:
    """A time of day, in `zone` if given: 9:30am."""
    if moment is None:
        return ""
    if zone:
        moment = moment.astimezone(ZoneInfo(zone))
    return format_clock(moment)


@register.filter
def long_date(value: dt.date | dt.datetime | None, zone: str | None = None) -> str:
    """Tuesday 21 June 2022 (for a datetime, the date in `zone`)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(ZoneInfo(zone)).date() if zone else value.date()
    return format_day(value)


@register.filter
def short_date(value: dt.date | None) -> str:
    return "" if value is None else format_short_day(value)


@register.filter
def in_zone(moment: dt.datetime | None, zone: str) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(ZoneInfo(zone))


@register.filter
def zone_name(zone: str, at: dt.datetime | None = None) -> str:
    return zone_label(zone, at or dt.datetime.now(dt.UTC))


@register.filter
def iso_day(value: str) -> str:
    """'2022-06-21' (as stored in an issued document) -> 'Tuesday 21 June 2022'."""
    try:
        return format_day(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)
