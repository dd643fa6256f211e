"""bench/rush.py: each person sends their form once, to their server or, when it dies, the next."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.rush import Post, Rush


class Booking(BaseHTTPRequestHandler):
    """Answers a POST with 302, or 400 when its body says so; records each body it got."""

    bodies: list[bytes] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with Booking.lock:
            Booking.bodies.append(body)
        self.send_response(400 if body == b"refuse" else 302)
        self.send_header("Location", "/bookings/1/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, int]]:
    Booking.bodies = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Booking)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def dead_server() -> tuple[str, int]:
    with ThreadingHTTPServer(("127.0.0.1", 0), Booking) as unused:
        return "127.0.0.1", int(unused.server_address[1])  # closed on leaving: nothing listens


def posts(count: int) -> list[Post]:
    return [Post("/book/", {"Content-Type": "text/plain"}, f"person {n}".encode())
            for n in range(count)]


def test_each_person_sends_their_own_form_once(server: tuple[str, int]) -> None:
    rush = Rush(posts(12), [server, server])
    rush.start()
    rush.wait()

    assert sorted(Booking.bodies) == sorted(f"person {n}".encode() for n in range(12))
    assert (rush.ok, rush.errors, rush.retried) == (12, 0, 0)
    assert rush.statuses == {"302": 12}
    assert rush.done
    assert rush.ok_per_second == pytest.approx(12 / rush.elapsed)
    assert 0 < rush.latency_ms(50) <= rush.latency_ms(95)
    assert rush.started_at <= rush.ended_at


def test_the_people_are_split_between_the_servers(
    server: tuple[str, int], dead_server: tuple[str, int],
) -> None:
    rush = Rush(posts(10), [server, dead_server])
    rush.start()
    rush.wait()

    assert rush.ok == 5
    assert rush.errors == 5  # without failover, those sent to the dead server get no answer
    assert {a.person for a in rush.attempts if a.status is None} == {1, 3, 5, 7, 9}


def test_with_failover_a_person_whose_server_is_dead_sends_the_same_form_to_the_next(
    server: tuple[str, int], dead_server: tuple[str, int],
) -> None:
    rush = Rush(posts(10), [dead_server, server], failover=True)
    rush.start()
    rush.wait()

    assert (rush.ok, rush.errors, rush.retried) == (10, 0, 5)
    assert sorted(Booking.bodies) == sorted(f"person {n}".encode() for n in range(10))
    assert len(rush.attempts) == 15


def test_a_refusal_is_an_error_and_is_not_sent_again(server: tuple[str, int]) -> None:
    refused = Post("/book/", {}, b"refuse")

    rush = Rush([refused, *posts(2)], [server, server], failover=True)
    rush.start()
    rush.wait()

    assert rush.statuses == {"302": 2, "400": 1}
    assert (rush.ok, rush.errors, rush.retried) == (2, 1, 0)
    assert Booking.bodies.count(b"refuse") == 1
