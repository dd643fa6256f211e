"""The catalogue's pages in the coordinator's control area (under /control/): the course
guidelines a programme's certification page offers. Coordinators only."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from trainingdesk.accounts.models import User
from trainingdesk.catalogue import selectors, services
from trainingdesk.catalogue.forms import GuidelinesForm
from trainingdesk.catalogue.models import Programme
from trainingdesk.lib.access import coordinator_required


def _programme(slug: str) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404("No such programme")
    return programme


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def guidelines(request: HttpRequest, programme: str) -> HttpResponse:
    """Every version of the programme's guidelines, and a form to upload the next."""
    found = _programme(programme)
    posted = request.method == "POST"  # a form posted empty is bound too, and says what is missing
    form = GuidelinesForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            uploaded = services.upload_guidelines(programme=found, upload=form.cleaned_data["file"],
                                                  actor=cast(User, request.user))
        except ValidationError as error:
            form.add_error("file", error)  # what was wrong with the file, beside it
        else:
            messages.success(request, _("Version %(version)d of the course guidelines is now on the "
                                        "certification page.") % {"version": uploaded.version})
            return redirect("catalogue:guidelines_upload", programme=found.slug)
    return render(request, "catalogue/control/guidelines.html", {
        "programme": found, "form": form, "versions": selectors.guidelines_versions(programme=found),
    }, status=400 if posted else 200)
