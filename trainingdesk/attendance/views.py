"""Registers, Zoom report imports, make-up days and attendance reports.

Registers and reports are for the run's trainers and the coordinator; importing Zoom reports
and assigning make-up days are for the coordinator. Anonymous visitors are sent to sign in;
anyone else signed in is refused with 403. Views parse input, call one service and render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trainingdesk.accounts.models import Role, User
from trainingdesk.attendance import exports, rules, selectors, services, zoom, zoom_import
from trainingdesk.attendance.forms import (
    MakeUpDayForm,
    MarkForm,
    ZoomDecisionForm,
    ZoomUploadForm,
)
from trainingdesk.attendance.models import AttendanceMark, MarkSource, MarkStatus
from trainingdesk.catalogue.models import CourseRun, TrainingDay
from trainingdesk.lib.access import coordinator_required
from trainingdesk.lib.forms import add_service_errors
from trainingdesk.lib.zones import format_clock, format_day


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _day(request: HttpRequest, day_id: int) -> TrainingDay:
    """A day whose register the signed-in person keeps (its run's trainer or the coordinator)."""
    day = selectors.day_for_register(day_id)
    if day is None:
        raise Http404("No such day")
    if not services.may_keep_register(_actor(request), day.run):
        raise PermissionDenied("Only the run's trainers and the coordinator keep its registers.")
    return day


def _run(request: HttpRequest, run_id: int) -> CourseRun:
    run = selectors.run_for_attendance(run_id)
    if run is None:
        raise Http404("No such run")
    if not services.may_keep_register(_actor(request), run):
        raise PermissionDenied("Only the run's trainers and the coordinator see its attendance.")
    return run


def _register_url(day: TrainingDay, booking_id: int | None = None) -> str:
    url = reverse("attendance:register", args=[day.pk])
    return f"{url}#row-{booking_id}" if booking_id else url


# --- runs ------------------------------------------------------------------------------------

@require_safe
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The runs whose registers the signed-in trainer (or the coordinator) keeps."""
    user = _actor(request)
    if not (user.is_coordinator or user.has_role(Role.TRAINER)):
        raise PermissionDenied("Registers are for trainers and the coordinator.")
    runs = list(selectors.runs_for(user))
    return render(request, "attendance/index.html", {"runs": runs})


@require_safe
@login_required
def run_days(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    return render(request, "attendance/run_days.html", {
        "run": run, "days": selectors.run_days(run), "is_coordinator": _actor(request).is_coordinator,
    })


# --- a day's register ------------------------------------------------------------------------

class MarkRow(TypedDict):
    """One row of a day's register as its template draws it: plain text worked out once for the
    page, so that a register of 200 renders as text rather than as 200 forms of widgets (a
    MarkForm only validates what a row posts; its errors come here as text). A dict, since a
    template looks up a dict's keys before an object's attributes; the booking's id is text,
    since the template writes it eight times and Django formats a number slowly."""

    booking_id: str
    name: str
    save_for: str  # "the mark for Pat Participant": the Save button's words for screen readers
    make_up_from: str  # the title of the run they are booked on, when making this day up
    mark_text: str  # "Late, 25 minutes missed"; "" when not marked yet
    recorded: str  # "by Tom Trainer at 9:30am, Tuesday 21 June 2022"
    make_up_url: str  # for the coordinator: assign them a make-up day
    make_up_for: str  # "to Pat Participant", that link's words for screen readers
    saved: bool
    # The row's form, when its mark may be changed:
    editable: bool
    needs_reason: bool
    choices: list[tuple[str, str, str, bool]]  # value, label, input id, checked
    minutes: str
    reason: str
    has_errors: bool
    non_field_errors: list[str]
    status_errors: list[str]
    minutes_errors: list[str]
    reason_errors: list[str]


MAKE_UP_PLACEHOLDER = "REFERENCE"


@dataclass
class _RowMaker:
    """What every row of one register shares, worked out once for the page: its words are
    translated here once, not once a row (each translation is a search of several catalogues)."""

    editable: bool
    needs_reason: bool
    zone: ZoneInfo
    coordinator: bool

    def __post_init__(self) -> None:
        self.labels = [(value, str(label)) for value, label in MarkStatus.choices]
        self.status_labels = dict(self.labels)
        self.save_for = _("the mark for %(name)s")
        self.make_up_for = _("to %(name)s")
        self.by = _("by %(name)s at %(time)s, %(date)s")
        self.from_zoom = _("from the Zoom report at %(time)s, %(date)s")
        self.at = _("at %(time)s, %(date)s")
        self.missed: dict[int, str] = {}
        # One reverse() for the page: each row's booking reference (capital letters and
        # digits) takes the placeholder's place.
        self.make_up_url = reverse("attendance:assign_make_up", args=[MAKE_UP_PLACEHOLDER])

    def _mark_text(self, mark: AttendanceMark) -> str:
        text = self.status_labels.get(mark.status, mark.status)
        minutes = mark.minutes_missed
        if minutes:
            if minutes not in self.missed:
                self.missed[minutes] = ngettext("%(count)s minute missed", "%(count)s minutes missed",
                                                minutes) % {"count": minutes}
            text += ", " + self.missed[minutes]
        return text

    def _recorded(self, mark: AttendanceMark) -> str:
        at = mark.recorded_at.astimezone(self.zone)
        when = {"time": format_clock(at), "date": format_day(at.date())}
        if mark.source == MarkSource.ZOOM:
            return self.from_zoom % when
        if mark.recorded_by is not None:
            return self.by % {**when, "name": mark.recorded_by.full_name}
        return self.at % when

    def __call__(self, row: selectors.RegisterRow, *, form: MarkForm | None = None,
                 saved: bool = False) -> MarkRow:
        booking, mark = row.booking, row.mark
        pk, name = str(booking.pk), booking.participant.full_name
        make_up_from = row.make_up_from
        if form is not None and form.is_bound:  # a mark that was refused: what was sent
            status = str(form.data.get("status", ""))
            minutes = str(form.data.get("minutes_missed", ""))
            reason = str(form.data.get("reason", ""))
            errors = form.errors
        else:
            status = mark.status if mark else ""
            minutes = str(mark.minutes_missed) if mark and mark.minutes_missed else ""
            reason, errors = "", ErrorDict()
        return {
            "booking_id": pk, "name": name, "save_for": self.save_for % {"name": name},
            "make_up_from": make_up_from.title if make_up_from else "",
            "mark_text": self._mark_text(mark) if mark else "",
            "recorded": self._recorded(mark) if mark else "",
            "make_up_url": (self.make_up_url.replace(MAKE_UP_PLACEHOLDER, booking.reference)
                            if self.coordinator else ""),
            "make_up_for": self.make_up_for % {"name": name} if self.coordinator else "",
            "saved": saved,
            "editable": self.editable, "needs_reason": self.needs_reason,
            "choices": [(value, label, f"b{pk}-status_{i}", value == status)
                        for i, (value, label) in enumerate(self.labels)] if self.editable else [],
            "minutes": minutes, "reason": reason,
            "has_errors": bool(errors),
            "non_field_errors": [str(e) for e in errors.get(NON_FIELD_ERRORS, ())],
            "status_errors": [str(e) for e in errors.get("status", ())],
            "minutes_errors": [str(e) for e in errors.get("minutes_missed", ())],
            "reason_errors": [str(e) for e in errors.get("reason", ())],
        }


def _row_maker(register: selectors.Register, user: User) -> _RowMaker:
    editable = (register.has_happened and not register.run_cancelled
                and (not register.is_closed or user.is_coordinator))
    return _RowMaker(editable=editable, needs_reason=register.is_closed and user.is_coordinator,
                     zone=ZoneInfo(register.day.run.time_zone), coordinator=user.is_coordinator)


def _row_response(request: HttpRequest, day: TrainingDay, row: MarkRow, *, announce: str) -> HttpResponse:
    """One row of the register, for htmx to swap in, and what the page's live region reads out."""
    return render(request, "attendance/_register_row.html", {
        "rows": [row], "mark_url": reverse("attendance:mark", args=[day.pk]), "announce": announce})


def _not_saved(name: str, form: MarkForm) -> str:
    """'Not saved: Pat Participant. Enter how many minutes they missed.'"""
    problems = " ".join(str(error) for errors in form.errors.values() for error in errors)
    return _("Not saved: %(name)s. %(problems)s") % {"name": name, "problems": problems}


def _register_page(request: HttpRequest, day: TrainingDay, *, failed: MarkForm | None = None,
                   status: int = 200) -> HttpResponse:
    user = _actor(request)
    page = selectors.register(day)
    make = _row_maker(page, user)
    rows = [make(row, form=failed if failed is not None and failed.booking_id == row.booking.pk else None)
            for row in page.rows]
    return render(request, "attendance/register.html", {
        "day": day, "run": day.run, "register": page, "rows": rows, "failed": failed,
        "is_coordinator": user.is_coordinator, "editable": make.editable,
        "needs_reason": make.needs_reason, "mark_url": reverse("attendance:mark", args=[day.pk]),
        "can_mark": page.has_happened and not page.run_cancelled and not page.is_closed,
    }, status=status)


@require_safe
@login_required
def register(request: HttpRequest, day_id: int) -> HttpResponse:
    return _register_page(request, _day(request, day_id))


def _describe(mark: AttendanceMark) -> str:
    if mark.minutes_missed:
        return _("%(status)s, %(minutes)s minutes missed") % {
            "status": mark.get_status_display(), "minutes": mark.minutes_missed}
    return str(mark.get_status_display())


@require_POST
@login_required
def mark(request: HttpRequest, day_id: int) -> HttpResponse:
    """Save one participant's mark. With htmx the row comes back; without, the register."""
    day = _day(request, day_id)
    user = _actor(request)
    try:
        booking_id = int(request.POST.get("booking", ""))
    except ValueError:
        booking_id = 0
    register_now = selectors.register(day)
    row = next((r for r in register_now.rows if r.booking.pk == booking_id), None)
    needs_reason = register_now.is_closed and user.is_coordinator
    form = MarkForm(request.POST, booking_id=booking_id, needs_reason=needs_reason)
    saved: list[AttendanceMark] = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.record_marks(
                day=day, actor=user, reason=data.get("reason", ""),
                marks=[services.MarkInput(booking_id, data["status"], data["minutes_missed"] or 0)],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))

    if row is None:  # not on this register: nothing to show a row for
        refusals = form.non_field_errors()
        message = str(refusals[0]) if refusals else _(
            "That person is not booked on this run, so cannot be marked.")
        messages.error(request, message)
        if request.htmx:  # type: ignore[attr-defined]
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return redirect(_register_url(day))

    name = row.booking.participant.full_name
    if saved:
        fresh = selectors.register_row(day, booking_id) or row
        if request.htmx:  # type: ignore[attr-defined]
            return _row_response(request, day, _row_maker(register_now, user)(fresh, saved=True),
                                 announce=_("Saved: %(name)s, %(mark)s.") % {
                                     "name": name, "mark": _describe(saved[0])})
        messages.success(request, _("%(name)s: %(mark)s.") % {"name": name, "mark": _describe(saved[0])})
        return redirect(_register_url(day, booking_id))

    if request.htmx:  # type: ignore[attr-defined]
        return _row_response(request, day, _row_maker(register_now, user)(row, form=form),
                             announce=_not_saved(name, form))
    return _register_page(request, day, failed=form, status=400)


