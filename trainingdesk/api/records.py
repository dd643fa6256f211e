"""The records a person's training leaves, to read: attendance marks (a participant's, and a
run's for its register keepers), Attendance Confirmations and certificates (with their public
verification URL and, where there is one, their Open Badges credential's), applications to a
level (never their evidence or answers) and supervision (the group, its sessions, presence and
hours).

Who sees what, on the rule of `access.visible_bookings`:
- a record of a booking (marks, confirmations, supervision places): that booking's callers, so
  an organisation's token sees those of the bookings it pays for;
- a record of a person (certificates, applications): the person, and an organisation whose
  token sees a booking of theirs (its people); not an application still a draft, which is
  its writer's alone;
- a run's attendance: the coordinator and the run's trainers (`attendance.services
  .may_keep_register`), as its registers;
- the coordinator's own token: everything. Anyone else gets 404, as for a booking.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from trainingdesk.admissions.models import Application, ApplicationStatus
from trainingdesk.api.access import one_or_404, visible_bookings
from trainingdesk.api.auth import Caller, TokenAuth, caller_of
from trainingdesk.api.models import Scope
from trainingdesk.api.pagination import PageParams, filtered, paginate
from trainingdesk.api.problems import COMMON
from trainingdesk.api.schemas import Id, PathId, Time, TimeIn
from trainingdesk.attendance.models import (
    AttendanceConfirmation,
    AttendanceMark,
    MarkSource,
    MarkStatus,
)
from trainingdesk.attendance.services import may_keep_register
from trainingdesk.catalogue.models import CourseRun
from trainingdesk.certificates.models import Certificate
from trainingdesk.lib.verification import ERASED_HOLDER, Status, verification_url
from trainingdesk.supervision.models import (
    Allocation,
    SessionMark,
    SessionStatus,
    SupervisionSession,
)
from trainingdesk.supervision.services import minutes_present

router = Router(tags=["Records"], auth=TokenAuth())


# --- who sees what ---------------------------------------------------------------------------

def _people(caller: Caller) -> Q:
    """The people whose personal records (certificates, applications) the caller sees, as a
    condition on `participant`: everyone (the coordinator), the organisation's people (those it
    pays a booking for), the token's person, or nobody."""
    if caller.is_coordinator:
        return Q()
    if caller.organisation is not None:
        return Q(participant_id__in=visible_bookings(caller).values("participant_id"))
    if caller.user is not None:
        return Q(participant=caller.user)
    return Q(pk__in=[])


def _of_visible_bookings(caller: Caller, path: str = "booking") -> Q:
    if caller.is_coordinator:
        return Q()
    return Q(**{f"{path}__in": visible_bookings(caller).values("pk")})


def _not_found(what: str) -> Http404:
    return Http404(f"No such {what}")


def _credential_url(code: str) -> str:
    """The public JSON of a document's Open Badges credential (`certificates:verify_credential`)."""
    return f"{settings.SITE_URL}{reverse('certificates:verify_credential', args=[code])}"


# --- attendance ------------------------------------------------------------------------------

class MarkOut(Schema):
    booking: str = Field(..., description="The booking's reference.", examples=["BK7M2Q9XZ"])
    participant_name: str
    booking_run_id: int = Field(..., description="The run booked.")
    run_id: int = Field(..., description="The day's run: another run's for a make-up day.")
    day_number: int
    date: dt.date
    starts_at: Time
    status: MarkStatus
    minutes_missed: int
    source: MarkSource
    recorded_at: Time = Field(..., description="When it was last recorded or changed.")


class MarkPage(Schema):
    items: list[MarkOut]
    next: str | None


class MarkFilters(PageParams):
    since: TimeIn | None = Field(None, description="Recorded or changed after this time.")
    run: Id | None = Field(None, description="The day's run's id.")
    booking: str | None = Field(None, max_length=20, description="A booking's reference.")


def _marks(marks: QuerySet[AttendanceMark]) -> QuerySet[AttendanceMark]:
    return marks.select_related("day__run", "booking__participant")


