"""The portfolio (the participant's), marking (the allocated assessor's and moderator's) and the
coordinator's overview. Thin views: forms parse, `coursework.services` decides.

Who sees what: a portfolio, its drafts and files are its participant's and the coordinator's; a
submission is seen by the markers allocated to it (anonymised where the level says so) and the
coordinator. Anyone else is told there is no such page (404), never that it exists."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from trainingdesk.accounts.models import User
from trainingdesk.bookings.models import Payer
from trainingdesk.catalogue.models import ComponentKind, CourseworkComponent, Level
from trainingdesk.coursework import rules, services
from trainingdesk.coursework.forms import (
    AllocateForm,
    DraftForm,
    ExtensionForm,
    MarkingForm,
    ReadingForm,
    SubmitForm,
)
from trainingdesk.coursework.models import (
    MarkerRole,
    Marking,
    PartMark,
    Portfolio,
    PortfolioStatus,
    Submission,
    SubmittedPiece,
)
from trainingdesk.lib.access import coordinator_required
from trainingdesk.lib.files import private_file_response
from trainingdesk.lib.forms import add_service_errors
from trainingdesk.lib.wordcount import WHAT_IS_COUNTED


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form's data on a POST, even an empty one (a form posted blank is bound, and says
    what is missing); None on a GET."""
    return request.POST if request.method == "POST" else None


def _portfolio(request: HttpRequest, pk: int) -> Portfolio:
    """The portfolio, for its participant or the coordinator; 404 for anyone else."""
    user = _user(request)
    portfolio = (Portfolio.objects.with_level()
                 .prefetch_related("extensions", "pieces", "level__coursework")
                 .filter(pk=pk).first())
    if portfolio is None or not (portfolio.participant_id == user.pk or user.is_coordinator):
        raise Http404("No such portfolio")
    return portfolio


def _own_portfolio(request: HttpRequest, pk: int) -> Portfolio:
    """Only its participant changes a portfolio: the coordinator may look, not write."""
    portfolio = _portfolio(request, pk)
    if portfolio.participant_id != _user(request).pk:
        raise Http404("No such portfolio")
    return portfolio