@require_POST
@login_required
def mark_all_present(request: HttpRequest, day_id: int) -> HttpResponse:
    day = _day(request, day_id)
    try:
        count = services.mark_all_present(day=day, actor=_actor(request))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, ngettext("%(count)s person marked present.",
                                           "%(count)s people marked present.", count) % {"count": count})
    return redirect(_register_url(day))


@require_POST
@login_required
def close_register(request: HttpRequest, day_id: int) -> HttpResponse:
    day = _day(request, day_id)
    try:
        services.close_register(day=day, actor=_actor(request))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("The register is closed. From now on only the coordinator can "
                                    "change it, and says why."))
    return redirect(_register_url(day))


def _message(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error) or _("You may not do that.")


# --- Zoom reports ----------------------------------------------------------------------------

@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def zoom_upload(request: HttpRequest, day_id: int) -> HttpResponse:
    day = _day(request, day_id)
    user = _actor(request)
    posted = request.method == "POST"
    form = ZoomUploadForm(request.POST if posted else None, request.FILES if posted else None,
                          initial={"zone": user.zoom_report_zone or user.time_zone},
                          max_bytes=settings.ZOOM_REPORT_MAX_BYTES, course_zone=day.run.time_zone)
    if posted and form.is_valid() and form.parsed is not None:
        preview = zoom_import.start_preview(day=day, user=user, report=form.parsed,
                                            filename=form.cleaned_data["report"].name or "",
                                            zone=form.cleaned_data["zone"])
        return redirect("attendance:zoom_preview", day.pk, preview.token)
    return render(request, "attendance/zoom_upload.html", {
        "day": day, "run": day.run, "form": form,
        "limit": zoom.describe_size(settings.ZOOM_REPORT_MAX_BYTES),
    }, status=400 if form.errors else 200)


