"""Data rights pages: the participant's copy of their data and their request to be erased; the
coordinator's copy for a request made by email, and the erasure requests to confirm or refuse."""

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
from trainingdesk.privacy.forms import AskErasureForm, ConfirmErasureForm, RefuseErasureForm
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


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_export(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=person_id)
    if request.method == "POST":
        content = services.export_for(person=person, actor=_user(request))
        return _zip(content, f"data-of-person-{person.pk}-{timezone.localdate():%Y-%m-%d}.zip")
    return render(request, "privacy/person_export.html", {"person": person})


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