def _mark_out(mark: AttendanceMark) -> MarkOut:
    return MarkOut(
        booking=mark.booking.reference, participant_name=mark.booking.participant.full_name,
        booking_run_id=mark.booking.run_id, run_id=mark.day.run_id, day_number=mark.day.number,
        date=mark.day.date, starts_at=mark.day.starts_at, status=MarkStatus(mark.status),
        minutes_missed=mark.minutes_missed, source=MarkSource(mark.source),
        recorded_at=mark.recorded_at)


def _mark_page(request: HttpRequest, marks: QuerySet[AttendanceMark],
               filters: MarkFilters) -> MarkPage:
    marks = filtered(marks, filters, {"since": "recorded_at__gt", "run": "day__run_id"})
    if filters.booking is not None:
        marks = (marks.filter(booking__reference=filters.booking) if "\x00" not in filters.booking
                 else marks.none())
    page = paginate(request, _marks(marks), order="recorded_at", kind=dt.datetime, params=filters)
    return MarkPage(items=[_mark_out(m) for m in page.items], next=page.next)


@router.get("/attendance", response={200: MarkPage, **COMMON},
            summary="Attendance marks of the bookings this token may see, oldest recorded first",
            description="Scope: read:attendance. A participant's own; an organisation's, of the "
            "bookings it pays for; the coordinator's, all. `since` gives what changed after a time.")
def list_attendance(request: HttpRequest, filters: Query[MarkFilters]) -> MarkPage:
    caller = caller_of(request)
    caller.require(Scope.READ_ATTENDANCE)
    marks = AttendanceMark.objects.filter(_of_visible_bookings(caller))
    return _mark_page(request, marks, filters)


@router.get("/runs/{run_id}/attendance", response={200: MarkPage, **COMMON},
            summary="A run's registers: every mark on its days, oldest recorded first",
            description="Scope: read:attendance. The coordinator's token, or a token of one of "
            "the run's trainers; 404 for any other.")
def run_attendance(request: HttpRequest, run_id: PathId, filters: Query[MarkFilters]) -> MarkPage:
    caller = caller_of(request)
    caller.require(Scope.READ_ATTENDANCE)
    run = CourseRun.objects.filter(pk=run_id).first()
    user = caller.user
    if run is None or user is None or not may_keep_register(user, run):
        raise _not_found("run")
    return _mark_page(request, AttendanceMark.objects.filter(day__run=run), filters)


# --- Attendance Confirmations ----------------------------------------------------------------

class ConfirmedDay(Schema):
    number: int
    date: dt.date
    run: str
    hours: str = Field(..., examples=["6.00"])


class ConfirmationOut(Schema):
    code: str = Field(..., examples=["ABCD-EFGH-JKMN-PQRS-TVW7"])
    status: Status
    title: str
    holder_name: str
    booking: str = Field(..., description="The booking's reference.")
    level_id: int
    programme_name: str
    level_name: str
    accreditation: str
    provider_name: str
    days: list[ConfirmedDay]
    hours_attended: str = Field(..., examples=["24.00"])
    first_date: dt.date
    last_date: dt.date
    issued_at: Time
    revoked_at: Time | None
    replaces: str | None = Field(..., description="The code of the confirmation it replaced.")
    replaced_by: str | None = Field(..., description="The code of the one issued in its place.")
    verification_url: str = Field(..., description="Its public verification page.")
    credential_url: str | None = Field(..., description="Its Open Badges credential (JSON), "
                                       "where its provider issues confirmations as badges.")


class ConfirmationPage(Schema):
    items: list[ConfirmationOut]
    next: str | None


class IssuedFilters(PageParams):
    issued_after: TimeIn | None = Field(None, description="Issued after this time.")
    issued_before: TimeIn | None = Field(None, description="Issued before this time.")


ISSUED = {"issued_after": "issued_at__gt", "issued_before": "issued_at__lt"}


def _confirmations(caller: Caller) -> QuerySet[AttendanceConfirmation]:
    return (AttendanceConfirmation.objects.filter(_of_visible_bookings(caller))
            .select_related("booking", "replaces", "replaced_by", "level__programme__provider"))


