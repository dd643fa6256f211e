"""Rate limits count atomically across app servers (the database, or Redis when configured), so
a burst never gets past the limit; when the count cannot be taken, the answer is no."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from trainingdesk.lib.models import RateCounter
from trainingdesk.lib.ratelimit import allow, forget_expired_counts

STILL = dt.datetime(2026, 11, 25, 12, 0, 10, tzinfo=dt.UTC)
# A Redis database of the tests' own; each test gets a key prefix of its own (below).
REDIS = {"default": {
    "BACKEND": "trainingdesk.lib.cache.ForgivingRedisCache",
    "LOCATION": "redis://127.0.0.1:6379/9",
    "KEY_PREFIX": "tests",
    # Longer than production's second: these tests count, and a busy test machine must not turn
    # a slow answer into a refusal.
    "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
}}
# Nothing listens on port 1: Redis is "down".
REDIS_DOWN = {"default": {**REDIS["default"], "LOCATION": "redis://127.0.0.1:1/0"}}


@pytest.fixture
def redis() -> Iterator[None]:
    # Its own prefix rather than a FLUSHDB (which is what the cache's clear() does): a flush from
    # a test on another worker reset a burst's count halfway and let 48 of 50 through.
    own = {"default": {**REDIS["default"], "KEY_PREFIX": f"tests-{uuid.uuid4().hex}"}}
    with override_settings(CACHES=own):
        yield


def _burst(n: int, *, limit: int) -> list[bool]:
    barrier = threading.Barrier(n)
    answers: list[bool] = []
    lock = threading.Lock()

    def hit() -> None:
        try:
            barrier.wait()
            answer = allow("burst", limit=limit, per=60)
            with lock:
                answers.append(answer)
        finally:
            connection.close()  # this thread's own; CONN_MAX_AGE would keep it open

    threads = [threading.Thread(target=hit) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@time_machine.travel(STILL, tick=False)
def test_the_limit_admits_exactly_that_many_in_a_window(db):
    assert [allow("k", limit=3, per=60) for _ in range(5)] == [True, True, True, False, False]


@time_machine.travel(STILL, tick=False)
def test_each_key_has_its_own_count(db):
    assert [allow("a", limit=1, per=60), allow("b", limit=1, per=60), allow("a", limit=1, per=60)] == [
        True, True, False]


def test_a_new_window_starts_a_new_count(db):
    with time_machine.travel(STILL, tick=False) as clock:
        assert [allow("k", limit=1, per=60) for _ in range(2)] == [True, False]
        clock.shift(dt.timedelta(seconds=60))
        assert allow("k", limit=1, per=60)


@pytest.mark.concurrency
@pytest.mark.xdist_group("concurrency")  # beside the other 50-thread tests, not at once with them
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_50_gets_exactly_30_through_in_the_database():
    with time_machine.travel(STILL, tick=False):
        answers = _burst(50, limit=30)
    assert answers.count(True) == 30
    assert RateCounter.objects.get().hits == 50


@pytest.mark.concurrency
@pytest.mark.xdist_group("concurrency")
def test_a_burst_of_50_gets_exactly_30_through_in_redis(db, redis):
    with time_machine.travel(STILL, tick=False):
        answers = _burst(50, limit=30)
    assert answers.count(True) == 30
    assert not RateCounter.objects.exists()


def test_with_redis_unreachable_the_limit_refuses(db):
    with override_settings(CACHES=REDIS_DOWN):
        assert allow("k", limit=30, per=60) is False


def test_counts_of_ended_windows_are_forgotten(db):
    with time_machine.travel(STILL, tick=False):
        allow("old", limit=5, per=60)
    with time_machine.travel(STILL + dt.timedelta(minutes=5), tick=False):
        allow("new", limit=5, per=60)
        assert forget_expired_counts() == 1
    assert list(RateCounter.objects.values_list("key", flat=True)) == [
        f"ratelimit:new:{int((STILL + dt.timedelta(minutes=5)).timestamp()) // 60}"]


# --- Redis down: pages are served, /verify/ refuses politely -------------------------------

def test_with_redis_down_the_catalogue_is_still_served(client, brochure):
    with override_settings(CACHES=REDIS_DOWN):
        response = client.get(reverse("catalogue:index"))
        again = client.get(reverse("catalogue:run", args=[brochure.upcoming[0].pk]))
    assert response.status_code == again.status_code == 200
    assert "Foundation" in response.content.decode()


def test_with_redis_down_a_signed_in_person_keeps_their_session(client, participant):
    client.force_login(participant)
    with override_settings(CACHES=REDIS_DOWN):
        response = client.get(reverse("bookings:my_training"))
    assert response.status_code == 200
    assert "Pat Participant" in response.content.decode() or response.context["user"] == participant


def test_with_redis_down_verify_refuses_politely(client, db):
    with override_settings(CACHES=REDIS_DOWN):
        response = client.get(reverse("certificates:verify", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"]))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "try again" in response.content.decode().lower()


def test_the_forgiving_cache_reads_a_miss_and_skips_writes_when_redis_is_down(db):
    with override_settings(CACHES=REDIS_DOWN):
        cache = caches["default"]
        cache.set("k", "v")
        assert cache.get("k", "missing") == "missing"
        assert cache.add("k", "v") is False
        assert cache.get_many(["k"]) == {}


def test_the_forgiving_cache_works_as_a_cache_when_redis_is_up(db, redis):
    cache = caches["default"]
    cache.set("k", {"a": 1}, 30)
    assert cache.get("k") == {"a": 1}
