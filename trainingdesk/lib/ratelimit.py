"""A fixed-window rate limit kept in the cache all workers share: `allow(key, limit=30, per=60)`."""

from __future__ import annotations

import time

from django.core.cache import caches
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address as the server saw it (behind a proxy, configure the proxy to set
    REMOTE_ADDR; X-Forwarded-For is not trusted, since anyone can send it)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(key: str, *, limit: int, per: int) -> bool:
    """Count one hit on `key` in the current window of `per` seconds; False once over `limit`."""
    cache = caches["shared"]
    window = int(time.time() // per)
    bucket = f"ratelimit:{key}:{window}"
    cache.add(bucket, 0, timeout=per + 1)
    try:
        # The database cache adds one by reading and writing, so a burst of parallel requests
        # may count a little low; with codes of 100 random bits that costs no safety.
        hits = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=per + 1)
        hits = 1
    return hits <= limit