def _confirmed_day(day: dict[str, Any]) -> ConfirmedDay:
    return ConfirmedDay(number=int(day["number"]), date=dt.date.fromisoformat(str(day["date"])),
                        run=str(day.get("run", "")), hours=f"{Decimal(str(day['hours'])):.2f}")


def _confirmation_out(confirmation: AttendanceConfirmation) -> ConfirmationOut:
    replacement = confirmation.replacement
    # certificates.services.has_credential's rule, read from the row selected with it: the
    # provider issues its confirmations as badges; not published for an erased holder.
    badge = (confirmation.level.programme.provider.open_badges_for_confirmations
             and confirmation.holder_name != ERASED_HOLDER)
    return ConfirmationOut(
        code=confirmation.code, status=confirmation.status, title=confirmation.title,
        holder_name=confirmation.holder_name, booking=confirmation.booking.reference,
        level_id=confirmation.level_id, programme_name=confirmation.programme_name,
        level_name=confirmation.level_name, accreditation=confirmation.accreditation,
        provider_name=confirmation.provider_name,
        days=[_confirmed_day(day) for day in confirmation.days],
        hours_attended=f"{confirmation.hours_attended:.2f}",
        first_date=confirmation.first_date, last_date=confirmation.last_date,
        issued_at=confirmation.issued_at, revoked_at=confirmation.revoked_at,
        replaces=confirmation.replaces.code if confirmation.replaces else None,
        replaced_by=replacement.code if replacement else None,
        verification_url=verification_url(confirmation.code),
        credential_url=_credential_url(confirmation.code) if badge else None)


@router.get("/confirmations", response={200: ConfirmationPage, **COMMON},
            summary="Attendance Confirmations this token may see, oldest first",
            description="Scope: read:certificates.")
def list_confirmations(request: HttpRequest, filters: Query[IssuedFilters]) -> ConfirmationPage:
    caller = caller_of(request)
    caller.require(Scope.READ_CERTIFICATES)
    confirmations = filtered(_confirmations(caller), filters, ISSUED)
    page = paginate(request, confirmations, order="issued_at", kind=dt.datetime, params=filters)
    return ConfirmationPage(items=[_confirmation_out(c) for c in page.items], next=page.next)


@router.get("/confirmations/{code}", response={200: ConfirmationOut, **COMMON},
            summary="One Attendance Confirmation, by its code", description="Scope: read:certificates.")
def get_confirmation(request: HttpRequest, code: str) -> ConfirmationOut:
    caller = caller_of(request)
    caller.require(Scope.READ_CERTIFICATES)
    confirmation = one_or_404(_confirmations(caller), "confirmation", code=code)
    return _confirmation_out(confirmation)


# --- certificates ----------------------------------------------------------------------------

class LevelCompletedOut(Schema):
    name: str
    accreditation: str
    completed_on: dt.date
    provider: str = Field(..., description="For a level done with another provider and accepted "
                          "as equivalent: that provider. Empty for a level done here.")


class CertificateOut(Schema):
    code: str = Field(..., examples=["ABCD-EFGH-JKMN-PQRS-TVW7"])
    status: Status
    holder_name: str
    award_name: str
    programme_id: int
    provider_name: str
    provider_accreditation: str
    levels: list[LevelCompletedOut]
    supervision_hours: str = Field(..., examples=["12.00"])
    own_supervisor: bool
    issued_at: Time
    revoked_at: Time | None
    replaces: str | None = Field(..., description="The code of the certificate it replaced.")
    replaced_by: str | None = Field(..., description="The code of the one issued in its place.")
    verification_url: str = Field(..., description="Its public verification page.")
    credential_url: str | None = Field(..., description="Its signed Open Badges 3.0 credential "
                                       "(JSON); null once its holder's record was erased.")


class CertificatePage(Schema):
    items: list[CertificateOut]
    next: str | None


def _certificates(caller: Caller) -> QuerySet[Certificate]:
    return (Certificate.objects.filter(_people(caller)).for_display().select_related("replaces")
            .defer("credential", "replaces__credential", "replaced_by__credential"))


