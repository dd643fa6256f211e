from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from trainingdesk.lib.zones import is_zone

VIEWER_ZONE_COOKIE = "tz"


def viewer_zone(request: HttpRequest) -> str | None:
    """The viewer's own zone: their profile's if signed in, else what their browser told us."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "time_zone", ""):
        return str(user.time_zone)
    cookie = request.COOKIES.get(VIEWER_ZONE_COOKIE, "")
    return cookie if is_zone(cookie) else None


class ViewerTimeZoneMiddleware:
    """Sets `request.viewer_zone` (an IANA name or None) for pages that show times twice."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.viewer_zone = viewer_zone(request)  # type: ignore[attr-defined]
        return self.get_response(request)
