"""Staff sessions end after a while without activity."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

LAST_SEEN = "staff_last_seen"
# The time of the last request is written at most this often, so that a busy page does not
# write the session on every request.
WRITE_EVERY_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    """Signs a member of staff (the coordinator, a trainer, supervisor or assessor, anyone in the
    back office) out after STAFF_IDLE_MINUTES without a request, and asks them to sign in again:
    their sessions reach every participant's records. Participants are not timed out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "works_here", False):
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - int(last) > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(request, _("You were signed out after %(minutes)s minutes without "
                                         "activity. Sign in again to carry on.")
                              % {"minutes": settings.STAFF_IDLE_MINUTES})
                return redirect_to_login(request.get_full_path())
            if last is None or now - int(last) >= WRITE_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
