"""Public verification of issued documents, the holder's download, and revocation.

The page shows whatever `lib.verification.find` answers, of any kind of document; revoking goes
back to the app that issued it."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from trainingdesk.accounts.models import User
from trainingdesk.attendance.documents import confirmation_pdf
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.catalogue.models import CourseRun
from trainingdesk.certificates import openbadges, services
from trainingdesk.certificates.attachments import filename as certificate_filename
from trainingdesk.certificates.documents import certificate_pdf
from trainingdesk.certificates.forms import ReissueForm, RevokeForm, VerifyForm
from trainingdesk.certificates.issuer import KIND as CERTIFICATE
from trainingdesk.certificates.models import Certificate
from trainingdesk.certificates.selectors import certificates_of_run, document_by_code
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
        # Not for a holder whose data was erased: their signed credential names them.
        "has_credential": (services.has_credential(document.kind, document.code)
                           and document.holder_name != verification.ERASED_HOLDER),
        "is_certificate": document.kind == CERTIFICATE,
    })


def _json(data: dict[str, Any], *, content_type: str = "application/json", download: str = ""
          ) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"),
                            content_type=f"{content_type}; charset=utf-8")
    if download:
        response["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


@require_http_methods(["GET"])
def verify_credential(request: HttpRequest, code: str) -> HttpResponse:
    """The document's Open Badges credential, for anyone who has its code: it names only what
    the verification page shows (the holder's name, the award, the issuer, the dates)."""
    if (limited := _rate_limited(request)) is not None:
        return limited
    credential = services.credential_of(code)
    if credential is None:
        raise Http404
    return _json(credential)


def _certificate_for(request: HttpRequest, code: str) -> Certificate:
    """The holder's own certificate, or any for the coordinator; 404 for everyone else."""
    certificate = Certificate.objects.for_display().filter(code=code).first()
    user = request.user
    if certificate is None or not isinstance(user, User) or (
            certificate.participant_id != user.pk and not user.is_coordinator):
        raise Http404
    return certificate


@login_required
@require_http_methods(["GET"])
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate_for(request, code)
    response = HttpResponse(certificate_pdf(certificate.as_data()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(certificate)}"'
    return response


@login_required
@require_http_methods(["GET"])
def certificate_credential(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate_for(request, code)
    return _json(certificate.credential, download=f"certificate-{code}.json")


@coordinator_required
@require_http_methods(["GET"])
def run_certificates(request: HttpRequest, run_id: int) -> HttpResponse:
    """Every standing certificate that the run's bookings led to, as one ZIP of PDFs."""
    run = get_object_or_404(CourseRun, pk=run_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates_of_run(run):
            archive.writestr(certificate_filename(certificate), certificate_pdf(certificate.as_data()))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="certificates-run-{run.pk}.zip"'
    return response


@require_http_methods(["GET"])
@cache_control(public=True, max_age=300)
def did_json(request: HttpRequest) -> HttpResponse:
    """Our did:web DID document: the public key that verifies every credential we sign."""
    return _json(openbadges.did_document())


@require_http_methods(["GET"])
@cache_control(public=True, max_age=300)
def status_list(request: HttpRequest) -> HttpResponse:
    """The revocation status list: a signed credential with the bit of every revoked (or
    superseded) credential set. Cached for five minutes, so a revocation shows within that."""
    credential = openbadges.status_list_credential(services.revoked_status_indexes(),
                                                   now=timezone.now())
    return _json(credential, content_type="application/vc+ld+json")


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


@coordinator_required
@require_http_methods(["GET", "POST"])
def reissue(request: HttpRequest, code: str) -> HttpResponse:
    """A corrected name: a new certificate with a new code; the old one is superseded."""
    user = request.user
    assert isinstance(user, User)
    certificate = get_object_or_404(Certificate.objects.for_display(), code=code)
    form = ReissueForm(request.POST or None, initial={"holder_name": certificate.holder_name})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.reissue_certificate(certificate=certificate, actor=user,
                                               holder_name=form.cleaned_data["holder_name"],
                                               reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("A new certificate was issued as %(code)s; the old one "
                                        "now says it was replaced.") % {"code": new.code})
            return redirect("certificates:verify", code=new.code)
    return render(request, "certificates/reissue.html", {"form": form, "certificate": certificate})
