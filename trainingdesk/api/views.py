"""The token pages (a person's own tokens from their profile; the coordinator's organisation
tokens in the back office) and Swagger UI's files for the docs page."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import ninja
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trainingdesk.accounts.models import User
from trainingdesk.api import problems, services
from trainingdesk.api.forms import OrganisationTokenForm, TokenForm
from trainingdesk.api.models import ApiToken
from trainingdesk.api.problems import Problem
from trainingdesk.lib.access import coordinator_required

# Swagger UI as django-ninja ships it (served from here: the docs need no CDN).
_ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}


@require_safe
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in DOCS_ASSETS:
        raise Http404("No such file")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((_ASSETS / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _shown_once(request: HttpRequest, new: services.NewToken, back: str) -> HttpResponse:
    """The token, this once: rendered in answer to the POST (never redirected to, so it is in
    no URL or session) and not to be cached."""
    response = render(request, "api/token_created.html", {"new": new, "back": back})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.create_token(actor=user, name=form.cleaned_data["name"],
                                        scopes=form.cleaned_data["scopes"],
                                        expires_at=form.expires_at())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _shown_once(request, new, "api_tokens:mine")
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
    return render(request, "api/my_tokens.html", {"form": form, "tokens": tokens},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def revoke_mine(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=_user(request))
    services.revoke_token(actor=_user(request), token=token)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer works.")
                     % {"name": token.name})
    return redirect("api_tokens:mine")


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def organisation_tokens(request: HttpRequest) -> HttpResponse:
    form = OrganisationTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.create_token(
                actor=_user(request), name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                organisation=form.cleaned_data["organisation"], expires_at=form.expires_at())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _shown_once(request, new, "api_tokens:organisations")
    tokens = (ApiToken.objects.filter(organisation__isnull=False)
              .select_related("organisation", "created_by").order_by("-created_at", "-id"))
    return render(request, "api/organisation_tokens.html",
                  {"form": form, "tokens": tokens, "section": "api_tokens"},
                  status=400 if form.errors else 200)


@require_POST
@coordinator_required
def revoke_organisation_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, organisation__isnull=False)
    services.revoke_token(actor=_user(request), token=token)
    messages.success(request, _("The token “%(name)s” of %(organisation)s is revoked: it no "
                                "longer works.") % {"name": token.name,
                                                    "organisation": token.owner_name})
    return redirect("api_tokens:organisations")


def _problem(problem: Problem) -> HttpResponse:
    return problems.response(problem)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/v1/: a problem, like every other answer of the API."""
    return _problem(Problem(404, "There is no such address in this API: see /api/v1/docs.",
                            kind="not-found"))


def problem_when_not_allowed(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """django-ninja answers a method an address does not take with a plain-text 405; this
    answers it as a problem, keeping its Allow header."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "problem" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            return _problem(Problem(405, f"This address takes {allowed or 'no other method'}.",
                                    kind="method-not-allowed", headers={"Allow": allowed}))
        return response

    return wrapped
