"""One way to say "coordinators only": `coordinator_required` on a page, `require_coordinator`
in a service. Both ask the accounts app's one answer, `user.is_coordinator` (an active person
in the coordinators' group, or a superuser)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = TypeVar("View", bound=Callable[..., HttpResponse])


def coordinator_required(view: View) -> View:
    """Anonymous visitors are sent to sign in; anyone signed in who is not a coordinator is
    refused with 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not getattr(request.user, "is_coordinator", False):
            raise PermissionDenied("This page is for the training coordinator.")
        return view(request, *args, **kwargs)

    return cast(View, wrapped)


def require_coordinator(actor: object, doing: str, *, because: str = "") -> None:
    """Refuse `actor` with PermissionDenied unless they are the coordinator: "Only the
    coordinator can <doing>.", or "<because>: only the coordinator can <doing>." """
    if getattr(actor, "is_coordinator", False):
        return
    if because:
        raise PermissionDenied(f"{because}: only the coordinator can {doing}.")
    raise PermissionDenied(f"Only the coordinator can {doing}.")