# --- the participant's pages -----------------------------------------------------------------


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The participant's coursework: their portfolios (opened here once they hold the
    confirmations), and for other levels with coursework what is still needed."""
    user = _user(request)
    levels = (Level.objects.filter(coursework__isnull=False, coursework_due_months__isnull=False,
                                   runs__bookings__participant=user)
              .distinct().select_related("programme").prefetch_related("programme__certificate_levels"))
    waiting = []
    for level in levels:
        try:
            services.open_portfolio(participant=user, level=level)
        except ValidationError as error:
            waiting.append((level, error.messages))
    portfolios = list(Portfolio.objects.with_level().filter(participant=user)
                      .prefetch_related("extensions"))
    return render(request, "coursework/mine.html", {
        "portfolios": [(portfolio, services.due_date(portfolio)) for portfolio in portfolios],
        "waiting": waiting,
    })


@login_required
@require_safe
def portfolio(request: HttpRequest, pk: int) -> HttpResponse:
    found = _portfolio(request, pk)
    parts = services.parts_of(found)
    today = timezone.localdate()
    due = services.due_date(found)
    submissions = list(found.submissions.select_related("invoice").prefetch_related(
        Prefetch("markings", queryset=Marking.objects.prefetch_related(
            Prefetch("parts", queryset=PartMark.objects.select_related("piece__component"))))))
    decided = [(submission, services.final_marking(submission)) for submission in submissions
               if submission.outcome]
    return render(request, "coursework/portfolio.html", {
        "portfolio": found, "parts": parts, "due": due, "time_left": rules.time_left(due, today),
        "problems": services.submission_problems(found, parts, today) if found.is_editable else [],
        "submissions": submissions, "decided": decided, "counted": WHAT_IS_COUNTED,
        "is_owner": found.participant_id == _user(request).pk,
    })


def _component(portfolio: Portfolio, component_id: int) -> CourseworkComponent:
    for component in portfolio.level.coursework.all():
        if component.pk == component_id:
            return component
    raise Http404("No such part")


@login_required
@require_http_methods(["GET", "POST"])
def part(request: HttpRequest, pk: int, component_id: int, number: int) -> HttpResponse:
    found = _own_portfolio(request, pk)
    component = _component(found, component_id)
    this = next((p for p in services.parts_of(found)
                 if p.component.pk == component.pk and p.number == number), None)
    if this is None:
        raise Http404("No such part")
    reading = component.kind == ComponentKind.READING
    form: DraftForm | ReadingForm = (ReadingForm(_posted(request)) if reading
                                     else DraftForm(_posted(request), request.FILES or None))
    if request.method == "POST" and form.is_valid():
        try:
            if reading:
                services.confirm_reading(portfolio=found, component=component, actor=_user(request))
            else:
                upload = form.cleaned_data.get("file")
                services.save_draft(portfolio=found, component=component, number=number,
                                    actor=_user(request), upload=upload or None,
                                    text=None if upload else form.cleaned_data["text"])
        except ValidationError as error:
            if not reading and form.cleaned_data.get("file") and not hasattr(error, "error_dict"):
                form.add_error("file", error)  # what was wrong with the file, beside it
            else:
                add_service_errors(form, error)
        else:
            messages.success(request, _("%(part)s is saved.") % {"part": this.title})
            return redirect("coursework:portfolio", pk=found.pk)
    return render(request, "coursework/part.html", {
        "portfolio": found, "part": this, "form": form, "reading": reading,
        "counted": WHAT_IS_COUNTED,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_safe
def draft_file(request: HttpRequest, pk: int, component_id: int, number: int) -> HttpResponseBase:
    found = _portfolio(request, pk)
    piece = found.pieces.filter(component_id=component_id, number=number).exclude(file="").first()
    if piece is None:
        raise Http404("No such file")
    return private_file_response(piece.file.name or "", download_as=piece.file_name)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _own_portfolio(request, pk)
    parts = services.parts_of(found)
    employer = services.employer_of(found)
    form = SubmitForm(_posted(request),
                      employer=employer.billing_name if employer is not None else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit(portfolio=found, actor=_user(request),
                            payer=form.cleaned_data.get("payer") or Payer.SELF,
                            purchase_order=form.cleaned_data.get("purchase_order") or "")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your coursework is submitted. We have emailed you a receipt."))
            return redirect("coursework:portfolio", pk=found.pk)
    today = timezone.localdate()
    attempt = found.submissions.count() + 1
    fee = services.fee_for(found, attempt)
    return render(request, "coursework/submit.html", {
        "portfolio": found, "parts": parts, "form": form, "fee": fee, "attempt": attempt,
        "problems": services.submission_problems(found, parts, today),
    }, status=400 if request.method == "POST" else 200)


# --- marking ---------------------------------------------------------------------------------


@login_required
@require_safe
def marking(request: HttpRequest) -> HttpResponse:
    submissions = services.submissions_to_mark(_user(request))
    rows = [(submission, services.role_of(_user(request), submission),
             services.candidate_name(submission)) for submission in submissions]
    return render(request, "coursework/marking.html", {"rows": rows})


def _submission(request: HttpRequest, pk: int) -> Submission:
    """A submission, for the markers allocated to it and the coordinator; 404 for anyone else."""
    user = _user(request)
    submission = (Submission.objects
                  .select_related("portfolio__participant", "portfolio__level__programme",
                                  "assessor", "moderator")
                  .prefetch_related(
                      Prefetch("pieces", queryset=SubmittedPiece.objects.select_related("component")),
                      Prefetch("markings", queryset=Marking.objects.select_related("marker")
                               .prefetch_related(Prefetch("parts", queryset=PartMark.objects
                                                          .select_related("piece__component")))))
                  .filter(pk=pk).first())
    if submission is None or not (user.pk in (submission.assessor_id, submission.moderator_id)
                                  or user.is_coordinator):
        raise Http404("No such submission")
    return submission


@login_required
@require_http_methods(["GET", "POST"])
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    user = _user(request)
    role = services.role_of(user, submission)
    markings = {m.role: m for m in submission.markings.all()}
    to_mark = [piece for piece in submission.pieces.all() if not piece.carried_over]
    may_mark = (role is not None and not submission.outcome and role not in markings
                and (role == MarkerRole.ASSESSOR or MarkerRole.ASSESSOR in markings))
    form = MarkingForm(_posted(request), parts=[(piece.pk, piece.title) for piece in to_mark])
    if request.method == "POST":
        if not may_mark:
            raise PermissionDenied
        if form.is_valid():
            decisions = [services.PartDecision(piece.pk, form.cleaned_data.get(f"part_{piece.pk}") or "",
                                               form.cleaned_data.get(f"feedback_{piece.pk}") or "")
                         for piece in to_mark]
            try:
                services.record_marking(submission=submission, actor=user,
                                        outcome=form.cleaned_data.get("outcome") or "",
                                        feedback=form.cleaned_data.get("feedback") or "",
                                        parts=decisions)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your marking is recorded."))
                return redirect("coursework:mark", pk=submission.pk)
    return render(request, "coursework/mark.html", {
        "submission": submission, "role": role, "may_mark": may_mark, "form": form,
        "candidate": services.candidate_name(submission), "pieces": list(submission.pieces.all()),
        "assessor_marking": markings.get(MarkerRole.ASSESSOR),
        "moderator_marking": markings.get(MarkerRole.MODERATOR),
        "show_assessor_marking": role != MarkerRole.ASSESSOR or MarkerRole.ASSESSOR in markings,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_safe
def submitted_file(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponseBase:
    """A submitted file: for its markers and the coordinator, and for its participant. A marker
    marking anonymously gets it under the candidate number, not the name it was uploaded with."""
    user = _user(request)
    piece = (SubmittedPiece.objects.select_related("submission__portfolio", "component")
             .filter(pk=piece_pk, submission_id=pk).exclude(file="").first())
    if piece is None:
        raise Http404("No such file")
    submission = piece.submission
    is_marker = user.pk in (submission.assessor_id, submission.moderator_id)
    if not (is_marker or user.is_coordinator or submission.portfolio.participant_id == user.pk):
        raise Http404("No such file")
    name = piece.file_name
    if is_marker and submission.anonymous:
        extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
        name = f"{submission.portfolio.candidate_number} {piece.title}.{extension}"
    return private_file_response(piece.file.name or "", download_as=name)


# --- the coordinator's -----------------------------------------------------------------------


@coordinator_required
@require_safe
def review(request: HttpRequest) -> HttpResponse:
    portfolios = list(Portfolio.objects.with_level().prefetch_related(
        "extensions", Prefetch("submissions", queryset=Submission.objects.select_related(
            "assessor", "moderator", "invoice").annotate(marked=Count("markings")))))
    rows = []
    for found in portfolios:
        submissions = list(found.submissions.all())
        rows.append((found, services.due_date(found), submissions[-1] if submissions else None))
    waiting = sum(1 for _p, _d, last in rows if last is not None and not last.outcome
                  and last.assessor_id is None)
    return render(request, "coursework/review.html", {"rows": rows, "waiting": waiting,
                                                      "statuses": PortfolioStatus})


@coordinator_required
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    form = AllocateForm(_posted(request), markers=services.markers(), initial={
        "assessor": submission.assessor_id, "moderator": submission.moderator_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.allocate_markers(submission=submission, assessor=form.cleaned_data["assessor"],
                                      moderator=form.cleaned_data.get("moderator"), actor=_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The markers are allocated and told by email."))
            return redirect("coursework:review")
    return render(request, "coursework/allocate.html", {"submission": submission, "form": form},
                  status=400 if request.method == "POST" else 200)


@coordinator_required
@require_http_methods(["GET", "POST"])
def extension(request: HttpRequest, pk: int) -> HttpResponse:
    found = _portfolio(request, pk)
    form = ExtensionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_extension(portfolio=found, days=form.cleaned_data["days"],
                                     reason=form.cleaned_data["reason"], actor=_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The extension is granted; the participant is told the new date."))
            return redirect(reverse("coursework:portfolio", args=[found.pk]))
    return render(request, "coursework/extension.html", {
        "portfolio": found, "form": form, "due": services.due_date(found),
    }, status=400 if request.method == "POST" else 200)