@dataclass(frozen=True)
class _PreviewLine:
    row: selectors.RegisterRow
    proposal: zoom.Proposal
    outcome: tuple[str, int] | None  # what is saved; None: left as marked


UNKNOWN_SHOWN = 100  # the report's people who match nobody, listed on the preview


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def zoom_preview(request: HttpRequest, day_id: int, token: str) -> HttpResponse:
    """What the report proposes. Nothing is saved until the coordinator confirms; then every
    mark is recorded at once, or none."""
    day = _day(request, day_id)
    user = _actor(request)
    preview = zoom_import.load_preview(day=day, user=user, token=token)
    if preview is None:
        messages.error(request, _("That Zoom report preview has expired or was already saved. "
                                  "Upload the report again."))
        return redirect("attendance:zoom_upload", day.pk)
    page = selectors.register(day)
    by_email = zoom_import.matching(preview, page, decisions={})  # before the coordinator's choices
    missing = [(r.booking.pk, r.booking.participant.full_name) for r in page.rows
               if by_email.proposals[r.booking.pk].verdict is None]
    confirming = request.method == "POST" and request.POST.get("action") == "confirm"
    form = ZoomDecisionForm(
        request.POST if request.method == "POST" else None,
        initial={f"who_{booking_id}": str(line) for booking_id, line in preview.decisions.items()},
        missing=missing, unknown=by_email.unknown, needs_reason=page.is_closed, confirming=confirming,
    )
    if request.method == "POST" and form.is_valid():
        zoom_import.keep_decisions(preview, form.decisions())
        if not confirming:
            return redirect("attendance:zoom_preview", day.pk, token)
        try:
            saved = zoom_import.save_preview(day=day, actor=user, preview=preview,
                                             reason=form.cleaned_data.get("reason", ""))
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, ngettext(
                "%(count)s mark saved from the Zoom report.",
                "%(count)s marks saved from the Zoom report.", len(saved)) % {"count": len(saved)})
            return redirect(_register_url(day))
    matching = zoom_import.matching(preview, page)
    lines = [_PreviewLine(r, matching.proposals[r.booking.pk],
                          matching.proposals[r.booking.pk].outcome(already_marked=r.mark is not None))
             for r in page.rows]
    teaching = day.teaching_minutes
    course_zone = ZoneInfo(day.run.time_zone)
    minimum_percent = day.run.level.attendance_minimum_percent
    return render(request, "attendance/zoom_preview.html", {
        "day": day, "run": day.run, "register": page, "lines": lines, "form": form,
        "who_fields": [form[f"who_{booking_id}"] for booking_id, _name in missing],
        "listed": form.listed, "filename": preview.filename, "zone": preview.zone,
        "row_count": len(preview.rows), "token": token,
        "off_day": sorted({r.joined_at.astimezone(course_zone).date() for r in preview.rows} - {day.date}),
        "recognised": matching.recognised, "unknown": matching.unknown[:UNKNOWN_SHOWN],
        "unknown_count": len(matching.unknown),
        "unknown_rows": sum(len(a.rows) for a in matching.unknown),
        "merged": sum(1 for line in lines if line.proposal.overlapping),
        "teaching": teaching, "minimum_percent": minimum_percent,
        "minimum_minutes": rules.minimum_minutes(teaching, minimum_percent),
    }, status=400 if form.errors else 200)


