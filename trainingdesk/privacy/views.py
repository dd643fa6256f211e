"""Data rights pages: the participant's copy of their data and their request to be erased; the
coordinator's search for the person behind a request made by email, their copy and the erasure
request recorded for them, and the erasure requests to confirm or refuse."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from trainingdesk.accounts.models import User
from trainingdesk.lib.access import coordinator_required
from trainingdesk.lib.forms import add_service_errors
from trainingdesk.privacy import services
from trainingdesk.privacy.forms import (
    AskErasureForm,
    ConfirmErasureForm,
    FindPersonForm,
    RefuseErasureForm,
)
from trainingdesk.privacy.models import ErasureRequest, ErasureStatus


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _zip(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """GET: what is held and why, with a button; POST: the ZIP, built there and then."""
    user = _user(request)
    if request.method == "POST":
        content = services.export_for(person=user, actor=user)
        return _zip(content, f"my-data-{timezone.localdate():%Y-%m-%d}.zip")
    waiting = ErasureRequest.objects.filter(person=user).order_by("-requested_at").first()
    return render(request, "privacy/my_data.html", {"erasure": waiting})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ask_erasure(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = AskErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_erasure(person=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your request to erase your data has been sent to the "
                                        "coordinator, who will confirm it or tell you why not."))
            return redirect("privacy:my_data")
    return render(request, "privacy/ask_erasure.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


FOUND_AT_MOST = 50


@coordinator_required
@require_http_methods(["GET", "HEAD"])
def people(request: HttpRequest) -> HttpResponse:
    """Find the person behind a request made by email, by part of their name or email."""
    form = FindPersonForm(request.GET if "q" in request.GET else None)
    found = (services.find_people(form.cleaned_data["q"], limit=FOUND_AT_MOST + 1)
             if form.is_valid() else None)
    return render(request, "privacy/people.html", {
        "form": form, "found": found[:FOUND_AT_MOST] if found is not None else None,
        "more": found is not None and len(found) > FOUND_AT_MOST, "at_most": FOUND_AT_MOST,
    }, status=400 if form.is_bound and not form.is_valid() else 200)


@coordinator_required
@require_http_methods(["POST"])
def record_erasure(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record an erasure request made by email; the request's page then confirms or refuses it."""
    person = get_object_or_404(User, pk=person_id)
    try:
        erasure = services.request_erasure(person=person, recorded_by=_user(request))
    except ValidationError as error:
        return _person_page(request, person, errors=error.messages, status=400)
    return redirect("privacy:erasure_request", erasure_id=erasure.pk)


def _person_page(request: HttpRequest, person: User, *, errors: list[str] | None = None,
                 status: int = 200) -> HttpResponse:
    waiting = ErasureRequest.objects.filter(person=person, status=ErasureStatus.REQUESTED).first()
    return render(request, "privacy/person_export.html", {
        "person": person, "waiting": waiting, "errors": errors or [],
        "erased": services.is_erased(person), "staff": person.works_here,
    }, status=status)


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_export(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=person_id)
    if request.method == "POST":
        content = services.export_for(person=person, actor=_user(request))
        return _zip(content, f"data-of-person-{person.pk}-{timezone.localdate():%Y-%m-%d}.zip")
    return _person_page(request, person)


@coordinator_required
@require_http_methods(["GET", "HEAD"])
def erasure_requests(request: HttpRequest) -> HttpResponse:
    requests = (ErasureRequest.objects.select_related("person", "decided_by")
                .order_by("-requested_at", "-id"))
    return render(request, "privacy/erasure_requests.html", {
        "waiting": [r for r in requests if r.status == ErasureStatus.REQUESTED],
        "decided": [r for r in requests if r.status != ErasureStatus.REQUESTED][:100],
    })


def _erasure_page(request: HttpRequest, erasure: ErasureRequest, *,
                  confirm_form: ConfirmErasureForm, refuse_form: RefuseErasureForm,
                  status: int = 200) -> HttpResponse:
    blockers = (services.erasure_blockers(erasure.person, timezone.now())
                if erasure.status == ErasureStatus.REQUESTED else [])
    return render(request, "privacy/erasure_request.html", {
        "erasure": erasure, "blockers": blockers, "confirm_form": confirm_form,
        "refuse_form": refuse_form, "form": confirm_form if confirm_form.errors else refuse_form,
    }, status=status)


@coordinator_required
@require_http_methods(["GET", "HEAD"])
def erasure_request(request: HttpRequest, erasure_id: int) -> HttpResponse:
    erasure = get_object_or_404(ErasureRequest.objects.select_related("person"), pk=erasure_id)
    return _erasure_page(request, erasure, confirm_form=ConfirmErasureForm(),
                         refuse_form=RefuseErasureForm())


@coordinator_required
@require_http_methods(["POST"])
def confirm_erasure(request: HttpRequest, erasure_id: int) -> HttpResponse:
    erasure = get_object_or_404(ErasureRequest.objects.select_related("person"), pk=erasure_id)
    form = ConfirmErasureForm(request.POST)
    if form.is_valid():
        try:
            services.erase_person(person=erasure.person, actor=_user(request), now=timezone.now(),
                                  erasure=erasure)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The person's data is erased. Their invoices are kept as "
                                        "issued, as HMRC requires."))
            return redirect("privacy:erasure_requests")
    return _erasure_page(request, erasure, confirm_form=form, refuse_form=RefuseErasureForm(),
                         status=400)


@coordinator_required
@require_http_methods(["POST"])
def refuse_erasure(request: HttpRequest, erasure_id: int) -> HttpResponse:
    erasure = get_object_or_404(ErasureRequest.objects.select_related("person"), pk=erasure_id)
    form = RefuseErasureForm(request.POST)
    if form.is_valid():
        try:
            services.refuse_erasure(erasure=erasure, reason=form.cleaned_data["reason"],
                                    actor=_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The request is refused; the person sees your reason."))
            return redirect("privacy:erasure_requests")
    return _erasure_page(request, erasure, confirm_form=ConfirmErasureForm(), refuse_form=form,
                         status=400)
