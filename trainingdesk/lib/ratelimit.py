"""Fixed-window rate limits that every app server shares and that count atomically:
`allow(key, limit=30, per=60)`.

With Redis as the cache, a hit is one INCR on the server; without it, one locked row of
`RateCounter` in the database. Either way a burst of parallel requests is counted exactly, so it
never gets past the limit. When the count cannot be taken (Redis unreachable), the answer is no:
a limit is there to refuse, and refusing politely for a while costs less than letting a burst
through.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.core.cache import caches
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from redis.exceptions import RedisError

from trainingdesk.lib.cache import ForgivingRedisCache
from trainingdesk.lib.models import RateCounter

log = logging.getLogger(__name__)


def allow(key: str, *, limit: int, per: int) -> bool:
    """Count one hit on `key` in the current window of `per` seconds; False once over `limit`,
    and False when the count cannot be taken."""
    window = int(time.time() // per)
    bucket = f"ratelimit:{key}:{window}"
    try:
        backend = caches["default"]
        if isinstance(backend, ForgivingRedisCache):
            hits = backend.count_hit(bucket, timeout=per + 1)
        else:
            hits = _count_in_database(bucket, expires_at=timezone.now() + dt.timedelta(seconds=per + 1))
    except (RedisError, DatabaseError) as exc:
        log.warning("Rate limit %s refused: the count could not be taken (%s)", key, exc)
        return False
    return hits <= limit


def _count_in_database(bucket: str, *, expires_at: dt.datetime) -> int:
    # The row lock makes read-add-write one step: two requests of a burst queue on it instead
    # of both reading the same count.
    with transaction.atomic():
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=bucket, hits=1, expires_at=expires_at)
            return 1
        except IntegrityError:  # the window's row exists already
            pass
        RateCounter.objects.filter(key=bucket).update(hits=F("hits") + 1)
        return RateCounter.objects.filter(key=bucket).values_list("hits", flat=True).get()


def forget_expired_counts(*, now: dt.datetime | None = None) -> int:
    """Delete the counts of windows that have ended (periodic work)."""
    deleted, _ = RateCounter.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted
