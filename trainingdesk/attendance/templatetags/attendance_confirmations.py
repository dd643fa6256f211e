"""`{% confirmations_to_review day %}`: on a day's register, the people on it whose valid
Attendance Confirmation was flagged because a mark behind it changed. One query. A tag rather
than the register view's context, so that the register's page shows the flag without its view
knowing about confirmations."""

from __future__ import annotations

from typing import Any

from django import template

from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.attendance.services import on_register
from trainingdesk.catalogue.models import TrainingDay

register = template.Library()


def flagged_on_register(day: TrainingDay) -> list[AttendanceConfirmation]:
    return list(AttendanceConfirmation.objects
                .filter(booking__in=on_register(day).order_by().values("pk"),
                        revoked_at__isnull=True, attendance_changed_at__isnull=False)
                .order_by("holder_name", "id"))


@register.inclusion_tag("attendance/_confirmations_to_review.html", takes_context=True)
def confirmations_to_review(context: template.Context, day: TrainingDay) -> dict[str, Any]:
    return {"flagged": flagged_on_register(day), "is_coordinator": context.get("is_coordinator", False)}
