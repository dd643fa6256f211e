"""The webhook receiver `make bench` delivers to: a threaded HTTP server on 127.0.0.1 that checks
each request's signature with the Standard Webhooks reference library (`Webhook.verify`), as a
receiving system would, answers 204, and counts what it got: each webhook-id, how often, and
when the last arrived."""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self) -> None:
        self.secret = ""
        self.ids: Counter[str] = Counter()
        self.unverified = 0
        self.last_at = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: a worker reuses its connection

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    Webhook(receiver.secret).verify(body, headers)
                    verified = True
                except WebhookVerificationError:
                    verified = False
                with receiver.lock:
                    receiver.ids[headers.get("webhook-id", "")] += 1
                    receiver.unverified += not verified
                    receiver.last_at = time.time()
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def received(self) -> int:
        return sum(self.ids.values())

    @property
    def duplicated(self) -> int:
        return sum(n - 1 for n in self.ids.values() if n > 1)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
