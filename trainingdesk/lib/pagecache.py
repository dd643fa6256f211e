"""Caching the public pages that anonymous visitors see most: the catalogue and run pages.

A page is kept for at most `PUBLIC_PAGE_CACHE_SECONDS` (booking opens and closes with time),
under a key that holds the newest audit entry's id: every change to the catalogue, a booking
or a document is audited, so any change makes a new key at once, in every worker.

One corner is bounded by the time limit rather than closed: ids are handed out before commit,
so when two changes commit out of order, a page drawn between them may keep the earlier state
until it expires (at most `PUBLIC_PAGE_CACHE_SECONDS`).

Only plain anonymous GETs are cached: a signed-in person sees their own navigation, and a
visitor with a session or a pending message sees something of their own too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from trainingdesk.audit.log import latest_change

View = Callable[..., HttpResponse]


def _cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request: HttpRequest) -> str:
    parts = "|".join([
        request.get_full_path(),
        getattr(request, "viewer_zone", None) or "",
        getattr(request, "LANGUAGE_CODE", ""),
        str(latest_change()),
    ])
    return "public-page:" + hashlib.sha256(parts.encode()).hexdigest()


def cached_public_page(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, response.content, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    return wrapper