# --- make-up days ----------------------------------------------------------------------------

@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def assign_make_up(request: HttpRequest, reference: str) -> HttpResponse:
    user = _actor(request)
    booking = selectors.booking_for_make_up(reference)
    if booking is None:
        raise Http404("No such booking")
    form = MakeUpDayForm(request.POST or None, days=selectors.make_up_day_choices(booking))
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["day"]
        try:
            services.assign_make_up_day(booking=booking, day=day, actor=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s will make up Day %(number)s on %(run)s.") % {
                "name": booking.participant.full_name, "number": day.number, "run": day.run.title})
            return redirect("attendance:run_report", booking.run_id)
    attended = services.attended_days([booking])[booking.pk]
    missing = [n for n in range(1, booking.run.level.days_required + 1) if n not in attended]
    return render(request, "attendance/assign_make_up.html", {
        "booking": booking, "run": booking.run, "form": form, "missing": missing,
        "make_ups": booking.make_up_days.select_related("day__run"),
    }, status=400 if form.errors else 200)


# --- reports ---------------------------------------------------------------------------------

@require_safe
@login_required
def run_report(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    return render(request, "attendance/run_report.html", {
        "run": run, "report": selectors.run_report(run), "is_coordinator": _actor(request).is_coordinator,
    })


@require_safe
@login_required
def run_report_csv(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    report = selectors.run_report(run)
    return exports.csv_response(f"attendance-run-{run.pk}.csv", exports.report_header(report),
                                exports.report_rows(report))