def _certificate_out(certificate: Certificate) -> CertificateOut:
    replacement = certificate.replacement
    return CertificateOut(
        code=certificate.code, status=certificate.status, holder_name=certificate.holder_name,
        award_name=certificate.award_name, programme_id=certificate.programme_id,
        provider_name=certificate.provider_name,
        provider_accreditation=certificate.provider_accreditation,
        levels=[LevelCompletedOut(name=level.name, accreditation=level.accreditation,
                                  completed_on=level.completed_on, provider=level.provider)
                for level in certificate.levels_completed],
        supervision_hours=f"{certificate.supervision_hours:.2f}",
        own_supervisor=certificate.own_supervisor, issued_at=certificate.issued_at,
        revoked_at=certificate.revoked_at,
        replaces=certificate.replaces.code if certificate.replaces else None,
        replaced_by=replacement.code if replacement else None,
        verification_url=verification_url(certificate.code),
        # certificates.services.credential_of publishes none for an erased holder.
        credential_url=(_credential_url(certificate.code)
                        if certificate.holder_name != ERASED_HOLDER else None))


@router.get("/certificates", response={200: CertificatePage, **COMMON},
            summary="Certificates this token may see, oldest first",
            description="Scope: read:certificates. A participant's own; an organisation's, of "
            "the people it pays a booking for; the coordinator's, all.")
def list_certificates(request: HttpRequest, filters: Query[IssuedFilters]) -> CertificatePage:
    caller = caller_of(request)
    caller.require(Scope.READ_CERTIFICATES)
    certificates = filtered(_certificates(caller), filters, ISSUED)
    page = paginate(request, certificates, order="issued_at", kind=dt.datetime, params=filters)
    return CertificatePage(items=[_certificate_out(c) for c in page.items], next=page.next)


@router.get("/certificates/{code}", response={200: CertificateOut, **COMMON},
            summary="One certificate, by its code", description="Scope: read:certificates.")
def get_certificate(request: HttpRequest, code: str) -> CertificateOut:
    caller = caller_of(request)
    caller.require(Scope.READ_CERTIFICATES)
    certificate = one_or_404(_certificates(caller), "certificate", code=code)
    return _certificate_out(certificate)


# --- applications ----------------------------------------------------------------------------

class ApplicationOut(Schema):
    reference: str = Field(..., examples=["AB7M2Q9XZ"])
    status: ApplicationStatus
    participant_name: str
    participant_email: str
    level_id: int
    level: str
    run_id: int | None
    created_at: Time
    submitted_at: Time | None
    decided_at: Time | None
    decision_reason: str = Field(..., description="The coordinator's reason; empty when the "
                                 "records decided it or it is not decided.")


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    next: str | None


class ApplicationFilters(PageParams):
    created_after: TimeIn | None = Field(None, description="Started after this time.")
    decided_after: TimeIn | None = Field(None, description="Decided after this time.")
    status: ApplicationStatus | None = None


def _applications(caller: Caller) -> QuerySet[Application]:
    applications = Application.objects.filter(_people(caller))
    if caller.user is None or caller.is_coordinator:
        # A draft is its writer's alone, until they submit it.
        applications = applications.exclude(status=ApplicationStatus.DRAFT)
    return applications.select_related("participant", "level")


def _application_out(application: Application) -> ApplicationOut:
    return ApplicationOut(
        reference=application.reference, status=ApplicationStatus(application.status),
        participant_name=application.participant.full_name,
        participant_email=application.participant.email, level_id=application.level_id,
        level=str(application.level), run_id=application.run_id,
        created_at=application.created_at, submitted_at=application.submitted_at,
        decided_at=application.decided_at, decision_reason=application.decision_reason)


@router.get("/applications", response={200: ApplicationPage, **COMMON},
            summary="Applications to levels this token may see, oldest first",
            description="Scope: read:applications. Their status and decision, never their "
            "evidence or answers.")
