"""The coordinator's page for one Attendance Confirmation: what it states against the attendance
as it is now; keeping it valid when the attendance behind it changed; issuing a new one in place
of a revoked one. (Revoking is the verification page's, for every kind of document.)"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from trainingdesk.accounts.models import User
from trainingdesk.attendance import services
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.lib.access import coordinator_required
from trainingdesk.lib.forms import add_service_errors


class KeepForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why it stays valid"), required=False, max_length=500,
        help_text=gettext_lazy("Kept in the audit log, for example \"the day still counts\"."))


@dataclass(frozen=True)
class DayComparison:
    number: int
    confirmed: dict[str, str] | None  # the day as the confirmation states it
    now: dict[str, str] | None  # the day as attended now, if it counts

    @property
    def differs(self) -> bool:
        return self.confirmed != self.now


@dataclass(frozen=True)
class ConfirmationRecord:
    confirmation: AttendanceConfirmation
    days: list[DayComparison]
    complete_now: bool  # whether every day the level requires is attended now
    attended_now: int
    required: int

    @property
    def hours_now(self) -> Decimal:
        return sum((Decimal(day.now["hours"]) for day in self.days if day.now is not None
                    and day.number <= self.required), Decimal(0))


def _record(code: str) -> ConfirmationRecord:
    confirmation = (AttendanceConfirmation.objects
                    .select_related("booking__participant", "booking__run__level", "replaces",
                                    "replaced_by", "revoked_by")
                    .filter(code=code).first())
    if confirmation is None:
        raise Http404("No such confirmation")
    booking = confirmation.booking
    now = services.attendance_now(booking)
    required = booking.run.level.days_required
    stated = {int(day["number"]): day for day in confirmation.days}
    numbers = sorted(set(range(1, required + 1)) | set(stated))
    return ConfirmationRecord(
        confirmation=confirmation,
        days=[DayComparison(n, stated.get(n), now.get(n)) for n in numbers],
        complete_now=services.days_to_confirm([booking])[booking.pk] is not None,
        attended_now=len(set(now) & set(range(1, required + 1))), required=required,
    )


def _page(request: HttpRequest, code: str, *, keep_form: KeepForm | None = None,
          reissue_errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    record = _record(code)
    return render(request, "attendance/confirmation.html", {
        "record": record, "confirmation": record.confirmation,
        "form": keep_form or KeepForm(), "reissue_errors": reissue_errors or [],
    }, status=status)


@coordinator_required
@require_safe
def confirmation(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, code)


@coordinator_required
@require_POST
def keep(request: HttpRequest, code: str) -> HttpResponse:
    record = _record(code)
    form = KeepForm(request.POST)
    if form.is_valid():
        try:
            services.keep_confirmation(confirmation=record.confirmation, actor=cast(User, request.user),
                                       note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The confirmation stays valid; the decision is in the audit log."))
            return redirect("attendance:confirmation", code=code)
    return _page(request, code, keep_form=form)


@coordinator_required
@require_POST
def reissue(request: HttpRequest, code: str) -> HttpResponse:
    record = _record(code)
    try:
        new = services.reissue_confirmation(confirmation=record.confirmation,
                                            actor=cast(User, request.user))
    except ValidationError as error:
        return _page(request, code, reissue_errors=error.messages)
    messages.success(request, _("A new confirmation, code %(code)s, is issued and emailed to %(name)s.")
                     % {"code": new.code, "name": new.holder_name})
    return redirect("attendance:confirmation", code=new.code)
