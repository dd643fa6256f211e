"""The supervision pages: the coordinator's allocation page; a participant's own supervision
(their group, its sessions in their zone, their hours, or their own supervisor); a group's page
and its sessions' registers for its supervisor and the coordinator; moving, cancelling and
make-up guests for the coordinator. Each page runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from trainingdesk.accounts.models import User
from trainingdesk.accounts.services import remember_zoom_report_zone
from trainingdesk.attendance.forms import ZoomUploadForm
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.lib.access import coordinator_required
from trainingdesk.lib.forms import add_service_errors
from trainingdesk.lib.zones import UK, aware
from trainingdesk.supervision import services
from trainingdesk.supervision import zoom as zoom_session
from trainingdesk.supervision.forms import (
    ABSENT,
    PRESENT,
    GuestForm,
    MoveSessionForm,
    OwnSupervisorForm,
    RegisterForm,
)
from trainingdesk.supervision.models import (
    Allocation,
    SessionGuest,
    SessionMark,
    SessionStatus,
    SupervisionGroup,
    SupervisionSession,
)


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def allocate(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        booking = Booking.objects.filter(pk=request.POST.get("booking") or 0).first() \
            if (request.POST.get("booking") or "").isdigit() else None
        group = SupervisionGroup.objects.filter(pk=request.POST.get("group") or 0).first() \
            if (request.POST.get("group") or "").isdigit() else None
        if booking is None or group is None:
            messages.error(request, _("Choose a person and one of the groups offered."))
        else:
            try:
                services.allocate(booking=booking, group=group, actor=cast(User, request.user))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("%(name)s is in %(group)s and has been emailed the "
                                            "schedule.") % {"name": booking.participant.full_name,
                                                            "group": group.name})
        return redirect("supervision:allocate")
    groups = services.groups_with_places()
    today = timezone.localdate()
    rows = [(booking, services.suggestions(booking, groups, today=today),
             [g for g in groups if g.level_id == booking.run.level_id
              and getattr(g, "members", 0) < g.capacity])
            for booking in services.waiting_for_a_group()]
    return render(request, "supervision/allocate.html", {"rows": rows, "groups": groups})


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _hours(minutes: int) -> Decimal:
    """Minutes as hours, to the quarter hour: 120 -> 2, 90 -> 1.5."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize()


# --- a participant's own supervision -------------------------------------------------------------


@dataclass
class Mine:
    """One booking's supervision, as its participant sees it."""

    booking: Booking
    allocation: Allocation | None = None
    sessions: list[tuple[SupervisionSession, str]] = field(default_factory=list)  # with its state
    made_up: list[SupervisionSession] = field(default_factory=list)
    present: dict[int, bool] = field(default_factory=dict)  # session id -> marked present
    hours: Decimal = Decimal(0)
    form: OwnSupervisorForm | None = None


