from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import Request, parse_response, percentile, run_load


class Counting(BaseHTTPRequestHandler):
    """200 "ok" on /, 500 on /fail; keep-alive unless the path asks to close; counts requests."""

    protocol_version = "HTTP/1.1"
    count = 0
    lock = threading.Lock()

    def do_GET(self) -> None:
        with Counting.lock:
            Counting.count += 1
        body = b"ok"
        self.send_response(500 if self.path.startswith("/fail") else 200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        if "close" in self.path:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    Counting.count = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_it_counts_every_request_the_server_answered(server: ThreadingHTTPServer) -> None:
    host, port = server.server_address[:2]

    result = run_load("ok", str(host), int(port), Request(path="/"), concurrency=4, duration=0.5)

    assert result.responses > 20
    assert result.responses == Counting.count
    assert result.ok == result.responses
    assert result.errors == 0
    assert len(result.latencies) == result.responses
    assert result.connections == 4  # keep-alive: one connection a client
    assert 0.5 <= result.elapsed < 2
    assert result.ok_per_second == pytest.approx(result.ok / result.elapsed)
    assert 0 < result.latency_ms(50) <= result.latency_ms(95)


def test_it_opens_a_new_connection_when_the_server_closes_each(server: ThreadingHTTPServer) -> None:
    host, port = server.server_address[:2]

    result = run_load("close", str(host), int(port), Request(path="/?close"), concurrency=3,
                      requests_per_client=5)

    assert result.responses == Counting.count == 15
    assert result.connections == 15
    assert result.errors == 0


def test_it_counts_responses_other_than_200_as_errors(server: ThreadingHTTPServer) -> None:
    host, port = server.server_address[:2]

    def alternate(client: int, sent: int) -> Request:
        return Request(path="/fail" if sent % 2 else "/")

    result = run_load("mixed", str(host), int(port), alternate, concurrency=2,
                      requests_per_client=10)

    assert result.statuses == {200: 10, 500: 10}
    assert result.ok == 10
    assert result.errors == 10


def test_a_refused_connection_is_a_failure_not_a_crash() -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), Counting) as unused:
        port = int(unused.server_address[1])  # closed on leaving: nothing listens there

    result = run_load("refused", "127.0.0.1", port, Request(), concurrency=2,
                      requests_per_client=3)

    assert result.responses == 0
    assert result.failures == 6
    assert result.errors == 6


@pytest.mark.parametrize(("values", "p", "expected"), [
    (list(range(1, 11)), 50, 5),
    (list(range(1, 11)), 95, 10),
    (list(range(1, 101)), 50, 50),
    (list(range(1, 101)), 95, 95),
    (list(range(1, 101)), 100, 100),
    (list(range(1, 21)), 95, 19),
    ([3.0, 1.0, 2.0], 50, 2.0),  # unsorted input
    ([7.5], 95, 7.5),
    ([1, 2, 3, 4], 25, 1),
    ([1, 2, 3, 4], 25.1, 2),
])
def test_percentile_is_the_nearest_rank(values: list[float], p: float, expected: float) -> None:
    assert percentile(values, p) == expected


@pytest.mark.parametrize("p", [0, -1, 100.5])
def test_percentile_refuses_a_rank_outside_0_to_100(p: float) -> None:
    with pytest.raises(ValueError, match="percentile"):
        percentile([1.0, 2.0], p)


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_a_response_is_parsed_only_once_it_is_complete() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"

    assert parse_response(head + b"he") is None
    response, used = parse_response(head + b"helloHTTP/1.1") or (None, 0)

    assert response is not None
    assert (response.status, response.body, response.close) == (200, b"hello", False)
    assert used == len(head) + 5


def test_a_chunked_body_is_joined_and_a_close_header_obeyed() -> None:
    data = (b"HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n"
            b"Connection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")

    assert parse_response(data[:-2]) is None
    response, used = parse_response(data) or (None, 0)

    assert response is not None
    assert (response.status, response.body, response.close) == (500, b"abcde", True)
    assert used == len(data)


def test_a_body_without_a_length_ends_with_the_connection() -> None:
    data = b"HTTP/1.0 200 OK\r\n\r\nall of it"

    assert parse_response(data) is None
    response, _ = parse_response(data, eof=True) or (None, 0)

    assert response is not None
    assert (response.body, response.close) == (b"all of it", True)
