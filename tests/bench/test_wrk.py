"""bench/wrk.py: reading what wrk measured, and adding up the servers' loads."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import wrk
from bench.wrk import PageLoad, WrkReport, parse_report

OUTPUT = """Running 2s test @ http://127.0.0.1:8000/
  1 threads and 8 connections
Requests/sec:   1500.00
WRK_REPORT {"requests": 3000, "duration_us": 2000000, "statuses": {"200": 2990, "302": 10}, \
"socket_errors": {"connect": 0, "read": 2, "write": 0, "timeout": 1}, \
"p50_us": 4000, "p95_us": 9500, "p99_us": 12000}
"""


def report(ok: int, seconds: float, p95_ms: float, **statuses: int) -> WrkReport:
    return WrkReport(requests=ok + sum(statuses.values()), seconds=seconds,
                     statuses={200: ok, **{int(k[1:]): v for k, v in statuses.items()}},
                     socket_errors={"connect": 0, "read": 0, "write": 0, "timeout": 0},
                     p50_ms=p95_ms / 2, p95_ms=p95_ms)


def test_the_report_line_is_read_and_only_200s_count_as_answered() -> None:
    parsed = parse_report(OUTPUT)

    assert parsed.requests == 3000
    assert parsed.seconds == 2.0
    assert parsed.statuses == {200: 2990, 302: 10}
    assert parsed.ok == 2990
    assert parsed.errors == 10 + 3  # the redirects, and the requests with no response
    assert (parsed.p50_ms, parsed.p95_ms) == (4.0, 9.5)


def test_output_without_a_report_is_refused() -> None:
    with pytest.raises(ValueError, match="no WRK_REPORT line"):
        parse_report("unable to connect to 127.0.0.1:8000 Connection refused\n")


def test_the_servers_throughputs_add_up_and_the_worse_latency_is_kept() -> None:
    load = PageLoad("catalogue", connections=16,
                    reports=[report(2000, 2.0, 12.0), report(1800, 2.0, 15.0, s500=4)],
                    client_cpu_seconds=1.0)

    assert load.ok_per_second == 1900.0
    assert load.ok == 3800
    assert load.errors == 4
    assert load.statuses == {200: 3800, 500: 4}
    assert load.p95_ms == 15.0
    assert load.client_cpu_share == 0.5


def test_the_command_sends_the_headers_and_runs_the_report_script() -> None:
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed")

    args = wrk.command("http://127.0.0.1:8000/", connections=8, seconds=2.4,
                       headers={"Cookie": "sessionid=abc"})

    assert args[-1] == "http://127.0.0.1:8000/"
    assert args[args.index("--header"):][:2] == ["--header", "Cookie: sessionid=abc"]
    assert args[args.index("--duration"):][:2] == ["--duration", "2s"]
    assert str(wrk.REPORT_SCRIPT) in args


class Redirecting(BaseHTTPRequestHandler):
    """200 on /, 302 elsewhere; closes the connection after each, as gunicorn's sync workers."""

    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/" else 302)
        self.send_header("Content-Length", "2")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture
def servers() -> Iterator[list[tuple[str, int]]]:
    started = []
    for _ in range(2):
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
    yield [("127.0.0.1", int(h.server_address[1])) for h in started]
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def test_wrk_loads_every_server_and_counts_a_redirect_as_an_error(
    servers: list[tuple[str, int]],
) -> None:
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed")

    ok = wrk.load("ok", servers, "/", connections=4, seconds=1)
    redirected = wrk.load("redirected", servers, "/elsewhere", connections=4, seconds=1)

    assert len(ok.reports) == 2
    assert all(r.ok > 0 for r in ok.reports)
    assert ok.errors == 0
    assert ok.connections == 4
    assert redirected.ok == 0
    assert redirected.errors == redirected.responses > 0
