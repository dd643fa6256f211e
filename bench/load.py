"""A small HTTP/1.1 load generator: N concurrent clients, each sending its next request as soon
as the last one is answered (a closed loop), for a fixed time or a fixed number of requests.

It speaks just enough HTTP for our own server: keep-alive when the server allows it, a new
connection when the server says `Connection: close` (gunicorn's sync workers always do),
Content-Length, chunked or read-to-close bodies. Every response is timed from the first byte
written (including connecting, when a new connection is needed) to the last byte read. Any
status other than the expected one is an error; a connection that fails is a failure. Both are
counted, never hidden.

It runs on one asyncio loop in this process, and records its own CPU time: if that comes close
to the wall time, the generator, not the server, was the limit.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Request:
    method: str = "GET"
    path: str = "/"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def encode(self, host: str, port: int) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}:{port}",
                 "User-Agent: trainingdesk-bench"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if self.body or self.method not in ("GET", "HEAD"):
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


# Which request a client sends next: given the client's number and how many it has sent.
RequestFactory = Callable[[int, int], Request]


@dataclass
class LoadResult:
    name: str
    concurrency: int
    elapsed: float = 0.0  # seconds from the first request to the last response
    latencies: list[float] = field(default_factory=list)  # seconds, one per response
    statuses: Counter[int] = field(default_factory=Counter)
    expected_status: int = 200
    failures: int = 0  # requests with no response: refused, reset, timed out
    connections: int = 0
    client_cpu: float = 0.0  # CPU seconds this process spent generating the load
    bodies: list[bytes] = field(default_factory=list)  # kept only when asked for

    @property
    def responses(self) -> int:
        return len(self.latencies)

    @property
    def ok(self) -> int:
        return self.statuses[self.expected_status]

    @property
    def errors(self) -> int:
        """Responses with another status, and requests that got no response at all."""
        return self.responses - self.ok + self.failures

    @property
    def ok_per_second(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    @property
    def client_cpu_share(self) -> float:
        """The generator's CPU time as a share of one core over the run."""
        return self.client_cpu / self.elapsed if self.elapsed else 0.0

    def latency_ms(self, p: float) -> float:
        return percentile(self.latencies, p) * 1000 if self.latencies else math.nan


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least p% of values at or below it.

    Always one of the observed values; p50 of 1..10 is 5, p95 of 1..100 is 95.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], not {p}")
    ordered = sorted(values)
    rank = math.ceil(Fraction(str(p)) * len(ordered) / 100)
    return ordered[max(rank, 1) - 1]


@dataclass(frozen=True)
class Response:
    status: int
    close: bool  # the server will close the connection after it
    body: bytes


def parse_response(data: bytes | bytearray, eof: bool = False) -> tuple[Response, int] | None:
    """The first complete response in `data` and how many bytes it took, or None if more is
    needed. `eof`: the server has closed the connection, which ends a body without a length.
    """
    end = data.find(b"\r\n\r\n")
    if end < 0:
        if eof:
            raise ValueError("connection closed before the response headers ended")
        return None
    status_line, _, header_block = bytes(data[:end]).partition(b"\r\n")
    version, status, *_ = status_line.split(b" ", 2)
    headers: dict[bytes, bytes] = {}
    for line in header_block.split(b"\r\n"):
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    connection = headers.get(b"connection", b"").lower()
    close = connection == b"close" or (version == b"HTTP/1.0" and connection != b"keep-alive")
    start = end + 4
    if b"content-length" in headers:
        stop = start + int(headers[b"content-length"])
        if len(data) < stop:
            if eof:
                raise ValueError("connection closed in the middle of the body")
            return None
        return Response(int(status), close, bytes(data[start:stop])), stop
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        chunks, at = [], start
        while True:
            line_end = data.find(b"\r\n", at)
            if line_end < 0:
                break
            size = int(bytes(data[at:line_end]).split(b";")[0], 16)
            if size == 0:
                trailer_end = data.find(b"\r\n\r\n", line_end)  # trailers, then a blank line
                if trailer_end >= 0:
                    return Response(int(status), close, b"".join(chunks)), trailer_end + 4
                break
            if len(data) < line_end + 2 + size + 2:
                break
            chunks.append(bytes(data[line_end + 2:line_end + 2 + size]))
            at = line_end + 2 + size + 2
        if eof:
            raise ValueError("connection closed in the middle of a chunked body")
        return None
    if not eof:  # no length: the body runs to the end of the connection
        return None
    return Response(int(status), True, bytes(data[start:])), len(data)


