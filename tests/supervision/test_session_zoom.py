"""A supervision session's Zoom report is read with the training days' parser and rules."""

from __future__ import annotations

import datetime as dt

from trainingdesk.attendance.zoom import parse_zoom_report
from trainingdesk.supervision.zoom import Member, read_session

STARTS = dt.datetime(2022, 10, 18, 18, 0, tzinfo=dt.UTC)  # 7pm UK time
ENDS = STARTS + dt.timedelta(hours=2)
REPORT = (
    b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"
    b"Sam Okafor,sam@example.org,10/18/2022 06:58:00 PM,10/18/2022 09:01:00 PM,123,No\r\n"
    b"Sam (phone),SAM@example.org,10/18/2022 07:30:00 PM,10/18/2022 07:45:00 PM,15,No\r\n"
    b"Alex,alex@example.org,10/18/2022 07:00:00 PM,10/18/2022 07:40:00 PM,40,No\r\n"
    b"Visitor,visitor@elsewhere.example,10/18/2022 07:00:00 PM,10/18/2022 08:00:00 PM,60,Yes\r\n"
)


def test_members_connected_for_the_share_are_present_devices_counted_once_strangers_apart():
    report = parse_zoom_report(REPORT, max_bytes=10**6, zone="Europe/London")
    members = [Member(1, "Sam Okafor", "sam@example.org"), Member(2, "Alex P", "alex@example.org"),
               Member(3, "Kim Absent", "kim@example.org")]
    read = read_session(report.rows, members, starts_at=STARTS, ends_at=ENDS, minimum_percent=75)
    found = {v.member.key: (v.minutes, v.present, v.merged_devices) for v in read.verdicts}
    assert found == {1: (120, True, 1), 2: (40, False, 0), 3: (0, False, 0)}
    assert read.not_on_register == ["Visitor <visitor@elsewhere.example>"]
    assert "at least 75% of the session's 120 minutes (90 minutes)" in read.rule
