"""The participant's pathway, as the brochure describes it: each level (with its application
where the level admits by application), the supervision hours, the coursework, the certificate,
and what remains, each step with its next step. A page of the participant's portal, here because
it reads every app below (bookings, admissions, supervision, coursework) and the certificate.

`pathways_of(participant)` builds it in a fixed number of queries, for each programme the person
has booked or applied for; the view only renders it."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from trainingdesk.accounts.models import User
from trainingdesk.admissions.models import Application, ApplicationStatus
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.catalogue.models import Level, Programme
from trainingdesk.certificates.models import Certificate
from trainingdesk.certificates.selectors import Standing, standing_of
from trainingdesk.coursework import rules as coursework_rules
from trainingdesk.coursework.models import Portfolio, PortfolioStatus
from trainingdesk.coursework.services import due_date
from trainingdesk.lib.zones import format_day


class State(enum.StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    TO_DO = "to_do"


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Step:
    title: str
    state: State
    lines: list[str] = field(default_factory=list)
    next_step: str = ""  # what to do now, in a sentence
    links: list[Link] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return {State.DONE: _("Done"), State.IN_PROGRESS: _("In progress"),
                State.TO_DO: _("To do")}[self.state]


@dataclass(frozen=True)
class Pathway:
    programme: Programme
    steps: list[Step]
    remaining: list[str]  # what the certificate still needs; empty once issued


def _level_step(level: Level, programme: Programme, standing: Standing, bookings: list[Booking],
                applications: list[Application]) -> Step:
    standing_level = next((h for h in standing.levels if h.level.pk == level.pk), None)
    held = standing_level.confirmation if standing_level is not None else None
    elsewhere = standing_level.equivalent if standing_level is not None else None
    title = f"{level.name} ({level.accreditation})" if level.accreditation else level.name
    level_url = reverse("catalogue:level", args=[programme.slug, level.slug])
    if held is None and elsewhere is not None and elsewhere.external_completed_on is not None:
        return Step(title, State.DONE, [
            _("Completed with %(provider)s on %(date)s, accepted as equivalent on your "
              "application %(reference)s.") % {
                "provider": elsewhere.external_provider,
                "date": format_day(elsewhere.external_completed_on),
                "reference": elsewhere.reference}],
            links=[Link(_("Your application"),
                        reverse("admissions:application", args=[elsewhere.reference]))])
    if held is not None:
        return Step(title, State.DONE, [
            _("Attendance Confirmation: completed on %(date)s.") % {"date": format_day(held.last_date)}],
            links=[Link(_("Download the Attendance Confirmation"),
                        reverse("certificates:confirmation_pdf", args=[held.code])),
                   Link(_("Its verification page"), reverse("certificates:verify", args=[held.code]))])
    booked = [b for b in bookings if b.run.level_id == level.pk and b.status == BookingStatus.CONFIRMED]
    if booked:
        booking = booked[-1]
        return Step(title, State.IN_PROGRESS,
                    [_("Booked on %(run)s.") % {"run": booking.run.title}],
                    _("Attend every day: the Attendance Confirmation follows the last one."),
                    [Link(_("Your attendance"), reverse("attendance:mine"))])
    application = next((a for a in reversed(applications) if a.level_id == level.pk), None)
    if level.requires_approved_application:
        if application is None or application.status == ApplicationStatus.WITHDRAWN:
            return Step(title, State.TO_DO, [_("This level admits by application.")],
                        _("Apply for the level; once approved, book a run."),
                        [Link(_("Apply for the %(level)s Level") % {"level": level.name},
                              reverse("admissions:apply", args=[level.pk]))])
        application_url = reverse("admissions:application", args=[application.reference])
        if application.status == ApplicationStatus.APPROVED:
            return Step(title, State.IN_PROGRESS, [_("Your application is approved.")],
                        _("Book a run of the level."), [Link(_("Runs of the level"), level_url)])
        if application.status == ApplicationStatus.REFUSED:
            return Step(title, State.TO_DO, [_("Your application was not approved: %(reason)s") % {
                "reason": application.decision_reason}],
                _("Apply again once the requirements are met."),
                [Link(_("Your application"), application_url)])
        return Step(title, State.IN_PROGRESS, [_("Your application: %(status)s.") % {
            "status": application.get_status_display()}],
            _("Finish your application, or wait for the coordinator's answer.")
            if application.status != ApplicationStatus.SUBMITTED else
            _("The coordinator will answer by email."),
            [Link(_("Your application"), application_url)])
    return Step(title, State.TO_DO, [], _("Book a run of the level."),
                [Link(_("Runs of the level"), level_url)])


def _supervision_step(programme: Programme, standing: Standing) -> Step | None:
    required = programme.certificate_supervision_hours
    if not required:
        return None
    pathway = standing.pathway
    hours = format(pathway.supervision_hours.normalize(), "f")
    links = [Link(_("Your supervision"), reverse("supervision:mine"))]
    if pathway.supervision_hours >= required:
        return Step(_("Supervision"), State.DONE, [_("%(hours)s of %(required)s hours of group "
                                                    "supervision.") % {"hours": hours, "required": required}],
                    links=links)
    if pathway.own_supervisor_recorded:
        return Step(_("Supervision"), State.DONE, [_("Your own supervisor is recorded.")], links=links)
    lines = [_("%(hours)s of %(required)s hours of group supervision so far.") % {
        "hours": hours, "required": required}]
    next_step = _("Attend your group's sessions")
    if programme.certificate_accepts_own_supervisor:
        next_step += _(", or record your own supervisor")
    return Step(_("Supervision"), State.IN_PROGRESS if pathway.supervision_hours else State.TO_DO,
                lines, next_step + ".", links)


def _coursework_step(portfolios: list[Portfolio], standing: Standing, today: dt.date) -> Step | None:
    coursework_levels = [h.level for h in standing.levels
                         if getattr(h.level, "has_coursework", False)]
    if not coursework_levels:
        return None
    level = coursework_levels[-1]
    portfolio = next((p for p in portfolios if p.level_id == level.pk), None)
    title = _("Coursework")
    if portfolio is None:
        if all(held.done for held in standing.levels):
            return Step(title, State.TO_DO, [_("Every level is done: your coursework is open.")],
                        _("Start it from your coursework page."),
                        [Link(_("Your coursework"), reverse("coursework:mine"))])
        return Step(title, State.TO_DO, [_("It opens when you hold the Attendance Confirmations.")],
                    _("Complete the levels first."))
    links = [Link(_("Your coursework"), reverse("coursework:portfolio", args=[portfolio.pk]))]
    if portfolio.status == PortfolioStatus.PASSED:
        return Step(title, State.DONE, [_("Passed.")], links=links)
    if portfolio.status == PortfolioStatus.SUBMITTED:
        return Step(title, State.IN_PROGRESS, [_("Submitted: being marked.")],
                    _("Wait for the outcome: it is emailed to you with the feedback."), links)
    due = due_date(portfolio)
    lines = [_("Due by %(date)s: %(left)s") % {"date": format_day(due),
                                               "left": coursework_rules.time_left(due, today)}]
    if portfolio.status == PortfolioStatus.REFERRED:
        return Step(title, State.IN_PROGRESS, [_("Referred: see the feedback."), *lines],
                    _("Revise the referred parts and resubmit them."), links)
    return Step(title, State.IN_PROGRESS, lines,
                _("Upload or write the case studies and the log, confirm the reading, and submit."), links)


def _certificate_step(programme: Programme, certificate: Certificate | None, standing: Standing) -> Step:
    title = programme.award_name or _("The certificate")
    if certificate is not None:
        return Step(title, State.DONE, [_("Issued on %(date)s.") % {
            "date": format_day(timezone.localdate(certificate.issued_at))}],
            links=[Link(_("Download the certificate (PDF)"),
                        reverse("certificates:certificate_pdf", args=[certificate.code])),
                   Link(_("Download the Open Badges credential"),
                        reverse("certificates:certificate_credential", args=[certificate.code])),
                   Link(_("Its verification page"), reverse("certificates:verify", args=[certificate.code]))])
    return Step(title, State.TO_DO, [_("Issued automatically when everything above is done.")],
                links=[Link(_("How certification works"),
                            reverse("catalogue:certification", args=[programme.slug]))])


def pathways_of(participant: User, today: dt.date | None = None) -> list[Pathway]:
    """Each programme the person has booked or applied for, as steps: a fixed number of queries
    for the rows, and five per programme for the certificate's standing."""
    today = today or timezone.localdate()
    bookings = list(Booking.objects.filter(participant=participant)
                    .select_related("run__level__programme").order_by("created_at", "pk"))
    applications = list(Application.objects.filter(participant=participant)
                        .select_related("level__programme").order_by("pk"))
    programme_ids = ({b.run.level.programme_id for b in bookings}
                     | {a.level.programme_id for a in applications})
    programmes = list(Programme.objects.filter(pk__in=programme_ids).order_by("name"))
    portfolios = list(Portfolio.objects.filter(participant=participant)
                      .select_related("level__programme").prefetch_related("extensions"))
    certificates = {c.programme_id: c for c in Certificate.objects.standing()
                    .filter(participant=participant)}
    pathways = []
    for programme in programmes:
        standing = standing_of(participant, programme)
        steps = [_level_step(held.level, programme, standing, bookings, applications)
                 for held in standing.levels]
        steps += [step for step in (_supervision_step(programme, standing),
                                    _coursework_step(portfolios, standing, today)) if step is not None]
        certificate = certificates.get(programme.pk)
        steps.append(_certificate_step(programme, certificate, standing))
        pathways.append(Pathway(programme, steps, [] if certificate else standing.missing))
    return pathways


@login_required
@require_safe
def pathway(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(request, "certificates/pathway.html", {"pathways": pathways_of(user)})
