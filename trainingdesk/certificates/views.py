"""Public verification of issued documents, the holder's download, and revocation.

The page shows whatever `lib.verification.find` answers, of any kind of document; revoking goes
back to the app that issued it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from trainingdesk.accounts.models import User
from trainingdesk.attendance.documents import confirmation_pdf
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.certificates.forms import RevokeForm, VerifyForm
from trainingdesk.certificates.selectors import document_by_code
from trainingdesk.lib import verification
from trainingdesk.lib.access import coordinator_required
from trainingdesk.lib.clientip import client_address
from trainingdesk.lib.ratelimit import allow


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    limit = settings.VERIFY_RATE_LIMIT_PER_MINUTE
    if allow(f"verify:{client_address(request)}", limit=limit, per=60):
        return None
    response = render(request, "certificates/rate_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


@require_http_methods(["GET"])
def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if request.GET:
        if (limited := _rate_limited(request)) is not None:
            return limited
        if form.is_valid():
            return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form})


@require_http_methods(["GET"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What anyone may know of a document: its holder's name, what it confirms, the dates,
    and whether it is valid. Nothing else about the person; nothing about codes not found."""
    if (limited := _rate_limited(request)) is not None:
        return limited
    document = document_by_code(code)
    if document is None:
        normal = verification.normalise_code(code)
        return render(request, "certificates/not_found.html", {
            "form": VerifyForm(),
            # A code whose check character fails was mistyped: say so, rather than only "not found".
            "mistyped": normal is not None and not verification.is_well_formed(normal),
        }, status=404)
    if document.code != code:
        return redirect("certificates:verify", code=document.code)
    return render(request, "certificates/verify.html", {
        "document": document,
        "is_coordinator": isinstance(request.user, User) and request.user.is_coordinator,
    })


def _confirmation_for(request: HttpRequest, code: str) -> AttendanceConfirmation:
    """The holder's own confirmation, or any for the coordinator; 404 for everyone else."""
    confirmation = AttendanceConfirmation.objects.filter(code=code).first()
    if confirmation is None:
        raise Http404
    user = request.user
    if not isinstance(user, User) or (confirmation.participant_id != user.pk and not user.is_coordinator):
        raise Http404
    return confirmation


@login_required
@require_http_methods(["GET"])
def confirmation_download(request: HttpRequest, code: str) -> HttpResponse:
    confirmation = _confirmation_for(request, code)
    response = HttpResponse(confirmation_pdf(confirmation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attendance-confirmation-{code}.pdf"'
    return response


@coordinator_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    document = document_by_code(code)
    if document is None or document.code != code:
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification.revoke(document, reason=form.cleaned_data["reason"], actor=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(title)s %(code)s is revoked; its page now says so.") % {
                "title": document.title, "code": code})
            return redirect("certificates:verify", code=code)
    return render(request, "certificates/revoke.html", {"form": form, "document": document})
