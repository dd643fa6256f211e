"""A supervision session's Zoom participant report, read by the same parser and rules as a
training day's (`attendance.zoom`, `attendance.rules.merge_sessions`): who on the session's
register was connected, for how long within the session, and so who was present.

Pure: no database. A member is present when their time connected within the session (devices
overlapping counted once) reaches the level's share of the session (`minimum_percent`, the same
share a training day asks). People are matched by email; anyone in the report who is not on the
register is listed apart, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from trainingdesk.attendance.rules import ZoomSession, merge_sessions
from trainingdesk.attendance.zoom import ZoomRow


@dataclass(frozen=True)
class Member:
    key: int  # the allocation's id
    name: str
    email: str


@dataclass(frozen=True)
class Verdict:
    member: Member
    minutes: int  # connected within the session
    present: bool
    merged_devices: int


@dataclass(frozen=True)
class SessionReport:
    verdicts: list[Verdict]
    not_on_register: list[str]  # "Name <email>" of people in the report nobody on it is
    rule: str


def read_session(rows: list[ZoomRow], members: list[Member], *, starts_at: dt.datetime,
                 ends_at: dt.datetime, minimum_percent: int) -> SessionReport:
    """Each member's minutes within the session and whether they count as present."""
    length = int((ends_at - starts_at).total_seconds() // 60)
    needed = -(-length * minimum_percent // 100)  # rounded up: the share is a minimum
    by_email: dict[str, list[ZoomSession]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in rows:
        email = row.email.strip().lower()
        if not email:
            continue
        by_email[email].append(ZoomSession(row.joined_at, row.left_at, row.minutes))
        names.setdefault(email, row.name)
    verdicts = []
    for member in members:
        merged = merge_sessions(by_email.get(member.email.lower(), []))
        minutes = sum(
            max(0, int((min(end, ends_at) - max(start, starts_at)).total_seconds() // 60))
            for start, end in merged.spans)
        verdicts.append(Verdict(member, minutes, minutes >= needed, merged.overlapping))
    known = {m.email.lower() for m in members}
    strangers = sorted(f"{names[e]} <{e}>" for e in by_email if e not in known)
    rule = (f"Present when connected for at least {minimum_percent}% of the session's {length} "
            f"minutes ({needed} minutes); time on two devices at once counts once; people are "
            "matched by their email address.")
    return SessionReport(verdicts, strangers, rule)
