"""Calendar files (.ics): one event a training day (or supervision session), in its own zone.

Also the question a person's calendar feed asks every app: "what does this person have in their
calendar?" `lib` sits below every app, so each app that has dated things for people answers with
`register_feed_source(fn)` at start-up, where `fn(user)` returns that person's entries (bookings:
their training days; catalogue: a trainer's runs; attendance: make-up days; supervision: sessions).
The feed itself (the secret address, SEQUENCE) is `accounts.feeds`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any

CONFIRMED = "CONFIRMED"
CANCELLED = "CANCELLED"

# How long a cancelled entry stays in feeds, marked CANCELLED, after it was cancelled (or, when
# the cancellation has no date of its own, after its day): long enough for every subscribed
# calendar to fetch it once and remove the event, after which it is simply left out.
CANCELLED_SHOWN_FOR = dt.timedelta(days=90)


@dataclass(frozen=True)
class CalendarEntry:
    """One event. `uid` must stay the same for the same thing across fetches (a day moved is the
    same uid with new times), `status` CONFIRMED or CANCELLED. `sequence` is left at 0 by sources:
    a feed numbers each uid's versions itself (`accounts.feeds`)."""

    uid: str
    title: str
    starts_at: dt.datetime
    finishes_at: dt.datetime
    location: str = ""
    description: str = ""
    url: str = ""
    status: str = CONFIRMED
    sequence: int = 0

    def fingerprint(self) -> str:
        """A digest of everything a calendar shows of the entry (all but `sequence`): a new
        fingerprint for the same uid is a new version."""
        parts = [str(getattr(self, f.name)) for f in fields(self) if f.name != "sequence"]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


FeedSource = Callable[[Any], list[CalendarEntry]]
_feed_sources: list[FeedSource] = []


def register_feed_source(source: FeedSource) -> None:
    """Add `source(user) -> list[CalendarEntry]` to everyone's feed. Called from an app's
    `ready()`; a source must run a fixed number of queries however many entries it returns."""
    if source not in _feed_sources:
        _feed_sources.append(source)


def feed_entries(user: Any) -> list[CalendarEntry]:
    """Everything the registered sources have for `user`, earliest first."""
    entries = [entry for source in _feed_sources for entry in source(user)]
    return sorted(entries, key=lambda entry: (entry.starts_at, entry.uid))


def calendar_file(entries: Iterable[CalendarEntry], *, name: str) -> bytes:
    """An iCalendar (RFC 5545) file of the entries, times in UTC (so it needs no VTIMEZONE:
    calendar apps show each in the viewer's own zone).

    Written out here rather than through the `icalendar` package, which builds an object for
    every property and took 20 ms for a feed of 72 events, the whole of issue 10's budget for
    answering a feed; the tests read these files back with `icalendar`."""
    stamp = _utc(dt.datetime.now(dt.UTC))
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Trainingdesk//trainingdesk//EN", "VERSION:2.0",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_text(name)}"]
    for entry in entries:
        lines += ["BEGIN:VEVENT", f"UID:{_text(entry.uid)}", f"DTSTAMP:{stamp}",
                  f"SEQUENCE:{entry.sequence}", f"STATUS:{entry.status}",
                  f"SUMMARY:{_text(entry.title)}", f"DTSTART:{_utc(entry.starts_at)}",
                  f"DTEND:{_utc(entry.finishes_at)}"]
        if entry.location:
            lines.append(f"LOCATION:{_text(entry.location)}")
        if entry.description:
            lines.append(f"DESCRIPTION:{_text(entry.description)}")
        if entry.url:
            lines.append(f"URL:{entry.url}")  # a URI, not text: nothing to escape
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(f"{_fold(line)}\r\n" for line in lines).encode()


def _utc(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("A calendar entry's time must know its zone.")
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, new lines as \\n."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Lines of at most 75 octets (RFC 5545 3.1), continued after CRLF and a space, never
    splitting a character's UTF-8 bytes."""
    if len(line.encode()) <= 75:
        return line
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space counts
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)
