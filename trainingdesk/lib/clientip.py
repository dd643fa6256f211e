"""The client's address, as the rate limits and the sign-in lock-out see it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_address(request: HttpRequest, *_: Any) -> str | None:
    """REMOTE_ADDR when no proxy is trusted (X-Forwarded-For is then ignored: anyone can send
    it). Behind TRUSTED_PROXY_COUNT proxies, each appending the address it was reached from, the
    client is the entry that many places from the right of X-Forwarded-For; anything further
    left was written by the client and is not believed. (django-ipware counts the proxies listed
    in the header, which is one fewer than the proxies in front of us.)"""
    meta = getattr(request, "META", None) or {}
    remote = meta.get("REMOTE_ADDR") or None  # None when unknown (django-axes stores no address)
    trusted = settings.TRUSTED_PROXY_COUNT
    if not trusted:
        return remote
    address, _routable = get_client_ip(
        request, proxy_order="left-most", proxy_count=trusted - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False,
    )
    return address or remote