class _Connection(asyncio.Protocol):
    """One keep-alive connection; `exchange` sends a request and waits for its response.

    A protocol rather than asyncio streams, which cost more CPU a request: the generator shares
    the machine's cores with the server it measures.
    """

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[Response] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._answer(eof=False)

    def eof_received(self) -> bool:
        self._answer(eof=True)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            try:
                self._answer(eof=True)
            finally:
                if not self.waiter.done():
                    self.waiter.set_exception(exc or ConnectionResetError("connection lost"))

    def _answer(self, *, eof: bool) -> None:
        if self.waiter is None or self.waiter.done():
            return
        try:
            parsed = parse_response(self.buffer, eof=eof)
        except ValueError as exc:
            self.waiter.set_exception(exc)
            return
        if parsed is not None:
            response, used = parsed
            del self.buffer[:used]
            self.waiter.set_result(response)

    async def exchange(self, payload: bytes) -> Response:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(payload)
        return await self.waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def _client(
    number: int, host: str, port: int, make: RequestFactory, stop_at: float, limit: int | None,
    result: LoadResult, keep_bodies: bool,
) -> None:
    loop = asyncio.get_running_loop()
    connection: _Connection | None = None
    sent = 0
    clock = time.perf_counter
    try:
        while clock() < stop_at and (limit is None or sent < limit):
            payload = make(number, sent).encode(host, port)
            sent += 1
            started = clock()
            try:
                if connection is None or connection.closed:
                    _transport, connection = await loop.create_connection(_Connection, host, port)
                    result.connections += 1
                response = await connection.exchange(payload)
            except (OSError, ValueError):
                result.failures += 1
                if connection is not None:
                    connection.close()
                connection = None
                continue
            result.latencies.append(clock() - started)
            result.statuses[response.status] += 1
            if keep_bodies:
                result.bodies.append(response.body)
            if response.close:
                connection.close()
                connection = None
    finally:
        if connection is not None:
            connection.close()


def run_load(
    name: str, host: str, port: int, request: Request | RequestFactory, *,
    concurrency: int, duration: float | None = None, requests_per_client: int | None = None,
    expected_status: int = 200, keep_bodies: bool = False, timeout: float = 60.0,
) -> LoadResult:
    """Drive `concurrency` clients at host:port until `duration` seconds have passed (no new
    request starts after that; those in flight finish) or each has sent `requests_per_client`.
    """
    if duration is None and requests_per_client is None:
        raise ValueError("give a duration, a number of requests per client, or both")
    make: RequestFactory = (lambda _n, _i: request) if isinstance(request, Request) else request
    result = LoadResult(name=name, concurrency=concurrency, expected_status=expected_status)

    async def main() -> None:
        started = time.perf_counter()
        stop_at = started + duration if duration is not None else math.inf
        tasks = [
            asyncio.create_task(_client(n, host, port, make, stop_at, requests_per_client,
                                        result, keep_bodies))
            for n in range(concurrency)
        ]
        _done, pending = await asyncio.wait(tasks, timeout=(duration or 0) + timeout)
        for task in pending:  # a request that never came back counts as a failure
            task.cancel()
            result.failures += 1
        await asyncio.gather(*pending, return_exceptions=True)
        result.elapsed = time.perf_counter() - started

    cpu_before = time.process_time()
    asyncio.run(main())
    result.client_cpu = time.process_time() - cpu_before
    return result
