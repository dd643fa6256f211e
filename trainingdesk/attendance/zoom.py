"""Zoom participant reports: read the CSV a host downloads from Zoom, and propose a mark for
each person on a day's register. Pure: bytes and plain values in, plain values out, no database.

A report may start with a block about the meeting (its ID, topic, host, start and end) before
the participants' header; may carry a byte-order mark; may be UTF-8 or Windows-1252 (what Excel
saves); writes times as "06/21/2022 09:28:11 AM" (or ISO, or day first in 24-hour locales);
and has one row each time a person joined, so someone who dropped out and came back, or who
was on a laptop and a phone at once, has two.

Times are in the zone of the Zoom account that downloaded the report (the coordinator says
which), unless the time column's header names one ("Join Time (UTC)", "(UTC+01:00)",
"(Europe/London)"); an offset written in a time wins over both. An hour that a clock change
repeats (1am to 2am on the last Sunday of October in London) is read by the report's order:
Zoom lists rows as people joined, so a join earlier on the clock than one already read is in
the second, winter, hour, and a leave is the reading after its join that fits the row's
duration. A slashed date that reads two ways (06/07/2022: 7 June or 6 July) is read the way
the rest of the file settles (a 21/06 or a 06/21 elsewhere in it) or the coordinator says;
otherwise its row is reported, never guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from trainingdesk.attendance import rules

NAME, EMAIL, JOIN, LEAVE, DURATION = "name", "email", "join", "leave", "duration"
HOST_EMAIL = "host_email"
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
# The meeting block's column naming its host's email (the account that held the meeting).
HOST_ALIASES = {"user email", "host email", "host e-mail", "email"}

# How a slashed date is written: 21/06/2022 or 06/21/2022.
DAY_FIRST, MONTH_FIRST = "day_first", "month_first"
# "06/21/2022 09:28:11 AM", "21/06/2022 09:28", "21.06.2022 09:28:11" (dots: always day first).
WRITTEN = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?")
DELIMITERS = (",", ";", "\t")
SUFFIX = re.compile(r"\s*\(([^)]*)\)$")
IANA_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}")  # Europe/London
# "UTC+01:00", "GMT+1", "+0100", "UTC-4": an offset from UTC, east positive.
OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
BINARY_STARTS = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")


class ZoomReportError(ValueError):
    """The whole file is refused: nothing in it is imported."""


class ZoomRow(NamedTuple):
    """One time one person joined the meeting. `line` is the row number a spreadsheet shows;
    times are in UTC, to be shown in the course's zone. (A named tuple: a report of 20,000
    rows is kept between requests, and tuples are quick to store and read back.)"""

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


class ZoomReport(NamedTuple):
    rows: list[ZoomRow]
    errors: list[str]  # "Row 6: ...", one for each row that cannot be read
    host_email: str  # from the meeting block above the participants, when there is one


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


# --- times -----------------------------------------------------------------------------------

class Ambiguous(NamedTuple):
    """A slashed date that reads two ways, and the file does not say which."""

    day_first: dt.date
    month_first: dt.date


class Written(NamedTuple):
    """A slashed or dotted date and time as a report writes it, on a 24-hour clock."""

    first: int
    second: int
    year: int
    hour: int
    minute: int
    seconds: int
    dotted: bool

    @property
    def order(self) -> str | None:
        """What it says about the file's way of writing dates: 21/06 is day first, 06/21 month
        first; 06/07 (or any dotted date) says nothing."""
        if self.dotted:
            return None
        if self.first > 12 >= self.second:
            return DAY_FIRST
        if self.second > 12 >= self.first:
            return MONTH_FIRST
        return None


def written(text: str) -> Written | dt.datetime | None:
    """A report's time as written: its parts when slashed or dotted, a datetime when ISO (aware
    when it carries an offset), None when it is no time."""
    found = WRITTEN.fullmatch(text)
    if found is None:
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    first, separator, second, year, hour, minute, seconds, meridiem = found.groups()
    h = int(hour)
    if meridiem:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if meridiem.upper() == "PM" else 0)
    return Written(int(first), int(second), int(year), h, int(minute), int(seconds or 0), separator == ".")


def date_order_of(texts: Iterable[str]) -> str | None:
    """The way of writing slashed dates that a file's dates settle, or None when none settles
    it, or they disagree."""
    seen = set()
    for text in texts:
        parts = written(text.strip())
        if isinstance(parts, Written) and parts.order is not None:
            seen.add(parts.order)
    return seen.pop() if len(seen) == 1 else None


def _wall_clock(parts: Written | dt.datetime | None, date_order: str | None
                ) -> dt.datetime | Ambiguous | None:
    """A time as written, as a datetime: naive (a wall-clock time in some zone), aware when it
    carries an offset, Ambiguous when its date reads two ways and `date_order` does not say,
    None when it is no date."""
    if not isinstance(parts, Written):
        return parts
    a, b, year = parts.first, parts.second, parts.year
    clock = (parts.hour, parts.minute, parts.seconds)
    try:
        if parts.dotted or a > 12 or (a != b and b <= 12 and date_order == DAY_FIRST):
            return dt.datetime(year, b, a, *clock)
        if b > 12 or a == b or date_order == MONTH_FIRST:
            return dt.datetime(year, a, b, *clock)
        return Ambiguous(dt.date(year, b, a), dt.date(year, a, b))
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def _repeated(zone: dt.tzinfo, minute: dt.datetime) -> bool:
    """Whether a wall-clock minute in `zone` comes twice, as when clocks go back."""
    first = minute.replace(tzinfo=zone).utcoffset()
    second = minute.replace(tzinfo=zone, fold=1).utcoffset()
    return first is not None and second is not None and first > second


def _readings(moment: dt.datetime, zone: dt.tzinfo) -> tuple[dt.datetime, ...]:
    """The instants, in UTC, a wall-clock time in `zone` may stand for: two in the hour a clock
    change repeats (summer time's first, then winter's), else one. (In UTC, since Python
    compares and subtracts two times of one zone by their clocks, ignoring which of a repeated
    hour each is.)"""
    if moment.tzinfo is not None:
        return (moment.astimezone(dt.UTC),)
    first = moment.replace(tzinfo=zone).astimezone(dt.UTC)
    if _repeated(zone, moment.replace(second=0, microsecond=0)):
        return (first, moment.replace(tzinfo=zone, fold=1).astimezone(dt.UTC))
    return (first,)


def _in_order(joins: tuple[dt.datetime, ...], leaves: tuple[dt.datetime, ...], minutes: int | None,
              latest_join: dt.datetime | None) -> tuple[dt.datetime, dt.datetime] | None:
    """A row's join and leave, where a clock change repeats an hour: the pair that fits the
    row's duration best; then a join not before the latest join read so far (Zoom lists rows
    as people joined), and the earliest leave after it. None when every leave is before its
    join."""
    pairs = [(j, leave) for j in joins for leave in leaves if leave >= j]
    if len(pairs) <= 1:
        return pairs[0] if pairs else None

    def rank(pair: tuple[dt.datetime, dt.datetime]) -> tuple[float, bool, float, dt.datetime]:
        join, leave = pair
        misfit = abs((leave - join).total_seconds() / 60 - minutes) if minutes is not None else 0.0
        behind = latest_join is not None and join < latest_join
        # Ahead of the latest join: the earliest; all behind it: the latest.
        return (misfit, behind, -join.timestamp() if behind else join.timestamp(), leave)

    return min(pairs, key=rank)


def parse_time(value: str, zone: dt.tzinfo, *, written_in: dt.tzinfo | None = None,
               date_order: str | None = None) -> dt.datetime | None:
    """An aware instant from a report's time, shown in `zone`. A time without an offset is read
    in `written_in`, else in `zone`; in a repeated hour, the first. None when it is not a time
    or its date reads two ways."""
    moment = _wall_clock(written(value.strip()), date_order)
    if not isinstance(moment, dt.datetime):
        return None
    return _readings(moment, written_in or zone)[0].astimezone(zone)


def _minutes(value: str) -> int | None:
    try:
        number = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    return int(number.to_integral_value(rounding="ROUND_CEILING"))


def _meeting_host(records: list[list[str]]) -> str:
    """The host's email from the meeting block above the participants' header ("User Email" is
    the account that held the meeting), or ""."""
    for index, record in enumerate(records[:-1]):
        for position, cell in enumerate(record):
            if SUFFIX.sub("", _clean(cell).lower()) in HOST_ALIASES:
                below = records[index + 1]
                if position < len(below) and "@" in below[position]:
                    return below[position].strip().lower()
    return ""


def parse_zoom_report(data: bytes, *, max_bytes: int, zone: str | ZoneInfo,
                      report_zone: str | dt.tzinfo | None = None, date_order: str | None = None
                      ) -> ZoomReport:
    """Read a Zoom participant report: its rows, a message for each row that cannot be read,
    and the meeting's host.

    A time with neither an offset nor a zone in its column's header was written in
    `report_zone` (the zone of the Zoom account that downloaded the report; if not given, `zone`,
    the course's). Rows' times are in UTC. `date_order` (DAY_FIRST or MONTH_FIRST) reads slashed
    dates that the file itself does not settle.

    A file that cannot be read at all raises ZoomReportError with a message saying why: too
    large, empty, not CSV, an unknown encoding, or no header naming the columns we need (the
    message names the missing ones)."""
    if len(data) > max_bytes:
        raise ZoomReportError(_("The file is %(size)s: reports up to %(limit)s can be uploaded.")
                              % {"size": describe_size(len(data)), "limit": describe_size(max_bytes)})
    if not data.strip():
        raise ZoomReportError(_("The file is empty."))
    report_tz = (zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)) if report_zone is None else (
        ZoneInfo(report_zone) if isinstance(report_zone, str) else report_zone)
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
    join_zone = _header_zone(records[start][columns[JOIN]]) or report_tz
    leave_zone = _header_zone(records[start][columns[LEAVE]]) or report_tz
    join_at, leave_at, name_at, email_at = columns[JOIN], columns[LEAVE], columns[NAME], columns[EMAIL]
    duration_at = columns.get(DURATION)
    width = max(columns.values()) + 1

    cells: list[tuple[int, list[str], Written | dt.datetime | None, Written | dt.datetime | None]] = []
    for index in range(start + 1, len(records)):
        record = records[index]
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < width:
            record = record + [""] * (width - len(record))
        cells.append((index + 1, record, written(record[join_at].strip()), written(record[leave_at].strip())))
    # The file's own dates settle how it writes them (the meeting block's too), unless the
    # coordinator said.
    order = date_order
    if order is None:
        seen = {parts.order for _line, _record, *times in cells for parts in times
                if isinstance(parts, Written) and parts.order is not None}
        block = date_order_of(cell for record in records[:start] for cell in record)
        seen |= {block} if block else set()
        order = seen.pop() if len(seen) == 1 else None

    rows: list[ZoomRow] = []
    errors: list[str] = []
    latest_join: dt.datetime | None = None
    for line, record, join_parts, leave_parts in cells:
        join_text, leave_text = record[join_at].strip(), record[leave_at].strip()
        duration_text = record[duration_at].strip() if duration_at is not None else ""
        problems = []
        joined = _wall_clock(join_parts, order)
        left = _wall_clock(leave_parts, order)
        for label, text, moment in ((LABELS[JOIN], join_text, joined), (LABELS[LEAVE], leave_text, left)):
            if isinstance(moment, Ambiguous):
                problems.append(_("%(column)s '%(value)s' could be %(one)s or %(other)s: say how the "
                                  "report writes dates, and upload it again")
                                % {"column": label, "value": text,
                                   "one": _long_date(moment.month_first),
                                   "other": _long_date(moment.day_first)})
            elif moment is None:
                problems.append(_("%(column)s '%(value)s' is not a date and time")
                                % {"column": label, "value": text})
        minutes = None
        if duration_text:
            minutes = _minutes(duration_text)
            if minutes is None:
                problems.append(_("%(column)s '%(value)s' is not a number of minutes")
                                % {"column": LABELS[DURATION], "value": duration_text})
        pair = None
        if isinstance(joined, dt.datetime) and isinstance(left, dt.datetime):
            pair = _in_order(_readings(joined, join_zone), _readings(left, leave_zone), minutes,
                             latest_join)
            if pair is None:
                problems.append(_("%(leave)s is before %(join)s") % {"leave": LABELS[LEAVE],
                                                                     "join": LABELS[JOIN]})
        if problems or pair is None:
            errors.extend(_("Row %(line)s: %(problem)s.") % {"line": line, "problem": p}
                          for p in problems)
            continue
        joined_at, left_at = pair
        latest_join = joined_at if latest_join is None else max(latest_join, joined_at)
        if minutes is None:
            minutes = -(-int((left_at - joined_at).total_seconds()) // 60)
        rows.append(ZoomRow(line=line, name=record[name_at].strip(),
                            email=record[email_at].strip().lower(),
                            joined_at=joined_at, left_at=left_at,
                            minutes=minutes))
    if not rows and not errors:
        raise ZoomReportError(_("The report lists no participants."))
    return ZoomReport(rows, errors, _meeting_host(records[:start]))


def _long_date(on: dt.date) -> str:
    return f"{on.day} {on:%B %Y}"


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


# --- proposing marks -------------------------------------------------------------------------

TRAINER, HOST = "trainer", "host"


@dataclass(frozen=True)
class Person:
    """Someone on the register, as the proposal needs them."""

    booking_id: int
    email: str


@dataclass(frozen=True)
class Staff:
    """One of the run's trainers: recognised in the report by email, or by name where Zoom has
    no email for the row."""

    email: str
    name: str


@dataclass(frozen=True)
class Attendee:
    """One person's rows in the report: under their email, or their name where there is none."""

    name: str
    email: str
    rows: tuple[ZoomRow, ...]

    @property
    def line(self) -> int:
        """The row that stands for them: the first."""
        return self.rows[0].line

    @property
    def minutes(self) -> int:
        """Minutes connected, time on two devices at once counted once."""
        merged = rules.merge_sessions(_sessions(self.rows))
        return sum(int((end - start).total_seconds() // 60) for start, end in merged.spans)


@dataclass(frozen=True)
class Recognised:
    """Someone in the report who is not a participant: a trainer of the run, or the host."""

    attendee: Attendee
    role: str  # TRAINER or HOST


@dataclass(frozen=True)
class Proposal:
    booking_id: int
    verdict: rules.ZoomVerdict | None  # None: not in the report
    rows: tuple[ZoomRow, ...]
    spans: tuple[tuple[dt.datetime, dt.datetime], ...] = ()  # connected, overlapping rows merged
    overlapping: int = 0  # rows at the same time as another of theirs (two devices): counted once
    counts: bool = False  # whether the proposed mark counts towards the level
    claimed: Attendee | None = None  # found by the coordinator's choice, not by email

    def outcome(self, *, already_marked: bool) -> tuple[str, int] | None:
        """The (status, minutes missed) the import saves; None: the mark is left as it is.
        Someone in the report gets the verdict of their minutes; someone not in it is absent,
        unless already marked (by a trainer who saw them in the room, say)."""
        if self.verdict is not None:
            return self.verdict.status, self.verdict.minutes_missed
        if not already_marked:
            return rules.ABSENT, 0
        return None


@dataclass(frozen=True)
class Matching:
    proposals: dict[int, Proposal]
    unknown: list[Attendee]  # in the report, but nobody on the register, nor staff
    recognised: list[Recognised] = field(default_factory=list)

    @property
    def unmatched(self) -> list[ZoomRow]:
        return [row for attendee in self.unknown for row in attendee.rows]


def _sessions(rows: Iterable[ZoomRow]) -> list[rules.ZoomSession]:
    return [rules.ZoomSession(r.joined_at, r.left_at, r.minutes) for r in rows]


def _name_key(name: str) -> str:
    return " ".join(SUFFIX.sub("", name).casefold().split())


def attendees(rows: Iterable[ZoomRow]) -> list[Attendee]:
    """The report's rows by person, in the order they first appear: by email, else by name."""
    grouped: dict[str, list[ZoomRow]] = {}
    for row in rows:
        key = row.email or f"name:{_name_key(row.name)}"
        grouped.setdefault(key, []).append(row)
    return [Attendee(name=found[0].name, email=found[0].email, rows=tuple(found))
            for found in grouped.values()]


def propose(rows: Iterable[ZoomRow], people: Iterable[Person], *,
            trainers: Iterable[Staff] = (), host_email: str = "",
            decisions: Mapping[int, int] | None = None,
            starts_at: dt.datetime, finishes_at: dt.datetime, break_minutes: int,
            teaching_minutes: int, minimum_percent: int) -> Matching:
    """Match the report's people to the register by email (any case); recognise the run's
    trainers and the meeting's host; then apply the coordinator's decisions (booking id -> the
    line of the report's person who is them, for someone who joined under another email or
    none). Each person on the register found in the report gets a verdict from their minutes.
    A decision naming someone not on the register, or a line that is not an unknown person, is
    left out."""
    people = list(people)
    by_email = {p.email.strip().lower(): p.booking_id for p in people if p.email.strip()}
    staff = list(trainers)
    trainer_emails = {s.email.strip().lower() for s in staff if s.email.strip()}
    trainer_names = {_name_key(s.name) for s in staff if s.name.strip()}
    host = host_email.strip().lower()
    found: dict[int, list[ZoomRow]] = {}
    unknown: list[Attendee] = []
    recognised: list[Recognised] = []
    for attendee in attendees(rows):
        booking_id = by_email.get(attendee.email) if attendee.email else None
        if booking_id is not None:
            found.setdefault(booking_id, []).extend(attendee.rows)
        elif attendee.email and attendee.email in trainer_emails or (
                not attendee.email and _name_key(attendee.name) in trainer_names):
            recognised.append(Recognised(attendee, TRAINER))
        elif host and attendee.email == host:
            recognised.append(Recognised(attendee, HOST))
        else:
            unknown.append(attendee)
    on_register = {p.booking_id for p in people}
    by_line = {a.line: a for a in unknown}
    claimed: dict[int, Attendee] = {}
    taken: set[int] = set()
    for booking_id, line in (decisions or {}).items():
        chosen = by_line.get(line)
        if booking_id in on_register and chosen is not None and line not in taken:
            claimed[booking_id] = chosen
            taken.add(line)
            found.setdefault(booking_id, []).extend(chosen.rows)
    proposals = {}
    for person in people:
        own = tuple(sorted(found.get(person.booking_id, ()), key=lambda r: r.joined_at))
        if not own:
            proposals[person.booking_id] = Proposal(person.booking_id, None, ())
            continue
        merged = rules.merge_sessions(_sessions(own))
        verdict = rules.zoom_verdict(_sessions(own), starts_at=starts_at, finishes_at=finishes_at,
                                     break_minutes=break_minutes, teaching_minutes=teaching_minutes,
                                     minimum_percent=minimum_percent)
        proposals[person.booking_id] = Proposal(
            person.booking_id, verdict, own, spans=merged.spans, overlapping=merged.overlapping,
            counts=rules.counts_as_attended(verdict.status, verdict.minutes_missed,
                                            teaching_minutes=teaching_minutes,
                                            minimum_percent=minimum_percent),
            claimed=claimed.get(person.booking_id),
        )
    return Matching(proposals, [a for a in unknown if a.line not in taken], recognised)


def marks_to_record(matching: Matching, marked: Iterable[int]) -> list[tuple[int, str, int]]:
    """(booking id, status, minutes missed) for each person whose mark the import saves; those
    already `marked` and not in the report are left as they are."""
    already = set(marked)
    result = []
    for booking_id, proposal in matching.proposals.items():
        outcome = proposal.outcome(already_marked=booking_id in already)
        if outcome is not None:
            result.append((booking_id, *outcome))
    return result
