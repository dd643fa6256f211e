"""A rush: many people each submit one form at the same moment, split across the app servers.

wrk measures GET throughput, but the booking rush needs what it cannot do: every person sends
their own form (their session, their submission token) exactly once, a person goes to the next
server when theirs dies (as a load balancer sends them on), and each person's outcome is
counted. So each person is a thread with the standard library's http.client; nothing here
speaks HTTP itself.

A person whose request gets no response at all (the server was killed) sends the same form to
the next server when `failover` is on; the form's submission token makes that safe.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bench.results import percentile


@dataclass(frozen=True)
class Post:
    path: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Attempt:
    person: int
    server: int  # index into the servers
    status: int | None  # None: no response (refused, reset, timed out)
    error: str
    seconds: float


@dataclass
class Rush:
    """Start with `start()`, wait with `wait()`; `answered` may be read while it runs."""

    posts: Sequence[Post]
    servers: Sequence[tuple[str, int]]
    failover: bool = False
    expected_status: int = 302
    timeout: float = 60.0
    attempts: list[Attempt] = field(default_factory=list)
    waited: dict[int, float] = field(default_factory=dict)  # person: seconds to their final answer
    started_at: float = 0.0  # time.time() when everyone set off
    ended_at: float = 0.0  # time.time() of the last final answer
    elapsed: float = 0.0
    _clock: float = 0.0
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        go = threading.Barrier(len(self.posts) + 1)
        self._threads = [threading.Thread(target=self._person, args=(n, go), daemon=True)
                         for n in range(len(self.posts))]
        for thread in self._threads:
            thread.start()
        go.wait()
        self.started_at, self._clock = time.time(), time.perf_counter()

    def wait(self) -> Rush:
        for thread in self._threads:
            thread.join()
        self.elapsed = time.perf_counter() - self._clock
        return self

    @property
    def done(self) -> bool:
        return not any(thread.is_alive() for thread in self._threads)

    @property
    def answered(self) -> int:
        """People whose request has been answered with the expected status so far."""
        with self._lock:
            return sum(1 for a in self.attempts if a.status == self.expected_status)

    def _person(self, number: int, go: threading.Barrier) -> None:
        post = self.posts[number]
        first = number % len(self.servers)
        order = list(range(first, len(self.servers))) + list(range(first))
        go.wait()
        started = time.perf_counter()
        for server in order if self.failover else order[:1]:
            attempt = self._send(number, server, post)
            with self._lock:
                self.attempts.append(attempt)
            if attempt.status is not None:
                break
        with self._lock:
            self.waited[number] = time.perf_counter() - started
            self.ended_at = max(self.ended_at, time.time())

    def _send(self, number: int, server: int, post: Post) -> Attempt:
        host, port = self.servers[server]
        started = time.perf_counter()
        connection = http.client.HTTPConnection(host, port, timeout=self.timeout)
        try:
            connection.request("POST", post.path, body=post.body, headers=dict(post.headers))
            response = connection.getresponse()
            response.read()
            return Attempt(number, server, response.status, "", time.perf_counter() - started)
        except (OSError, http.client.HTTPException) as exc:
            return Attempt(number, server, None, type(exc).__name__, time.perf_counter() - started)
        finally:
            connection.close()

    # --- What it came to ---------------------------------------------------------------------

    def final(self) -> dict[int, Attempt]:
        """Each person's last attempt: the answer they were left with."""
        last: dict[int, Attempt] = {}
        for attempt in self.attempts:
            last[attempt.person] = attempt
        return last

    @property
    def ok(self) -> int:
        return sum(1 for a in self.final().values() if a.status == self.expected_status)

    @property
    def errors(self) -> int:
        """People left without the expected answer."""
        return len(self.posts) - self.ok

    @property
    def statuses(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for attempt in self.final().values():
            key = str(attempt.status) if attempt.status is not None else attempt.error
            counted[key] = counted.get(key, 0) + 1
        return dict(sorted(counted.items()))

    @property
    def retried(self) -> int:
        """People who had to send their form again to another server."""
        return len({a.person for a in self.attempts if a.status is None})

    @property
    def ok_per_second(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def latency_ms(self, p: float) -> float:
        """What people waited, from sending to their final answer (retries included)."""
        return percentile(list(self.waited.values()), p) * 1000