def _state(session: SupervisionSession, present: dict[int, bool], now: dt.datetime) -> str:
    """cancelled, attended, missed, unmarked (started, no mark) or coming."""
    if session.status == SessionStatus.CANCELLED:
        return "cancelled"
    if session.pk in present:
        return "attended" if present[session.pk] else "missed"
    return "unmarked" if session.has_started(now) else "coming"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """Their group, its sessions in their own zone with the joining link, their hours so far;
    or, for a booking without group supervision, the form to record their own supervisor."""
    user = _user(request)
    now = timezone.now()
    bookings = list(Booking.objects.filter(participant=user, status=BookingStatus.CONFIRMED,
                                           run__level__supervision_hours__gt=0)
                    .select_related("run__level", "supervision_allocation__group__supervisor__user",
                                    "own_supervisor")
                    .order_by("-confirmed_at", "-pk"))
    posted = request.POST.get("booking") if request.method == "POST" else None
    if posted is not None and not any(str(b.pk) == posted and not b.supervision_hours
                                       for b in bookings):
        raise Http404("No such booking")
    rows = [Mine(booking=b) for b in bookings]
    allocations = {}
    for row in rows:
        allocation = getattr(row.booking, "supervision_allocation", None)
        if row.booking.supervision_hours and allocation is not None:
            row.allocation = allocation
            allocations[allocation.pk] = row
        elif not row.booking.supervision_hours:
            own = getattr(row.booking, "own_supervisor", None)
            bound = posted == str(row.booking.pk)
            row.form = OwnSupervisorForm(request.POST if bound else None, instance=own,
                                         prefix=f"b{row.booking.pk}")
            if bound and row.form.is_valid():
                try:
                    services.record_own_supervisor(booking=row.booking, actor=user,
                                                   **row.form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(row.form, error)  # type: ignore[arg-type]  # a ModelForm
                else:
                    messages.success(request, _("Your supervisor is recorded."))
                    return redirect("supervision:mine")
    if allocations:
        group_ids = {row.allocation.group_id for row in allocations.values() if row.allocation}
        by_group: dict[int, list[SupervisionSession]] = {}
        for session in SupervisionSession.objects.filter(group_id__in=group_ids).order_by("starts_at"):
            by_group.setdefault(session.group_id, []).append(session)
        for guest in (SessionGuest.objects.filter(allocation_id__in=allocations)
                      .select_related("session__group").order_by("session__starts_at")):
            allocations[guest.allocation_id].made_up.append(guest.session)
        for mark in SessionMark.objects.filter(allocation_id__in=allocations):
            allocations[mark.allocation_id].present[mark.session_id] = mark.present
        minutes = services.minutes_present(r.allocation for r in allocations.values() if r.allocation)
        for pk, row in allocations.items():
            assert row.allocation is not None
            row.sessions = [(s, _state(s, row.present, now))
                            for s in by_group.get(row.allocation.group_id, [])]
            row.hours = _hours(minutes[pk])
    failed = any(row.form is not None and row.form.errors for row in rows)
    return render(request, "supervision/mine.html", {
        "rows": rows, "zone": user.time_zone or UK, "viewer_zone": user.time_zone,
        "failed": failed,
    }, status=400 if failed else 200)


# --- a group and its sessions, for its supervisor and the coordinator ------------------------------


def _group(request: HttpRequest, group_id: int) -> SupervisionGroup:
    """The group, for its supervisor and the coordinator; anyone else is told it does not
    exist."""
    group = (SupervisionGroup.objects.select_related("supervisor__user", "level")
             .filter(pk=group_id).first())
    if group is None or not group.is_kept_by(request.user):
        raise Http404("No such group")
    return group


def _session(request: HttpRequest, session_id: int) -> SupervisionSession:
    session = (SupervisionSession.objects.select_related("group__supervisor__user", "group__level")
               .filter(pk=session_id).first())
    if session is None or not session.group.is_kept_by(request.user):
        raise Http404("No such session")
    return session


@login_required
@require_http_methods(["GET", "HEAD"])
def group_page(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    members = list(group.allocations.select_related("booking__participant")
                   .order_by("booking__participant__full_name"))
    minutes = services.minutes_present(members)
    sessions = list(group.sessions.order_by("starts_at"))
    return render(request, "supervision/group.html", {
        "group": group, "sessions": sessions, "now": timezone.now(),
        "members": [(a, _hours(minutes[a.pk])) for a in members],
        "is_coordinator": _user(request).is_coordinator,
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest, session_id: int) -> HttpResponse:
    """A session's register: each member, and each guest making up a session, present or
    absent. It opens when the session starts."""
    session = _session(request, session_id)
    now = timezone.now()
    rows = services.register_of(session)
    is_open = session.has_started(now) and session.status == SessionStatus.SCHEDULED
    user = _user(request)
    group = session.group
    importing = request.method == "POST" and "import" in request.POST
    upload = ZoomUploadForm(request.POST if importing else None, request.FILES if importing else None,
                            max_bytes=settings.ZOOM_REPORT_MAX_BYTES, course_zone=group.time_zone,
                            initial={"zone": user.zoom_report_zone or group.time_zone})
    read = None
    if importing and is_open and upload.is_valid() and upload.parsed is not None:
        # The same parser and rules as a training day's report; the register is filled in from
        # it, for the supervisor to check and save.
        remember_zoom_report_zone(user=user, zone=upload.cleaned_data["zone"])
        read = zoom_session.read_session(
            upload.parsed.rows,
            [zoom_session.Member(r.allocation.pk, r.allocation.booking.participant.full_name,
                                 r.allocation.booking.participant.email) for r in rows],
            starts_at=session.starts_at, ends_at=session.ends_at,
            minimum_percent=group.level.attendance_minimum_percent)
    form = RegisterForm(request.POST if request.method == "POST" and not importing else None,
                        rows=rows)
    if read is not None:
        for verdict in read.verdicts:
            form.fields[f"m{verdict.member.key}"].initial = PRESENT if verdict.present else ABSENT
    if request.method == "POST" and not importing and form.is_valid():
        try:
            services.record_session_marks(session=session, present=form.marks(),
                                          actor=_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The register is saved."))
            return redirect("supervision:register", session_id=session.pk)
    return render(request, "supervision/register.html", {
        "session": session, "group": session.group, "form": form, "is_open": is_open,
        "is_coordinator": user.is_coordinator, "upload": upload, "read": read,
        "minutes": {v.member.key: v.minutes for v in read.verdicts} if read else {},
    }, status=400 if form.errors or upload.errors else 200)


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def move(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    group = session.group
    form = MoveSessionForm(request.POST if request.method == "POST" else None, zone=group.time_zone)
    if request.method == "POST" and form.is_valid():
        new_start = aware(form.cleaned_data["new_start"], form.cleaned_data["start_time"],
                          group.time_zone)
        try:
            services.move_session(session=session, new_start=new_start, actor=_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Session %(number)s is moved and the group has been "
                                        "emailed.") % {"number": session.number})
            return redirect("supervision:group", group_id=group.pk)
    return render(request, "supervision/move.html", {"session": session, "group": group,
                                                     "form": form},
                  status=400 if form.errors else 200)


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    error_text = ""
    if request.method == "POST":
        try:
            services.cancel_session(session=session, actor=_user(request))
        except ValidationError as error:
            error_text = " ".join(error.messages)
        else:
            messages.success(request, _("Session %(number)s is cancelled and the group has been "
                                        "emailed.") % {"number": session.number})
            return redirect("supervision:group", group_id=session.group_id)
    return render(request, "supervision/cancel.html", {
        "session": session, "group": session.group, "error": error_text,
    }, status=400 if error_text else 200)


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def guest(request: HttpRequest, session_id: int) -> HttpResponse:
    """The coordinator adds a member of another group to this session, to make up one they
    missed."""
    session = _session(request, session_id)
    form = GuestForm(request.POST if request.method == "POST" else None,
                     candidates=services.guest_candidates(session))
    if request.method == "POST" and form.is_valid():
        allocation = form.cleaned_data["allocation"]
        try:
            services.add_guest(session=session, allocation=allocation, actor=_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is on this session's register.")
                             % {"name": allocation.booking.participant.full_name})
            return redirect(reverse("supervision:register", kwargs={"session_id": session.pk}))
    return render(request, "supervision/guest.html", {
        "session": session, "group": session.group, "form": form,
    }, status=400 if form.errors else 200)
