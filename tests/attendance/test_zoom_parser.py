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
# The brochure's day: 9:30am to 4:30pm with an hour's lunch, 360 minutes; 80% of them count.
DAY = {"starts_at": STARTS, "finishes_at": FINISHES, "break_minutes": 60, "teaching_minutes": 360,
       "minimum_percent": 80}


def parse(text: str | bytes, **kwargs):
    data = text.encode() if isinstance(text, str) else text
    report = parse_zoom_report(data, max_bytes=kwargs.pop("max_bytes", LIMIT), zone=kwargs.pop("zone", "Europe/London"),
                               **kwargs)
    return report.rows, report.errors


def test_it_reads_a_plain_report_with_times_in_the_course_zone():
    rows, errors = parse(HEADER + "Pat Participant,PAT@Example.org,06/21/2022 09:28:11 AM,06/21/2022 04:31:02 PM,423,No,\r\n")
    assert errors == []
    [row] = rows
    assert (row.line, row.name, row.email, row.minutes) == (2, "Pat Participant", "pat@example.org", 423)
    assert row.joined_at == dt.datetime(2022, 6, 21, 9, 28, 11, tzinfo=UK)
    assert row.joined_at == dt.datetime(2022, 6, 21, 8, 28, 11, tzinfo=dt.UTC)  # British Summer Time
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
    matching = zoom.propose(rows, [zoom.Person(1, "pat@example.org")], **DAY)
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


def test_a_24_hour_slashed_date_is_read_day_first_when_the_day_is_over_12():
    rows, _ = parse(HEADER + "Pat,pat@example.org,21/06/2022 09:30:00,21/06/2022 16:30:00,420,,\r\n")
    assert rows[0].joined_at.date() == dt.date(2022, 6, 21)


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


def test_rows_survive_as_json():
    rows, _ = parse(HEADER + "Pat,pat@example.org,06/21/2022 09:28 AM,06/21/2022 04:30 PM,422,,\r\n")
    assert zoom.ZoomRow.from_json(rows[0].to_json()) == rows[0]


# --- verdicts -----------------------------------------------------------------------------------

def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2022, 6, 21, hour, minute, tzinfo=UK)