def list_applications(request: HttpRequest,
                      filters: Query[ApplicationFilters]) -> ApplicationPage:
    caller = caller_of(request)
    caller.require(Scope.READ_APPLICATIONS)
    applications = filtered(_applications(caller), filters, {
        "created_after": "created_at__gt", "decided_after": "decided_at__gt",
        "status": "status"})
    page = paginate(request, applications, order="created_at", kind=dt.datetime, params=filters)
    return ApplicationPage(items=[_application_out(a) for a in page.items], next=page.next)


@router.get("/applications/{reference}", response={200: ApplicationOut, **COMMON},
            summary="One application", description="Scope: read:applications.")
def get_application(request: HttpRequest, reference: str) -> ApplicationOut:
    caller = caller_of(request)
    caller.require(Scope.READ_APPLICATIONS)
    application = one_or_404(_applications(caller), "application", reference=reference)
    return _application_out(application)


# --- supervision -----------------------------------------------------------------------------

class SessionOut(Schema):
    number: int
    group: str = Field(..., description="The group it belongs to: another's for a session made up.")
    starts_at: Time = Field(..., examples=["2027-10-19T19:00:00+01:00"])
    ends_at: Time
    status: SessionStatus
    present: bool | None = Field(..., description="Null until the register is marked.")


class AllocationOut(Schema):
    booking: str = Field(..., description="The booking's reference.")
    participant_name: str
    group_id: int
    group: str = Field(..., examples=["Tuesday evenings"])
    level_id: int
    supervisor_name: str
    time_zone: str
    allocated_at: Time
    sessions: list[SessionOut] = Field(..., description="The group's sessions and any made up "
                                       "in another group, by start.")
    minutes_present: int
    hours_present: str = Field(..., examples=["4.50"])


class AllocationPage(Schema):
    items: list[AllocationOut]
    next: str | None


class AllocationFilters(PageParams):
    allocated_after: TimeIn | None = Field(None, description="Allocated after this time.")


def _allocations(caller: Caller) -> QuerySet[Allocation]:
    sessions = SupervisionSession.objects.select_related("group").order_by("starts_at", "id")
    return (Allocation.objects.filter(_of_visible_bookings(caller))
            .select_related("booking__participant", "group__supervisor__user")
            .prefetch_related(Prefetch("group__sessions", queryset=sessions),
                              Prefetch("marks", queryset=SessionMark.objects.select_related(
                                  "session__group"))))


def _allocation_out(allocation: Allocation, minutes: int) -> AllocationOut:
    present = {mark.session_id: mark.present for mark in allocation.marks.all()}
    sessions = {s.pk: s for s in allocation.group.sessions.all()}
    for mark in allocation.marks.all():
        sessions.setdefault(mark.session_id, mark.session)  # made up in another group
    group = allocation.group
    return AllocationOut(
        booking=allocation.booking.reference,
        participant_name=allocation.booking.participant.full_name, group_id=group.pk,
        group=group.name, level_id=group.level_id, supervisor_name=group.supervisor.user.full_name,
        time_zone=group.time_zone, allocated_at=allocation.allocated_at,
        sessions=[SessionOut(number=s.number, group=s.group.name, starts_at=s.starts_at,
                             ends_at=s.ends_at, status=SessionStatus(s.status),
                             present=present.get(s.pk))
                  for s in sorted(sessions.values(), key=lambda s: (s.starts_at, s.pk))],
        minutes_present=minutes, hours_present=f"{Decimal(minutes) / 60:.2f}")


@router.get("/supervision", response={200: AllocationPage, **COMMON},
            summary="Places in supervision groups this token may see, oldest first",
            description="Scope: read:supervision. Each with its group's sessions (ISO 8601), "
            "whether the person was present, and the hours present so far.")
def list_supervision(request: HttpRequest, filters: Query[AllocationFilters]) -> AllocationPage:
    caller = caller_of(request)
    caller.require(Scope.READ_SUPERVISION)
    allocations = filtered(_allocations(caller), filters, {
        "allocated_after": "allocated_at__gt"})
    page = paginate(request, allocations, order="allocated_at", kind=dt.datetime, params=filters)
    minutes = minutes_present(page.items) if page.items else {}
    return AllocationPage(items=[_allocation_out(a, minutes[a.pk]) for a in page.items],
                          next=page.next)
