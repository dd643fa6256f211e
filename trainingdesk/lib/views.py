"""Views that belong to no part of the domain."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """A load balancer's liveness probe: the process answers, without touching the database."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
