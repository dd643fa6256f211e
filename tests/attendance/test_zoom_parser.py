"""Reading Zoom participant reports and proposing marks from them: pure, no database."""
# ruff: noqa: E501 - a report's rows read best one to a line

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from trainingdesk.attendance import rules, zoom
from trainingdesk.attendance.zoom import ZoomReportError, parse_zoom_report

UK = ZoneInfo("Europe/London")
LIMIT = 2 * 1024 * 1024
HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent\r\n"
PREAMBLE = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\r\n"
    '812 3456 7890,NVR Foundation Day 1,06/21/2022 09:15:03 AM,06/21/2022 04:41:10 PM,host@example.org,326,3\r\n'
    "\r\n"
)
STARTS = dt.datetime(2022, 6, 21, 9, 30, tzinfo=UK)
FINISHES = dt.datetime(2022, 6, 21, 16, 30, tzinfo=UK)


def parse(text: str | bytes, **kwargs):
    data = text.encode() if isinstance(text, str) else text
    return parse_zoom_report(data, max_bytes=kwargs.pop("max_bytes", LIMIT), zone=kwargs.pop("zone", "Europe/London"))


def test_it_reads_a_plain_report_with_times_in_the_course_zone():
    rows, errors = parse(HEADER + "Pat Participant,PAT@Example.org,06/21/2022 09:28:11 AM,06/21/2022 04:31:02 PM,423,No,\r\n")
    assert errors == []
    [row] = rows
    assert (row.line, row.name, row.email, row.minutes) == (2, "Pat Participant", "pat@example.org", 423)
    assert row.joined_at == dt.datetime(2022, 6, 21, 9, 28, 11, tzinfo=UK)
    assert row.joined_at.utcoffset() == dt.timedelta(hours=1)  # British Summer Time
    assert row.left_at == dt.datetime(2022, 6, 21, 16, 31, 2, tzinfo=UK)


def test_it_skips_the_meeting_block_above_the_participants():
    rows, errors = parse(PREAMBLE + HEADER + "Pat,pat@example.org,06/21/2022 09:28:11 AM,06/21/2022 04:31:02 PM,423,No,\r\n")
    assert errors == [] and [r.email for r in rows] == ["pat@example.org"]
    assert rows[0].line == 5  # the row number a spreadsheet shows


def test_it_reads_a_byte_order_mark():
    rows, errors = parse(b"\xef\xbb\xbf" + (HEADER + "Pat,pat@example.org,06/21/2022 09:28 AM,06/21/2022 04:30 PM,,,\r\n").encode())
    assert errors == [] and rows[0].name == "Pat"


def test_a_rejoining_person_has_a_row_each_time():
    rows, errors = parse(HEADER
                         + "Pat,pat@example.org,06/21/2022 09:29:00 AM,06/21/2022 12:30:00 PM,182,No,\r\n"
                         + "Pat (phone),pat@example.org,06/21/2022 01:25:00 PM,06/21/2022 04:31:00 PM,186,No,\r\n")
    assert errors == [] and [r.minutes for r in rows] == [182, 186]


def test_a_name_saved_by_excel_in_windows_1252_is_read():
    rows, errors = parse((HEADER + "Zoë Brontë,zoe@example.org,06/21/2022 09:28 AM,06/21/2022 04:30 PM,422,No,\r\n")
                         .encode("cp1252"))
    assert errors == [] and rows[0].name == "Zoë Brontë"


def test_utf_16_is_refused_with_what_to_do():
    with pytest.raises(ZoomReportError, match="UTF-16"):
        parse(HEADER.encode("utf-16"))


def test_bytes_no_text_encoding_reads_are_refused():
    # 0x81 is neither UTF-8 nor Windows-1252.
    with pytest.raises(ZoomReportError, match="encoding we cannot read"):
        parse(HEADER.encode() + b"P\x81t,pat@example.org,06/21/2022 09:28 AM,06/21/2022 04:30 PM,1,,\r\n")