def verdict(*spans: tuple[dt.datetime, dt.datetime]) -> rules.ZoomVerdict:
    sessions = [rules.ZoomSession(a, b, int((b - a).total_seconds() // 60)) for a, b in spans]
    return rules.zoom_verdict(sessions, **DAY)


@pytest.mark.parametrize("spans, expected", [
    ([(at(9, 28), at(16, 31))], ("present", 360, 0)),
    ([(at(9, 29), at(12, 30)), (at(13, 25), at(16, 31))], ("present", 360, 0)),  # rejoined after lunch
    ([(at(10, 0), at(16, 30))], ("late", 330, 30)),
    ([(at(9, 0), at(15, 30))], ("left_early", 300, 60)),  # joining early does not make up for leaving early
    ([(at(9, 30), at(12, 0))], ("left_early", 150, 210)),  # below the minimum: the minutes say so
    ([(at(9, 30), at(16, 30)), (at(9, 30), at(16, 30))], ("present", 360, 0)),  # two devices count once
    ([(at(9, 33), at(16, 27))], ("present", 354, 0)),  # within the five minutes' grace
    ([(at(10, 10), at(16, 0))], ("late", 290, 70)),  # late and left early: late, with both missed
    ([(at(10, 15), at(16, 0))], ("late", 285, 75)),  # 79% of the day: late, and the day does not count
    ([(at(9, 30), at(11, 0)), (at(14, 30), at(16, 30))], ("left_early", 210, 150)),  # away most of the day
    ([(at(12, 30), at(13, 30))], ("absent", 0, 0)),  # there only for lunch
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
                    + "Gus Guest,gus@example.org,06/21/2022 09:00 AM,06/21/2022 04:45 PM,465,,\r\n")
    people = [zoom.Person(1, "pat@example.org"), zoom.Person(2, "sam@work.example"), zoom.Person(3, "kim@x.org")]

    first = zoom.propose(rows, people, **DAY)
    assert first.proposals[1].verdict.status == "present" and len(first.proposals[1].rows) == 2
    assert first.proposals[2].verdict is None and first.proposals[3].verdict is None
    assert [a.name for a in first.unknown] == ["Sam's iPad", "Gus Guest"]

    decided = zoom.propose(rows, people, decisions={2: 4}, **DAY)  # Sam is row 4
    assert decided.proposals[2].verdict.status == "present"
    assert decided.proposals[2].claimed.name == "Sam's iPad"
    assert [a.name for a in decided.unknown] == ["Gus Guest"]


def test_a_decision_naming_someone_not_on_the_register_or_a_row_twice_is_left_out():
    rows, _ = parse(HEADER + "Sam,,06/21/2022 09:30 AM,06/21/2022 04:30 PM,420,,\r\n")
    matching = zoom.propose(rows, [zoom.Person(1, "pat@example.org"), zoom.Person(2, "kim@x.org")],
                            decisions={99: 2, 1: 2, 2: 2}, **DAY)
    assert matching.proposals[1].verdict.status == "present"
    assert matching.proposals[2].verdict is None  # row 2 is Pat's already
    assert matching.unknown == []


# --- the zone of the account that downloaded the report (issue 8) ---------------------------------

def test_times_are_read_in_the_zone_of_the_zoom_account_not_the_courses():
    # A New York account's report of the London day: 9:30am to 4:30pm in London is 4:30am to
    # 11:30am in New York.
    rows, errors = parse(HEADER + "Pat,pat@example.org,06/21/2022 04:30:00 AM,06/21/2022 11:30:00 AM,420,No,\r\n",
                         report_zone="America/New_York")
    assert errors == []
    assert (rows[0].joined_at, rows[0].left_at) == (STARTS, FINISHES)
    assert rows[0].joined_at.tzinfo == dt.UTC  # instants: the pages show them in the course's zone


def test_a_zone_in_the_columns_header_wins_over_the_accounts():
    rows, _ = parse(UTC_HEADER + "Pat,pat@example.org,06/21/2022 08:30:00 AM,06/21/2022 03:30:00 PM,420\r\n",
                    report_zone="America/New_York")
    assert (rows[0].joined_at, rows[0].left_at) == (STARTS, FINISHES)


# On Sunday 30 October 2022 London's clocks went back at 2am BST: 1am to 2am came twice, first
# as BST (00:00-01:00 UTC), then as GMT (01:00-02:00 UTC).
BST_HOUR = dt.datetime(2022, 10, 30, 0, 0, tzinfo=dt.UTC)  # 1:00am BST


def utc(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2022, 10, 30, hour, minute, tzinfo=dt.UTC)


def test_a_leave_in_the_repeated_hour_is_read_after_its_join_not_as_summer_time():
    # Joined at 1:40am BST, stayed 30 minutes: left at 1:10am GMT, which the clock wrote as 01:10.
    rows, errors = parse(HEADER + "Pat,pat@example.org,10/30/2022 01:40:00 AM,10/30/2022 01:10:00 AM,30,No,\r\n")
    assert errors == []
    assert (rows[0].joined_at, rows[0].left_at) == (utc(0, 40), utc(1, 10))


def test_the_repeated_hour_is_read_by_the_reports_order():
    # Zoom lists rows as people joined: a join at 01:20 after one at 01:50 is in the second 1am.
    rows, errors = parse(HEADER
                         + "Pat,pat@example.org,10/30/2022 01:50:00 AM,10/30/2022 02:30:00 AM,,No,\r\n"
                         + "Sam,sam@example.org,10/30/2022 01:20:00 AM,10/30/2022 02:30:00 AM,,No,\r\n")
    assert errors == []
    assert [r.joined_at for r in rows] == [utc(0, 50), utc(1, 20)]
    assert [r.minutes for r in rows] == [100, 70]


def test_a_duration_settles_which_repeated_hour_a_join_is_in():
    # The first row of the report joined in the second 1am: 40 minutes to 2am GMT.
    rows, _ = parse(HEADER + "Pat,pat@example.org,10/30/2022 01:20:00 AM,10/30/2022 02:00:00 AM,40,No,\r\n")
    assert rows[0].joined_at == utc(1, 20)


# --- dates that read two ways (issue 8) ------------------------------------------------------------

@pytest.mark.parametrize("join, leave", [
    ("06/07/2022 09:30:00", "06/07/2022 16:30:00"),  # 24-hour: used to be read day first
    ("06/07/2022 09:30:00 AM", "06/07/2022 04:30:00 PM"),  # am/pm: used to be read month first
])
def test_a_date_that_reads_two_ways_is_reported_on_its_row_never_guessed(join, leave):
    rows, errors = parse(HEADER + f"Pat,pat@example.org,{join},{leave},420,No,\r\n")
    assert rows == []
    assert errors == [
        f"Row 2: Join Time '{join}' could be 7 June 2022 or 6 July 2022: say how the report writes dates, and upload it again.",
        f"Row 2: Leave Time '{leave}' could be 7 June 2022 or 6 July 2022: say how the report writes dates, and upload it again.",
    ]


def test_the_files_own_dates_settle_how_it_writes_them():
    # The meeting block's 06/21/2022 is month first, so the rows' 06/07/2022 is 7 June.
    preamble = PREAMBLE.replace("06/21/2022", "06/07/2022").replace("host@example.org", "host@example.org")
    rows, errors = parse(preamble.replace("09:15:03 AM,06/07/2022", "09:15:03 AM,06/21/2022") + HEADER
                         + "Pat,pat@example.org,06/07/2022 09:30 AM,06/07/2022 04:30 PM,420,No,\r\n")
    assert errors == [] and rows[0].joined_at.date() == dt.date(2022, 6, 7)
    rows, errors = parse(HEADER + "Pat,pat@example.org,06/07/2022 09:30,06/07/2022 16:30,420,No,\r\n"
                         + "Sam,sam@example.org,21/06/2022 09:30,21/06/2022 16:30,420,No,\r\n")
    assert errors == [] and rows[0].joined_at.date() == dt.date(2022, 7, 6)


def test_the_coordinator_says_how_dates_are_written_when_the_file_cannot():
    text = HEADER + "Pat,pat@example.org,06/07/2022 09:30,06/07/2022 16:30,420,No,\r\n"
    assert parse(text, date_order=zoom.DAY_FIRST)[0][0].joined_at.date() == dt.date(2022, 7, 6)
    assert parse(text, date_order=zoom.MONTH_FIRST)[0][0].joined_at.date() == dt.date(2022, 6, 7)


def test_a_file_whose_dates_disagree_settles_nothing():
    _, errors = parse(HEADER + "Pat,pat@example.org,06/07/2022 09:30,06/07/2022 16:30,420,No,\r\n"
                      + "Sam,sam@example.org,21/06/2022 09:30,21/06/2022 16:30,420,No,\r\n"
                      + "Kim,kim@example.org,06/21/2022 09:30,06/21/2022 16:30,420,No,\r\n")
    assert [e[:6] for e in errors] == ["Row 2:", "Row 2:"]


def test_the_meeting_host_is_read_from_the_meeting_block():
    report = parse_zoom_report((PREAMBLE + HEADER + "Pat,pat@example.org,06/21/2022 09:28 AM,06/21/2022 04:30 PM,422,,\r\n")
                               .encode(), max_bytes=LIMIT, zone="Europe/London")
    assert report.host_email == "host@example.org"


# --- merging, recognising and what is saved (issue 8) ---------------------------------------------

def test_rows_from_two_devices_at_once_are_merged_and_counted_once():
    rows, _ = parse(HEADER
                    + "Pat,pat@example.org,06/21/2022 09:28 AM,06/21/2022 04:31 PM,423,No,\r\n"
                    + "Pat (phone),pat@example.org,06/21/2022 10:00 AM,06/21/2022 11:00 AM,60,No,\r\n"
                    + "Pat,pat@example.org,06/21/2022 04:35 PM,06/21/2022 04:40 PM,5,No,\r\n")
    proposal = zoom.propose(rows, [zoom.Person(1, "pat@example.org")], **DAY).proposals[1]
    assert proposal.overlapping == 1
    assert proposal.spans == ((at(9, 28), at(16, 31)), (at(16, 35), at(16, 40)))
    assert proposal.verdict == rules.ZoomVerdict("present", 360, 0)


def test_the_runs_trainers_and_the_host_are_recognised_not_unknown():
    rows, _ = parse(HEADER
                    + "Tom Trainer,TOM@example.org,06/21/2022 09:00 AM,06/21/2022 04:45 PM,465,No,\r\n"
                    + "Tina Trainer,,06/21/2022 09:00 AM,06/21/2022 04:45 PM,465,No,\r\n"
                    + "NVR Team,host@example.org,06/21/2022 09:15 AM,06/21/2022 04:41 PM,446,No,\r\n"
                    + "Gus,gus@example.org,06/21/2022 09:30 AM,06/21/2022 04:30 PM,420,Yes,\r\n")
    matching = zoom.propose(rows, [zoom.Person(1, "pat@example.org")],
                            trainers=[zoom.Staff("tom@example.org", "Tom Trainer"), zoom.Staff("tina@example.org", "Tina Trainer")],
                            host_email="host@example.org", **DAY)
    assert [(r.attendee.name, r.role) for r in matching.recognised] == [
        ("Tom Trainer", "trainer"), ("Tina Trainer", "trainer"), ("NVR Team", "host")]
    assert [a.name for a in matching.unknown] == ["Gus"]


def test_someone_not_in_the_report_is_absent_unless_already_marked():
    rows, _ = parse(HEADER + "Pat,pat@example.org,06/21/2022 10:00 AM,06/21/2022 04:30 PM,390,No,\r\n")
    matching = zoom.propose(rows, [zoom.Person(1, "pat@example.org"), zoom.Person(2, "kim@x.org"),
                                   zoom.Person(3, "sam@x.org")], **DAY)
    assert sorted(zoom.marks_to_record(matching, marked=[3])) == [(1, "late", 30), (2, "absent", 0)]
