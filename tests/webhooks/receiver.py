"""A webhook receiver on this machine, for the tests: a small threaded HTTP server that keeps what
it is sent and checks every request's signature with the Standard Webhooks reference library's
`Webhook.verify`, as a receiving system would, independently of how the site signs. Told what to
answer: a status, a delay (to time out the sender), a redirect."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: str
    verified: bool
    why_not: str
    at: float

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def type(self) -> str:
        return str(self.json["type"])


@dataclass
class Receiver:
    url: str = ""
    secret: str = ""
    status: int = 200
    delay: float = 0.0
    location: str = ""
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, headers: dict[str, str], body: str) -> None:
        try:
            Webhook(self.secret).verify(body, headers)
            verified, why_not = True, ""
        except WebhookVerificationError as exc:
            verified, why_not = False, str(exc)
        with self.lock:
            self.received.append(Received(headers, body, verified, why_not, time.time()))

    @property
    def types(self) -> list[str]:
        return [r.type for r in self.received]


def start(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("content-length", 0))
            body = self.rfile.read(length).decode()
            receiver.take({k.lower(): v for k, v in self.headers.items()}, body)
            if receiver.delay:
                time.sleep(receiver.delay)
            answer = b'{"ok": true}' if 200 <= receiver.status < 300 else b"Something went wrong"
            try:
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("location", receiver.location)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up waiting

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a sender that timed out and hung up: nothing to report

    server = Server(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