@pytest.mark.parametrize("header, missing", [
    ("Name (Original Name),Join Time,Leave Time,Duration (Minutes)", "User Email"),
    ("Name (Original Name),User Email,Join Time,Duration (Minutes)", "Leave Time"),
    ("User Email,Join Time,Duration (Minutes)", "Name (Original Name) and Leave Time"),
])
def test_a_missing_column_is_named(header, missing):
    with pytest.raises(ZoomReportError, match=re.escape(f"has no {missing} column")):
        parse(PREAMBLE + header + "\r\nPat,pat@example.org,06/21/2022 09:28 AM,1\r\n")


@pytest.mark.parametrize("header", [
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)",
    "Name,Email,Join time,Leave time,Duration (minutes)",
    "Participant,User Email,Join Time (Europe/London),Leave Time (Europe/London),Duration",
    "  NAME ,  user   email ,JOIN TIME,LEAVE TIME,DURATION (MINUTES)",
    "User Email,Name (Original Name),Leave Time,Join Time",
])
def test_header_variants_are_recognised(header):
    names = [h.strip().lower() for h in header.split(",")]
    values = {"name": "Pat", "email": "pat@example.org", "join": "2022-06-21 09:30:00",
              "leave": "2022-06-21 16:30:00", "duration": "420"}
    cells = [next(v for k, v in values.items() if k in n or (k == "name" and n == "participant")) for n in names]
    rows, errors = parse(header + "\r\n" + ",".join(cells) + "\r\n")
    assert errors == [] and rows[0].email == "pat@example.org"
    assert rows[0].joined_at == dt.datetime(2022, 6, 21, 9, 30, tzinfo=UK)


UTC_HEADER = "Name (Original Name),User Email,Join Time (UTC),Leave Time (UTC),Duration (Minutes)\r\n"


def test_times_under_a_utc_header_are_read_as_utc_not_as_the_course_zone():
    # The brochure's 21 June 2022 is in British Summer Time: teaching 9:30-16:30 in London is
    # 08:30-15:30 UTC. Someone there from 08:25 to 15:30 UTC stayed to the end.
    rows, errors = parse(UTC_HEADER + "Pat,pat@example.org,06/21/2022 08:25:00 AM,06/21/2022 03:30:00 PM,425\r\n")
    assert errors == []
    assert rows[0].joined_at == dt.datetime(2022, 6, 21, 9, 25, tzinfo=UK)
    assert rows[0].left_at == FINISHES
    assert rows[0].joined_at.tzinfo == UK  # shown in the course's zone
    matching = zoom.propose(rows, [zoom.Person(1, "pat@example.org")], starts_at=STARTS, finishes_at=FINISHES,
                            break_minutes=60, minimum_percent=80)
    assert matching.proposals[1].verdict == rules.ZoomVerdict("present", 360, 0)


@pytest.mark.parametrize("suffix, written", [
    ("(UTC)", 8), ("(GMT)", 8), ("(utc)", 8), ("(UTC+00:00)", 8), ("(+00:00)", 8), ("(Etc/UTC)", 8),
    ("(UTC+01:00)", 9), ("(GMT+1)", 9), ("(+0100)", 9), ("(Europe/London)", 9),
    ("(UTC-04:00)", 4), ("(America/New_York)", 4),
])
def test_a_time_columns_header_names_the_zone_its_times_are_in(suffix, written):
    # 9:30-16:30 in London on 21 June 2022, written as the header's zone shows it.
    header = f"Name,User Email,Join Time {suffix},Leave Time {suffix}\r\n"
    rows, errors = parse(header + f"Pat,pat@example.org,2022-06-21 {written:02}:30:00,2022-06-21 {written + 7:02}:30:00\r\n")
    assert errors == []
    assert (rows[0].joined_at, rows[0].left_at) == (STARTS, FINISHES)


def test_an_offset_written_in_the_time_wins_over_the_headers_zone():
    rows, errors = parse(UTC_HEADER + "Pat,pat@example.org,2022-06-21T09:30:00+01:00,2022-06-21T16:30:00+01:00,420\r\n")
    assert errors == [] and (rows[0].joined_at, rows[0].left_at) == (STARTS, FINISHES)


