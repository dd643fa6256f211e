"""gunicorn as a subprocess: the WSGI server production runs, on a free local port."""

from __future__ import annotations

import asyncio
import http.client
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def default_workers() -> int:
    """gunicorn's rule of thumb for sync workers: two per core, and one more."""
    return 2 * (os.cpu_count() or 1) + 1


class Gunicorn:
    """Start with `start()`, stop with `stop()`; `host` and `port` say where it listens."""

    def __init__(
        self, env: dict[str, str], *, workers: int, worker_class: str = "sync", threads: int = 1,
        host: str = "127.0.0.1",
    ) -> None:
        self.env = env
        self.workers = workers
        self.worker_class = worker_class
        self.threads = threads
        self.host = host
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open for the server's life
            prefix="trainingdesk-bench-gunicorn-", suffix=".log", delete=False)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready_path: str = "/healthz/", timeout: float = 30.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application",
             "--bind", f"{self.host}:{self.port}", "--workers", str(self.workers),
             "--worker-class", self.worker_class, "--threads", str(self.threads),
             "--backlog", "2048", "--log-level", "warning",
             "--error-logfile", "-"],
            cwd=PROJECT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            status = self.status(ready_path)
            if status == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {ready_path} with 200 within {timeout}s "
                           f"(last: {status or 'no answer'}):\n{self.tail()}")

    def status(self, path: str) -> int | None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=5)
        try:
            connection.request("GET", path)
            return connection.getresponse().status
        except OSError:
            return None
        finally:
            connection.close()

    def tail(self, lines: int = 40) -> str:
        self.log.flush()
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their request
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


class TrivialServer:
    """A server that does nothing but answer 200 "ok" and close the connection, as gunicorn's
    sync workers do, in its own process: what the load generator can drive when the server
    costs next to nothing."""

    RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = free_port()
        self.process = multiprocessing.get_context("spawn").Process(
            target=_serve_trivially, args=(host, self.port, self.RESPONSE), daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        self.process.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.host, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the trivial server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(5)


def _serve_trivially(host: str, port: int, response: bytes) -> None:
    class Answer(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            assert isinstance(transport, asyncio.Transport)
            self.transport = transport
            self.received = b""

        def data_received(self, data: bytes) -> None:
            self.received += data
            if b"\r\n\r\n" in self.received:
                self.transport.write(response)
                self.transport.close()

    async def serve() -> None:
        server = await asyncio.get_running_loop().create_server(Answer, host, port, backlog=2048)
        await server.serve_forever()

    asyncio.run(serve())
