"""The processes production runs, started here as subprocesses on free local ports: gunicorn app
servers, `manage.py db_worker` task workers and the SMTP sink standing in for the mail server.

Each runs in a process group of its own, so `kill()` (SIGKILL to the group) takes a gunicorn
master and its workers down at once, as when the machine under them dies; `stop()` asks politely.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def default_workers() -> int:
    """gunicorn's rule of thumb is two sync workers a core and one more, for one server; the
    bench runs two servers on the machine, so each gets half of that, rounded up."""
    return (2 * (os.cpu_count() or 1) + 2) // 2


class Process:
    """A subprocess writing to a log of its own in `logs`; `start()`, `stop()`, `kill()`."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.log_path = logs / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(self.command, cwd=PROJECT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL to the whole group: nothing gets to finish or clean up."""
        if self.running:
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def pause(self) -> None:
        """SIGSTOP to the group: frozen where it is, to be looked at, then killed or resumed."""
        if self.running:
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.running:
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGCONT)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM (a gunicorn finishes its requests, a worker its task), then SIGKILL."""
        if not self.running:
            return
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


class Gunicorn(Process):
    def __init__(
        self, name: str, env: dict[str, str], logs: Path, *, workers: int,
        worker_class: str = "sync", threads: int = 1, host: str = "127.0.0.1",
    ) -> None:
        self.host = host
        self.port = free_port()
        self.workers = workers
        super().__init__(name, [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"{host}:{self.port}", "--workers", str(workers),
            "--worker-class", worker_class, "--threads", str(threads),
            "--backlog", "2048", "--log-level", "warning", "--error-logfile", "-",
        ], env, logs)

    def wait_until_ready(self, path: str = "/healthz/", timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
            status = self.status(path)
            if status == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {path} with 200 within {timeout}s "
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


class TaskWorker(Process):
    """`manage.py db_worker`, polling the task table every 0.2 seconds."""

    def __init__(self, name: str, env: dict[str, str], logs: Path) -> None:
        self.worker_id = name
        super().__init__(name, [
            sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay",
            "--no-reload", "--worker-id", name,
        ], env, logs)


class SmtpSink(Process):
    """bench/smtpsink.py on `port`, writing a line for each message it accepts to `output`."""

    def __init__(self, port: int, output: Path, env: dict[str, str], logs: Path) -> None:
        self.host = "127.0.0.1"
        self.port = port
        self.output = output
        super().__init__("smtp-sink", [
            sys.executable, "-m", "bench.smtpsink", "--host", self.host, "--port", str(port),
            "--output", str(output),
        ], env, logs)

    def wait_until_ready(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"the SMTP sink exited:\n{self.tail()}")
            try:
                socket.create_connection((self.host, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the SMTP sink did not listen within {timeout}s:\n{self.tail()}")