@pytest.mark.parametrize("suffix", ["BST", "Europe", "europe/london", "UTC+25", "../etc/localtime", ""])
def test_a_time_column_in_a_zone_we_do_not_know_is_refused_rather_than_guessed(suffix):
    with pytest.raises(ZoomReportError, match=re.escape(f'Join Time ({suffix}) column\'s times are in "{suffix}"')):
        parse(f"Name,User Email,Join Time ({suffix}),Leave Time\r\nPat,pat@example.org,2022-06-21 09:30,2022-06-21 16:30\r\n")


def test_semicolons_are_read_as_separators():
    rows, errors = parse("Name;User Email;Join Time;Leave Time\r\nPat;pat@example.org;21/06/2022 09:30:00;21/06/2022 16:30:00\r\n")
    assert errors == [] and rows[0].joined_at == dt.datetime(2022, 6, 21, 9, 30, tzinfo=UK)


def test_a_24_hour_slashed_date_is_read_day_first():
    rows, _ = parse(HEADER + "Pat,pat@example.org,02/06/2022 09:30:00,02/06/2022 16:30:00,420,,\r\n")
    assert rows[0].joined_at.date() == dt.date(2022, 6, 2)


def test_a_time_with_an_offset_is_converted_to_the_course_zone():
    rows, _ = parse(HEADER + "Pat,pat@example.org,2022-06-21T08:30:00+00:00,2022-06-21T15:30:00Z,,,\r\n")
    assert rows[0].joined_at == STARTS and rows[0].left_at == FINISHES
    assert rows[0].minutes == 420  # from the times when the duration is empty


def test_a_broken_time_is_reported_with_its_row():
    rows, errors = parse(PREAMBLE + HEADER
                         + "Pat,pat@example.org,06/21/2022 09:28 AM,06/21/2022 04:30 PM,422,,\r\n"
                         + "Sam,sam@example.org,half past nine,06/21/2022 04:30 PM,400,,\r\n")
    assert [r.name for r in rows] == ["Pat"]
    assert errors == ["Row 6: Join Time 'half past nine' is not a date and time."]


def test_a_broken_duration_and_a_leave_before_the_join_are_reported():
    _, errors = parse(HEADER + "Pat,pat@example.org,06/21/2022 09:28 AM,06/21/2022 04:30 PM,lots,,\r\n"
                      + "Sam,sam@example.org,06/21/2022 04:30 PM,06/21/2022 09:28 AM,1,,\r\n")
    assert errors == ["Row 2: Duration (Minutes) 'lots' is not a number of minutes.",
                      "Row 3: Leave Time is before Join Time."]


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read():
    with pytest.raises(ZoomReportError, match=r"The file is 2 KB: reports up to 1 KB can be uploaded\."):
        parse(HEADER + "x" * 2048, max_bytes=1024)


@pytest.mark.parametrize("data", [
    b"PK\x03\x04\x14\x00\x06\x00 an xlsx workbook",
    b"%PDF-1.7 a pdf",
    b"\x00\x01\x02\x03binary",
])
def test_what_is_not_a_csv_is_refused(data):
    with pytest.raises(ZoomReportError, match="not a CSV file"):
        parse(data)


def test_a_csv_of_something_else_is_not_a_zoom_report():
    with pytest.raises(ZoomReportError, match="not a Zoom participant report"):
        parse("invoice,amount\r\nINV-1,792.00\r\n")


def test_an_empty_file_and_a_header_alone_are_refused():
    with pytest.raises(ZoomReportError, match="empty"):
        parse(b"  \r\n")
    with pytest.raises(ZoomReportError, match="lists no participants"):
        parse(PREAMBLE + HEADER)


def test_rows_survive_the_session_as_json():
    rows, _ = parse(HEADER + "Pat,pat@example.org,06/21/2022 09:28 AM,06/21/2022 04:30 PM,422,,\r\n")
    assert zoom.ZoomRow.from_json(rows[0].to_json()) == rows[0]


