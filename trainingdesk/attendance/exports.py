"""The run report as CSV: one row a participant, one column a day, for a spreadsheet.

Text that came from people (names, emails) is guarded against formula injection with the
`lib.csvfiles.text`; the file is read in the run report's fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterator

from trainingdesk.attendance.selectors import RunReport
from trainingdesk.lib.csvfiles import csv_response, text

__all__ = ["csv_response", "report_header", "report_rows"]


def report_header(report: RunReport) -> list[str]:
    days = [f"day_{day.number}_{day.date.isoformat()}" for day in report.days]
    return ["participant", "email", "booking", "make_up_from", *days, "days_attended",
            "days_required", "confirmation", "confirmation_status"]


def report_rows(report: RunReport) -> Iterator[list[str]]:
    for row in report.rows:
        yield [
            text(row.booking.participant.full_name), text(row.booking.participant.email),
            row.booking.reference, text(row.make_up_from.title) if row.make_up_from else "",
            *[text(cell.label) for cell in row.cells],
            str(row.days_attended), str(report.days_required),
            row.confirmation.code if row.confirmation else "",
            ("revoked" if row.confirmation.revoked_at else "valid") if row.confirmation else "",
        ]
