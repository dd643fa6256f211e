"""The bench's mail server: an SMTP sink (aiosmtpd) that accepts every message and writes a line
of JSON for each, with its Message-ID, its recipients and when it was accepted, before it
answers "250". A message the sink has answered is delivered: if a worker then dies before
marking it sent and sends it again, the file shows it twice.

    python -m bench.smtpsink --port 8025 --output mail.jsonl
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any, TextIO


@dataclass(frozen=True)
class Received:
    message_id: str
    to: tuple[str, ...]
    at: float  # seconds since the epoch, when the sink accepted it


def received(path: Path) -> Iterator[Received]:
    """Every message the sink has accepted, in order; a line still being written is left out."""
    try:
        lines = path.read_text().splitlines(keepends=True)
    except FileNotFoundError:
        return
    for line in lines:
        if not line.endswith("\n"):
            break
        entry = json.loads(line)
        yield Received(entry["message_id"], tuple(entry["to"]), entry["at"])


class Recorder:
    """aiosmtpd's handler: one JSON line a message, written and flushed before the "250"."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        line = json.dumps({"message_id": str(headers.get("Message-ID", "")).strip(),
                           "to": list(envelope.rcpt_tos), "at": time.time()})
        with self.lock:
            self.out.write(line + "\n")
            self.out.flush()
        return "250 Message accepted for delivery"


def main(argv: list[str] | None = None) -> None:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(prog="python -m bench.smtpsink", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--output", type=Path, required=True)
    options = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with options.output.open("a") as out:
        controller = Controller(Recorder(out), hostname=options.host, port=options.port)
        controller.start()
        try:
            stop.wait()
        finally:
            controller.stop()


if __name__ == "__main__":
    main()