# --- verdicts -----------------------------------------------------------------------------------

def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2022, 6, 21, hour, minute, tzinfo=UK)


def verdict(*spans: tuple[dt.datetime, dt.datetime]) -> rules.ZoomVerdict:
    sessions = [rules.ZoomSession(a, b, int((b - a).total_seconds() // 60)) for a, b in spans]
    return rules.zoom_verdict(sessions, starts_at=STARTS, finishes_at=FINISHES, break_minutes=60,
                              minimum_percent=80)


@pytest.mark.parametrize("spans, expected", [
    ([(at(9, 28), at(16, 31))], ("present", 360, 0)),
    ([(at(9, 29), at(12, 30)), (at(13, 25), at(16, 31))], ("present", 360, 0)),  # rejoined after lunch
    ([(at(10, 0), at(16, 30))], ("late", 330, 30)),
    ([(at(9, 0), at(15, 30))], ("left_early", 300, 60)),  # joining early does not make up for leaving early
    ([(at(9, 30), at(12, 0))], ("absent", 150, 0)),
    ([(at(9, 30), at(16, 30)), (at(9, 30), at(16, 30))], ("present", 360, 0)),  # two devices count once
    ([(at(9, 33), at(16, 27))], ("present", 354, 0)),  # within the five minutes' grace
    ([(at(10, 10), at(16, 0))], ("late", 290, 70)),  # late and left early: late, with both missed
    ([(at(10, 15), at(16, 0))], ("absent", 285, 0)),  # 79% of the day, below the 80% needed
    ([(at(9, 30), at(12, 30)), (at(14, 30), at(16, 30))], ("present", 300, 0)),  # a gap, 83% of the day
])
def test_a_persons_rows_give_a_verdict(spans, expected):
    result = verdict(*spans)
    assert (result.status, result.minutes_attended, result.minutes_missed) == expected


def test_nobody_in_the_report_is_absent():
    assert verdict().status == "absent"


def test_rows_are_matched_by_email_in_any_case_and_decided_by_hand():
    rows, _ = parse(HEADER
                    + "Pat,Pat@Example.ORG,06/21/2022 09:29 AM,06/21/2022 12:30 PM,182,,\r\n"
                    + "Pat,pat@example.org,06/21/2022 01:25 PM,06/21/2022 04:31 PM,186,,\r\n"
                    + "Sam's iPad,,06/21/2022 09:30 AM,06/21/2022 04:30 PM,420,,\r\n"
                    + "Tom Trainer,tom@example.org,06/21/2022 09:00 AM,06/21/2022 04:45 PM,465,,\r\n")
    people = [zoom.Person(1, "pat@example.org"), zoom.Person(2, "sam@work.example"), zoom.Person(3, "kim@x.org")]
    kwargs = {"starts_at": STARTS, "finishes_at": FINISHES, "break_minutes": 60, "minimum_percent": 80}

    first = zoom.propose(rows, people, **kwargs)
    assert first.proposals[1].verdict.status == "present" and len(first.proposals[1].rows) == 2
    assert first.proposals[2].verdict is None and first.proposals[3].verdict is None
    assert [r.name for r in first.unmatched] == ["Sam's iPad", "Tom Trainer"]

    decided = zoom.propose(rows, people, decisions={4: 2, 5: zoom.IGNORE}, **kwargs)
    assert decided.proposals[2].verdict.status == "present"
    assert decided.unmatched == [] and [r.name for r in decided.ignored] == ["Tom Trainer"]


def test_a_decision_naming_someone_not_on_the_register_leaves_the_row_unmatched():
    rows, _ = parse(HEADER + "Sam,,06/21/2022 09:30 AM,06/21/2022 04:30 PM,420,,\r\n")
    matching = zoom.propose(rows, [zoom.Person(1, "pat@example.org")], decisions={2: 99},
                            starts_at=STARTS, finishes_at=FINISHES, break_minutes=60, minimum_percent=80)
    assert [r.name for r in matching.unmatched] == ["Sam"]
