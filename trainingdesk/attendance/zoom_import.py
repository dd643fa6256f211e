"""Importing a Zoom participant report into a day's register: the preview kept on the server
between the upload and the save, and the save itself.

The parsed report is kept in the shared cache under a random token, for the coordinator who
uploaded it and the day it is for, not in the session or the page: a report of 20,000 rows is
a few megabytes, and posting a field for each of its rows is what Django refuses (more than
DATA_UPLOAD_MAX_NUMBER_FIELDS). The coordinator's decisions are one a person on the register
(who in the report is them), so a form never has more fields than the register has people.

Who is absent, late or left early, and what merging rows means, are `zoom` and `rules`' (pure);
this module reads the register, keeps the preview and saves through `services.record_marks`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trainingdesk.accounts.models import User
from trainingdesk.accounts.services import remember_zoom_report_zone
from trainingdesk.attendance import selectors, services, zoom
from trainingdesk.attendance.models import AttendanceMark, MarkSource
from trainingdesk.catalogue.models import TrainingDay

PREVIEW_SECONDS = 3 * 60 * 60  # long enough to sort out a report; the cache is no archive
CACHE_PREFIX = "attendance:zoom-preview:"


@dataclass
class Preview:
    token: str
    user_id: int
    day_id: int
    filename: str
    zone: str  # the zone the report's times were read in
    rows: list[zoom.ZoomRow]
    host_email: str
    decisions: dict[int, int] = field(default_factory=dict)  # booking id -> report line


def _key(token: str) -> str:
    return CACHE_PREFIX + token


def start_preview(*, day: TrainingDay, user: User, report: zoom.ZoomReport, filename: str,
                  zone: str) -> Preview:
    """Keep a parsed report for its preview, and remember the zone it was read in as the
    coordinator's for the next import."""
    preview = Preview(token=secrets.token_urlsafe(16), user_id=user.pk, day_id=day.pk,
                      filename=filename[:200], zone=zone, rows=report.rows,
                      host_email=report.host_email)
    cache.set(_key(preview.token), preview, PREVIEW_SECONDS)
    remember_zoom_report_zone(user=user, zone=zone)
    return preview


def load_preview(*, day: TrainingDay, user: User, token: str) -> Preview | None:
    """The preview, if it is still kept and is this coordinator's, for this day."""
    if not token or len(token) > 64:
        return None
    preview = cache.get(_key(token))
    if not isinstance(preview, Preview) or preview.day_id != day.pk or preview.user_id != user.pk:
        return None
    return preview


def keep_decisions(preview: Preview, decisions: dict[int, int]) -> None:
    preview.decisions = dict(decisions)
    cache.set(_key(preview.token), preview, PREVIEW_SECONDS)


def matching(preview: Preview, page: selectors.Register,
             decisions: dict[int, int] | None = None) -> zoom.Matching:
    """What the report proposes for the register `page`, with the coordinator's decisions."""
    day = page.day
    return zoom.propose(
        preview.rows,
        [zoom.Person(r.booking.pk, r.booking.participant.email) for r in page.rows],
        trainers=[zoom.Staff(t.email, t.full_name) for t in day.run.trainers.all()],
        host_email=preview.host_email,
        decisions=preview.decisions if decisions is None else decisions,
        starts_at=day.starts_at, finishes_at=day.finishes_at, break_minutes=day.break_minutes,
        teaching_minutes=day.teaching_minutes,
        minimum_percent=day.run.level.attendance_minimum_percent,
    )


def save_preview(*, day: TrainingDay, actor: User, preview: Preview, reason: str = ""
                 ) -> list[AttendanceMark]:
    """Record every mark the report proposes at once, or none, from the register as it is now;
    a preview is saved once."""
    page = selectors.register(day)
    proposed = matching(preview, page)
    marks = [services.MarkInput(booking_id, status, missed) for booking_id, status, missed
             in zoom.marks_to_record(proposed, [r.booking.pk for r in page.rows if r.mark is not None])]
    with transaction.atomic():
        saved = services.record_marks(day=day, marks=marks, actor=actor, reason=reason,
                                      source=MarkSource.ZOOM)
        # Saved by another request meanwhile (a second tab): this one's marks are undone.
        if not cache.delete(_key(preview.token)):
            raise ValidationError(_("That Zoom report preview was already saved."))
    return saved
