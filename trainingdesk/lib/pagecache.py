"""Caching the public pages that everyone reads most: the catalogue, level and run pages.

Two layers, both keyed on the newest audit entry's id and bounded by the same time limit:
- `cached_public_page` with `PublicPageCacheMiddleware`: the whole response, for anonymous
  visitors (no session, no message), served before the rest of the middleware runs;
- `shared_body`: the page's main content, for everyone, signed in or not. It holds nothing of
  the viewer's own but their time zone and language (both in the key); the header around it,
  with the person's own navigation, is drawn for each request.

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
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.safestring import mark_safe

from trainingdesk.lib.middleware import viewer_zone

View = Callable[..., HttpResponse]

# The question this module asks and cannot answer itself: "what is the version of everything
# the product shows?" (a number that grows with every change). `lib` sits below every app, so the
# app that can answer (audit: the newest audit entry's id) registers its answer at start-up.
_content_version: list[Callable[[], int]] = []


def answer_version_with(answer: Callable[[], int]) -> None:
    _content_version[:] = [answer]


def _cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _is_public_page(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return bool(getattr(match.func, "public_page", False))


def _version(request: HttpRequest) -> int:
    """The newest audit entry's id, read once a request: an anonymous miss keys the whole page
    and then its body on it."""
    version = getattr(request, "_content_version", None)
    if version is None:
        if not _content_version:
            raise ImproperlyConfigured("Nothing answers the page cache's version question: "
                                       "trainingdesk.audit must be installed.")
        version = request._content_version = _content_version[0]()  # type: ignore[attr-defined]
    return int(version)


def _key(request: HttpRequest, *extra: str, zone: str | None, language: str) -> str:
    parts = "|".join([request.get_full_path(), zone or "", language, str(_version(request)), *extra])
    return hashlib.sha256(parts.encode()).hexdigest()


def cached_public_page(view: View) -> View:
    """Marks a page whose anonymous copy `PublicPageCacheMiddleware` may keep."""

    view.public_page = True  # type: ignore[attr-defined]
    return view


class PublicPageCacheMiddleware:
    """Serves an anonymous visitor's copy of a public page (one marked `cached_public_page`)
    before sessions, users, templates or the other middleware are touched, with the headers the
    page was first served with (its security policy among them). Sits just below WhiteNoise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = ""
        if _cacheable(request) and _is_public_page(request):
            key = "public-page:" + _key(request, zone=viewer_zone(request),
                                        language=translation.get_language_from_request(request))
            if (hit := cache.get(key)) is not None:
                content, headers = hit
                cached = HttpResponse(content)
                for name, value in headers:
                    cached[name] = value
                return cached
        response = self.get_response(request)
        if key and response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, (response.content, list(response.items())), settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response


@dataclass(frozen=True)
class Body:
    html: str
    title: str


def shared_body(
    request: HttpRequest, template: str, build: Callable[[], dict[str, Any]], *, vary: str = ""
) -> Body:
    """The main content of a public page, from `template` with the context `build()` returns
    (queried only on a miss; its "title" goes into the page's <title>), shared by everyone who
    asks for this address in the same zone and language. `vary` separates viewers who may see
    more (staff see draft runs). `build` may raise Http404, which is never cached."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    key = ""
    if seconds and request.method == "GET":
        key = "shared-body:" + _key(request, template, vary, zone=getattr(request, "viewer_zone", None),
                                    language=getattr(request, "LANGUAGE_CODE", ""))
    if key and (hit := cache.get(key)) is not None:
        html, title = hit
        return Body(mark_safe(html), title)  # noqa: S308 - our own template's output, as rendered
    context = build()
    body = Body(render_to_string(template, context, request), str(context.get("title", "")))
    if key:
        cache.set(key, (body.html, body.title), seconds)
    return body
