"""Django's Redis cache, forgiving when Redis is away: a page is still served.

Every read is a miss and every write is skipped while Redis cannot be reached, so the page cache
and the sessions (which are also kept in the database) carry on without it. Counting is the one
thing that must not forgive: `count_hit` raises, and the rate limits that call it refuse.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class _OneClientPerPool(RedisCacheClient):
    """Django's client makes a new redis.Redis for every operation, which costs more than the
    round trip (it builds its table of reply parsers each time). A client is safe to share
    between threads, so keep one for each connection pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ForgivingRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _OneClientPerPool
    def _forgive(self, what: str, default: Any, call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except RedisError as exc:
            log.warning("Cache %s skipped, Redis is unreachable: %s", what, exc)
            return default

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._forgive("read", default, super().get, key, default, version)

    def get_many(self, keys: Any, version: int | None = None) -> Any:
        return self._forgive("read", {}, super().get_many, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._forgive("read", False, super().has_key, key, version))

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        return bool(self._forgive("write", False, super().add, key, value, timeout, version))

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        self._forgive("write", None, super().set, key, value, timeout, version)

    def set_many(self, data: Any, timeout: Any = None, version: int | None = None) -> list[Any]:
        return list(self._forgive("write", list(data), super().set_many, data, timeout, version))

    def touch(self, key: Any, timeout: Any = None, version: int | None = None) -> bool:
        return bool(self._forgive("write", False, super().touch, key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._forgive("write", False, super().delete, key, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._forgive("write", None, super().delete_many, keys, version)

    def clear(self) -> None:
        self._forgive("write", None, super().clear)

    def count_hit(self, key: str, *, timeout: int) -> int:
        """Add one to `key` and return the new count, in one atomic step on the server (INCR;
        the key lasts `timeout` seconds from its first hit). Raises RedisError when Redis is
        away: a limit must not be waved through."""
        full_key = self.make_and_validate_key(key)
        client = self._cache.get_client(full_key, write=True)
        pipe = client.pipeline()
        pipe.incr(full_key)
        pipe.expire(full_key, timeout, nx=True)
        hits, _expiry_set = pipe.execute()
        return int(hits)
