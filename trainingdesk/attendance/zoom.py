"""Zoom participant reports: read the CSV a host downloads from Zoom, and propose a mark for
each person on a day's register. Pure: bytes and plain values in, plain values out, no database.

A report may start with a block about the meeting (its ID, topic, host, start and end) before
the participants' header; may carry a byte-order mark; may be UTF-8 or Windows-1252 (what Excel
saves); writes times as "06/21/2022 09:28:11 AM" (or ISO, or day-first in 24-hour locales);
and has one row each time a person joined, so someone who dropped out and came back has two.

Times are in the zone the time column's header names ("Join Time (UTC)", "(UTC+01:00)",
"(Europe/London)"), else in the run's zone; an offset written in a time wins over both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from trainingdesk.attendance import rules

NAME, EMAIL, JOIN, LEAVE, DURATION = "name", "email", "join", "leave", "duration"
REQUIRED = (NAME, EMAIL, JOIN, LEAVE)
LABELS = {NAME: "Name (Original Name)", EMAIL: "User Email", JOIN: "Join Time",
          LEAVE: "Leave Time", DURATION: "Duration (Minutes)"}

# Header cells as Zoom has written them over the years, lower-cased, spaces collapsed, and
# with any trailing "(...)" dropped: "Name (Original Name)" -> "name", "Join Time (UTC)" ->
# "join time". (For the time columns that "(...)" names their zone: see `_header_zone`.)
ALIASES = {
    "name": NAME, "participant": NAME, "participant name": NAME, "user name": NAME,
    "display name": NAME, "full name": NAME,
    "user email": EMAIL, "email": EMAIL, "email address": EMAIL, "participant email": EMAIL,
    "user e-mail": EMAIL, "e-mail": EMAIL,
    "join time": JOIN, "join": JOIN, "joined": JOIN, "joined at": JOIN,
    "leave time": LEAVE, "leave": LEAVE, "left": LEAVE, "left at": LEAVE,
    "duration": DURATION, "duration (minutes)": DURATION, "duration (mins)": DURATION,
    "time in meeting": DURATION, "total duration": DURATION,
}
# Month first with am/pm (Zoom's default); ISO; day first in 24-hour clock (UK exports).
TIME_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
)
DELIMITERS = (",", ";", "\t")
SUFFIX = re.compile(r"\s*\(([^)]*)\)$")
IANA_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}")  # Europe/London
# "UTC+01:00", "GMT+1", "+0100", "UTC-4": an offset from UTC, east positive.
OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
BINARY_STARTS = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")


class ZoomReportError(ValueError):
    """The whole file is refused: nothing in it is imported."""


@dataclass(frozen=True)
class ZoomRow:
    """One time one person joined the meeting. `line` is the row number a spreadsheet shows."""

    line: int
    name: str
    email: str
    joined_at: dt.datetime
    left_at: dt.datetime
    minutes: int

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "name": self.name, "email": self.email,
                "joined_at": self.joined_at.isoformat(), "left_at": self.left_at.isoformat(),
                "minutes": self.minutes}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ZoomRow:
        return cls(line=int(data["line"]), name=str(data["name"]), email=str(data["email"]),
                   joined_at=dt.datetime.fromisoformat(data["joined_at"]),
                   left_at=dt.datetime.fromisoformat(data["left_at"]), minutes=int(data["minutes"]))


def describe_size(size: int) -> str:
    megabytes = Decimal(size) / (1024 * 1024)
    if megabytes >= 1:
        return f"{megabytes.quantize(Decimal('0.1')).normalize():f} MB"
    return f"{max(size // 1024, 1)} KB"


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ZoomReportError(_("The file is saved as UTF-16 text. Save it as \"CSV UTF-8\" or "
                                "download the report from Zoom again, and upload that."))
    if data.startswith(BINARY_STARTS) or b"\x00" in data[:4096]:
        raise ZoomReportError(_("The file is not a CSV file. Download the participant report "
                                "from Zoom as CSV and upload that."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ZoomReportError(_("The file's text is in an encoding we cannot read. Save it as "
                            "\"CSV UTF-8\" and upload it again."))


def _clean(cell: str) -> str:
    return re.sub(r"\s+", " ", cell.replace("\ufeff", "").strip())


def _column(cell: str) -> str | None:
    text = _clean(cell).lower()
    if text in ALIASES:
        return ALIASES[text]
    return ALIASES.get(SUFFIX.sub("", text))


def _header_zone(cell: str) -> dt.tzinfo | None:
    """The zone a time column's header names in its trailing "(...)": "(UTC)", "(GMT)",
    "(UTC+01:00)", "(+01:00)" or an IANA name such as "(Europe/London)". None when the header
    names no zone. A "(...)" that is not a zone we know is refused: reading the times in the
    wrong zone would mark people late or absent who were there."""
    found = SUFFIX.search(_clean(cell))
    if found is None:
        return None
    named = found.group(1).strip()
    if named.upper() in ("UTC", "GMT", "Z"):
        return dt.UTC
    offset = OFFSET.fullmatch(named)
    if offset is not None:
        sign, hours, minutes = offset.group(1), int(offset.group(2)), int(offset.group(3) or 0)
        if hours <= 14 and minutes < 60:
            delta = dt.timedelta(hours=hours, minutes=minutes)
            return dt.timezone(-delta if sign == "-" else delta)
    if IANA_NAME.fullmatch(named):
        try:
            return ZoneInfo(named)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder
            pass
    raise ZoomReportError(
        _("The %(column)s column's times are in \"%(zone)s\", which is not a time zone we "
          "know. Download the participant report from Zoom again, or change the header to "
          "name the zone as UTC, an offset such as UTC+01:00, or a place such as "
          "Europe/London.") % {"column": _clean(cell), "zone": named})


def _header_map(row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        column = _column(cell)
        if column is not None and column not in found:
            found[column] = index
    return found


def _find_header(records: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """The participants' header: the first row naming both join and leave times, else the row
    naming the most of our columns (to say which are missing)."""
    best: tuple[int, dict[str, int]] | None = None
    for index, row in enumerate(records):
        columns = _header_map(row)
        if JOIN in columns and LEAVE in columns:
            return index, columns
        if len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
            best = (index, columns)
    return best


def _read(text: str) -> tuple[list[list[str]], tuple[int, dict[str, int]] | None]:
    """Records and header with the first delimiter that finds the participants' header."""
    fallback: tuple[list[list[str]], tuple[int, dict[str, int]] | None] = ([], None)
    for delimiter in DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise ZoomReportError(_("The file is not a CSV file we can read (%(problem)s).")
                                  % {"problem": exc}) from exc
        header = _find_header(records)
        if header is not None and JOIN in header[1] and LEAVE in header[1]:
            return records, header
        if header is not None and (fallback[1] is None or len(header[1]) > len(fallback[1][1])):
            fallback = (records, header)
    return fallback


def parse_time(value: str, zone: dt.tzinfo, *, written_in: dt.tzinfo | None = None
               ) -> dt.datetime | None:
    """An aware instant from a report's time, in `zone`. A time without an offset is read in
    `written_in` (the zone its column's header names), else in `zone`."""
    text = value.strip()
    if not text:
        return None
    moment: dt.datetime | None = None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        for pattern in TIME_FORMATS:
            try:
                moment = dt.datetime.strptime(text.upper(), pattern)  # zoned below
                break
            except ValueError:
                continue
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=written_in or zone)
    return moment.astimezone(zone)


def _minutes(value: str) -> int | None:
    try:
        number = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    return int(number.to_integral_value(rounding="ROUND_CEILING"))


def parse_zoom_report(data: bytes, *, max_bytes: int, zone: str | ZoneInfo
                      ) -> tuple[list[ZoomRow], list[str]]:
    """Read a Zoom participant report: its rows, and a message for each row that cannot be read.

    A file that cannot be read at all raises ZoomReportError with a message saying why: too
    large, empty, not CSV, an unknown encoding, or no header naming the columns we need (the
    message names the missing ones)."""
    if len(data) > max_bytes:
        raise ZoomReportError(_("The file is %(size)s: reports up to %(limit)s can be uploaded.")
                              % {"size": describe_size(len(data)), "limit": describe_size(max_bytes)})
    if not data.strip():
        raise ZoomReportError(_("The file is empty."))
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    records, header = _read(_decode(data))
    if header is None:
        raise ZoomReportError(_("The file is not a Zoom participant report: no row names the "
                                "columns %(columns)s.")
                              % {"columns": ", ".join(LABELS[c] for c in REQUIRED)})
    start, columns = header
    missing = [LABELS[c] for c in REQUIRED if c not in columns]
    if missing:
        raise ZoomReportError(_("The report has no %(columns)s column. Download the participant "
                                "report from Zoom with every column.")
                              % {"columns": _join(missing)})
    join_zone = _header_zone(records[start][columns[JOIN]])
    leave_zone = _header_zone(records[start][columns[LEAVE]])
    rows: list[ZoomRow] = []
    errors: list[str] = []
    for index in range(start + 1, len(records)):
        record = records[index]
        if not any(cell.strip() for cell in record):
            continue
        line = index + 1

        def cell(column: str, record: list[str] = record) -> str:
            position = columns.get(column)
            return record[position].strip() if position is not None and position < len(record) else ""

        problems = []
        joined_at = parse_time(cell(JOIN), tz, written_in=join_zone)
        left_at = parse_time(cell(LEAVE), tz, written_in=leave_zone)
        if joined_at is None:
            problems.append(_("%(column)s '%(value)s' is not a date and time")
                            % {"column": LABELS[JOIN], "value": cell(JOIN)})
        if left_at is None:
            problems.append(_("%(column)s '%(value)s' is not a date and time")
                            % {"column": LABELS[LEAVE], "value": cell(LEAVE)})
        minutes = None
        if DURATION in columns and cell(DURATION):
            minutes = _minutes(cell(DURATION))
            if minutes is None:
                problems.append(_("%(column)s '%(value)s' is not a number of minutes")
                                % {"column": LABELS[DURATION], "value": cell(DURATION)})
        if joined_at is not None and left_at is not None and left_at < joined_at:
            problems.append(_("%(leave)s is before %(join)s") % {"leave": LABELS[LEAVE],
                                                                 "join": LABELS[JOIN]})
        if problems:
            errors.extend(_("Row %(line)s: %(problem)s.") % {"line": line, "problem": p}
                          for p in problems)
            continue
        assert joined_at is not None and left_at is not None
        if minutes is None:
            minutes = -(-int((left_at - joined_at).total_seconds()) // 60)
        rows.append(ZoomRow(line=line, name=cell(NAME), email=cell(EMAIL).lower(),
                            joined_at=joined_at, left_at=left_at, minutes=minutes))
    if not rows and not errors:
        raise ZoomReportError(_("The report lists no participants."))
    return rows, errors


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


# --- proposing marks -------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """Someone on the register, as the proposal needs them."""

    booking_id: int
    email: str


@dataclass(frozen=True)
class Proposal:
    booking_id: int
    verdict: rules.ZoomVerdict | None  # None: not in the report
    rows: tuple[ZoomRow, ...]


@dataclass(frozen=True)
class Matching:
    proposals: dict[int, Proposal]
    unmatched: list[ZoomRow]  # rows nobody on the register has claimed yet
    ignored: list[ZoomRow]


IGNORE = "ignore"


def propose(rows: Iterable[ZoomRow], people: Iterable[Person], *,
            decisions: Mapping[int, int | str] | None = None,
            starts_at: dt.datetime, finishes_at: dt.datetime, break_minutes: int,
            minimum_percent: int) -> Matching:
    """Match rows to the register by email (any case), then by the coordinator's decisions
    (row line -> booking id, or IGNORE), group them per person and propose a verdict each.
    Someone on the register with no rows gets no verdict."""
    decisions = decisions or {}
    people = list(people)
    by_email = {p.email.strip().lower(): p.booking_id for p in people if p.email.strip()}
    on_register = {p.booking_id for p in people}
    grouped: dict[int, list[ZoomRow]] = defaultdict(list)
    unmatched: list[ZoomRow] = []
    ignored: list[ZoomRow] = []
    for row in rows:
        booking_id = by_email.get(row.email.strip().lower())
        decision = decisions.get(row.line)
        if booking_id is None and decision == IGNORE:
            ignored.append(row)
        elif booking_id is None and isinstance(decision, int) and decision in on_register:
            grouped[decision].append(row)
        elif booking_id is None:
            unmatched.append(row)
        else:
            grouped[booking_id].append(row)
    proposals = {}
    for person in people:
        found = tuple(grouped.get(person.booking_id, ()))
        verdict = rules.zoom_verdict(
            [rules.ZoomSession(r.joined_at, r.left_at, r.minutes) for r in found],
            starts_at=starts_at, finishes_at=finishes_at, break_minutes=break_minutes,
            minimum_percent=minimum_percent,
        ) if found else None
        proposals[person.booking_id] = Proposal(person.booking_id, verdict, found)
    return Matching(proposals, unmatched, ignored)
