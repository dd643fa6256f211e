"""One way to say "coordinators only" on a page."""

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
        # `is_coordinator` is the accounts app's one answer to "is this person a coordinator?".
        if not getattr(request.user, "is_coordinator", False):
            raise PermissionDenied("This page is for the training coordinator.")
        return view(request, *args, **kwargs)

    return cast(View, wrapped)
