"""Applying for a level, and the coordinator's review. Thin views: forms parse, services
decide. An application and its evidence are seen by their applicant and the coordinator only;
anyone else is told there is no such application."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from trainingdesk.accounts.models import ProfessionalBody, User
from trainingdesk.admissions import services
from trainingdesk.admissions.forms import AnswerForm, ApplicationForm, DecisionForm
from trainingdesk.admissions.models import OPEN, Application, EvidenceKind, Message
from trainingdesk.catalogue.models import CourseRun, Level
from trainingdesk.lib.access import coordinator_required
from trainingdesk.lib.files import private_file_response


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _application(request: HttpRequest, reference: str) -> Application:
    """The application, for its applicant or the coordinator; a 404 for anyone else."""
    user = _user(request)
    application = (Application.objects
                   .select_related("level__prerequisite", "level__programme", "run", "participant",
                                   "own_confirmation", "decided_by")
                   .prefetch_related("evidence", Prefetch("messages",
                                                          queryset=Message.objects.select_related("author")))
                   .filter(reference=reference).first())
    if application is None or not (application.participant_id == user.pk or user.is_coordinator):
        raise Http404("No such application")
    return application


def _bodies(level: Level) -> list[tuple[str, str]]:
    accepted = list(level.accepted_bodies.all())
    if not accepted:
        accepted = list(ProfessionalBody.objects.filter(active=True))
    return [(body.code, body.name) for body in accepted]


def _level(level_id: int) -> Level:
    level = (Level.objects.select_related("prerequisite", "programme")
             .filter(pk=level_id, requires_approved_application=True).first())
    if level is None:
        raise Http404("No such level to apply for")
    return level


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, level_id: int) -> HttpResponse:
    """The application form: what the rules say of it as it stands, kept as a draft on "Save",
    judged on "Send"."""
    user = _user(request)
    level = _level(level_id)
    run = (CourseRun.objects.filter(pk=request.GET.get("run") or 0, level=level).first()
           if (request.GET.get("run") or "").isdigit() else None)
    application = Application.objects.filter(participant=user, level=level, status__in=OPEN).first()
    if application is not None and not application.can_be_edited:
        return redirect(application)
    initial = {}
    if application is not None:
        initial = {name: getattr(application, name) for name in (
            "external_provider", "external_completed_on", "registration_body",
            "registration_number", "covering_letter")}
    form = ApplicationForm(request.POST or None, request.FILES or None, initial=initial,
                           bodies=_bodies(level))
    if request.method == "POST" and form.is_valid():
        files: dict[str, UploadedFile] = {kind.value: upload for kind, upload in (
            (EvidenceKind.PREREQUISITE, form.cleaned_data.get("prerequisite_file")),
            (EvidenceKind.COVERING_LETTER, form.cleaned_data.get("covering_letter_file")),
        ) if upload}
        kept = application
        try:
            with transaction.atomic():  # a refused first save leaves no empty draft behind
                application = application or services.start_application(
                    participant=user, level=level, run=run)
                application = services.save_draft(application=application,
                                                  answers=form.answers(), actor=user, files=files)
            if "send" in request.POST:
                application = services.submit(application=application, actor=user)
                messages.success(request, _("Your application %(reference)s has been sent.")
                                 % {"reference": application.reference})
                return redirect(application)
        except ValidationError as error:
            application = kept
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your application is saved as a draft."))
            return redirect(request.get_full_path())
    # What the rules say as it stands (before the first save: of the records alone).
    judged = application or Application(participant=user, level=level, run=run,
                                        own_confirmation=services.own_confirmation(user, level))
    findings = services.findings_for(judged, timezone.localdate())
    return render(request, "admissions/apply.html", {
        "level": level, "run": run, "form": form, "application": application,
        "findings": findings, "own": services.own_confirmation(user, level),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application_page(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference)
    user = _user(request)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if application.participant_id != user.pk:
            raise Http404("No such application")
        if form.is_valid():
            try:
                services.answer(application=application, text=form.cleaned_data["text"], actor=user)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Your answer has been sent to the coordinator."))
                return redirect(application)
    return render(request, "admissions/application.html", {
        "application": application, "answer_form": form,
        "can_answer": application.participant_id == user.pk
        and application.status == "more_information",
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_safe
def evidence_file(request: HttpRequest, reference: str, evidence_id: int) -> HttpResponseBase:
    application = _application(request, reference)
    evidence = next((e for e in application.evidence.all() if e.pk == evidence_id), None)
    if evidence is None or not evidence.file or not evidence.file.name:
        raise Http404("No such file")
    return private_file_response(evidence.file.name, download_as=evidence.original_name)


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    applications = list(Application.objects.filter(participant=_user(request))
                        .select_related("level__programme").order_by("-created_at"))
    return render(request, "admissions/mine.html", {"applications": applications})


# --- the coordinator's review ----------------------------------------------------------------


@coordinator_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """What waits on the coordinator, oldest first: a fixed number of queries."""
    waiting = list(Application.objects.review_queue()
                   .select_related("participant", "level__programme", "run"))
    return render(request, "admissions/queue.html", {"applications": waiting})


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide(application=application, decision=form.cleaned_data["decision"],
                            reason=form.cleaned_data["reason"], actor=_user(request))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("Application %(reference)s: your decision is recorded "
                                        "and the applicant emailed.")
                             % {"reference": application.reference})
            return redirect("admissions:queue")
    findings = services.findings_for(application, timezone.localdate())
    return render(request, "admissions/review.html", {
        "application": application, "form": form, "findings": findings,
    }, status=400 if request.method == "POST" else 200)
