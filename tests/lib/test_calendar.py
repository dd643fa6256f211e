"""lib.calendar: the .ics files, read back with the icalendar package, and the feed registry."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar

from trainingdesk.lib.calendar import CANCELLED, CalendarEntry, calendar_file

LONDON = ZoneInfo("Europe/London")


def _entry(**changes: object) -> CalendarEntry:
    values: dict[str, object] = {
        "uid": "NVR-1-day-1@trainingdesk", "title": "Foundation Day 1: The NVR Certificate Course",
        "starts_at": dt.datetime(2027, 6, 1, 9, 30, tzinfo=LONDON),
        "finishes_at": dt.datetime(2027, 6, 1, 16, 30, tzinfo=LONDON),
        "location": "Online; via Zoom, room 2", "url": "https://zoom.us/j/123?pwd=secret,x",
        "description": "Line one\nArrive from 9am, please; bring a notebook \u2013 caf\u00e9 "
                       "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
                       "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9 and a long tail of words",
    }
    values.update(changes)
    return CalendarEntry(**values)  # type: ignore[arg-type]


def test_a_file_reads_back_as_written_with_the_times_in_utc() -> None:
    entry = _entry(status=CANCELLED, sequence=3)
    event = Calendar.from_ical(calendar_file([entry], name="Pat, NVR")).walk("VEVENT")[0]
    assert str(event["UID"]) == entry.uid
    assert str(event["SUMMARY"]) == entry.title
    assert str(event["LOCATION"]) == entry.location
    assert str(event["DESCRIPTION"]) == entry.description
    assert str(event["URL"]) == entry.url
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 3
    assert event.decoded("DTSTART") == entry.starts_at == dt.datetime(2027, 6, 1, 8, 30, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == entry.finishes_at


def test_no_line_is_longer_than_75_octets_and_lines_end_in_crlf() -> None:
    data = calendar_file([_entry(title="\u00e9" * 100)], name="x")
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert all(b"\n" not in line for line in lines)
    data.decode()  # no character split across a fold


def test_a_fingerprint_changes_with_what_a_calendar_shows_and_not_with_the_sequence() -> None:
    entry = _entry()
    assert entry.fingerprint() == _entry(sequence=5).fingerprint()
    assert entry.fingerprint() != _entry(status=CANCELLED).fingerprint()
    assert entry.fingerprint() != _entry(
        starts_at=dt.datetime(2027, 6, 1, 10, tzinfo=LONDON)).fingerprint()
