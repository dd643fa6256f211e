"""Attendance's answer to `lib.verification`'s question, "which document has this code?", for
Attendance Confirmations: what the public verification page may show, and the way to revoke.
Registered in `AttendanceConfig.ready`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.attendance.services import revoke_confirmation
from trainingdesk.lib.access import require_coordinator
from trainingdesk.lib.verification import Fact, Status, VerifiedDocument
from trainingdesk.lib.zones import format_day

KIND = "attendance_confirmation"


def _day_line(day: dict[str, str]) -> str:
    try:
        on = format_day(dt.date.fromisoformat(day["date"]))
    except (KeyError, TypeError, ValueError):
        on = str(day.get("date", ""))
    return _("Day %(number)s: %(date)s") % {"number": day.get("number", ""), "date": on}


def as_verified(confirmation: AttendanceConfirmation) -> VerifiedDocument:
    """What anyone may know of a confirmation: nothing of its holder but their name."""
    facts = []
    if confirmation.accreditation:
        facts.append(Fact(_("Accreditation"), [confirmation.accreditation]))
    facts.append(Fact(_("Training days"), [_day_line(day) for day in confirmation.days]))
    facts.append(Fact(_("Hours attended"), [str(confirmation.hours_attended)]))
    replacement = confirmation.replacement
    return VerifiedDocument(
        kind=KIND, code=confirmation.code, title=confirmation.title,
        holder_name=confirmation.holder_name,
        award=_("Attendance of every day of the %(level)s Level training of %(programme)s") % {
            "level": confirmation.level_name, "programme": confirmation.programme_name},
        issued_at=confirmation.issued_at, status=confirmation.status,
        provider_name=confirmation.provider_name,
        provider_accreditation=confirmation.provider_accreditation,
        revoked_at=confirmation.revoked_at,
        replaced_by=replacement.code if replacement is not None else "",
        facts=facts,
        manage_url=reverse("attendance:confirmation", args=[confirmation.code]),
    )


class ConfirmationIssuer:
    kind = KIND

    def find(self, code: str) -> VerifiedDocument | None:
        confirmation = (AttendanceConfirmation.objects.select_related("replaced_by")
                        .filter(code=code).first())
        return as_verified(confirmation) if confirmation is not None else None

    def revoke(self, *, code: str, reason: str, actor: Any) -> None:
        require_coordinator(actor, "revoke a confirmation")
        confirmation = AttendanceConfirmation.objects.get(code=code)
        revoke_confirmation(confirmation=confirmation, reason=reason, actor=actor)


__all__ = ["KIND", "ConfirmationIssuer", "Status", "as_verified"]
