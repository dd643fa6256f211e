"""bench/smtpsink.py: the bench's mail server writes down every message it accepts."""

from __future__ import annotations

import os
import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from bench.server import SmtpSink, free_port
from bench.smtpsink import received


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[SmtpSink]:
    sink = SmtpSink(free_port(), tmp_path / "mail.jsonl", dict(os.environ), tmp_path)
    sink.start()
    sink.wait_until_ready()
    yield sink
    sink.stop()


def message(message_id: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "bookings@bench.trainingdesk.test"
    mail["To"] = "pat@example.org"
    mail["Subject"] = "Booked"
    mail["Message-ID"] = message_id
    mail.set_content("You are booked.")
    return mail


def test_each_accepted_message_is_written_down_with_its_id_and_recipients(sink: SmtpSink) -> None:
    with smtplib.SMTP(sink.host, sink.port, timeout=5) as smtp:
        smtp.send_message(message("<one@bench.trainingdesk.test>"))
        smtp.send_message(message("<one@bench.trainingdesk.test>"),
                          to_addrs=["pat@example.org", "payer@example.org"])

    got = list(received(sink.output))

    assert [(r.message_id, r.to) for r in got] == [
        ("<one@bench.trainingdesk.test>", ("pat@example.org",)),
        ("<one@bench.trainingdesk.test>", ("pat@example.org", "payer@example.org")),
    ]
    assert got[0].at <= got[1].at


def test_a_line_still_being_written_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "mail.jsonl"
    path.write_text('{"message_id": "<a@x>", "to": ["pat@example.org"], "at": 1.5}\n'
                    '{"message_id": "<b@x>", "to": ["pa')

    assert [r.message_id for r in received(path)] == ["<a@x>"]
    assert list(received(tmp_path / "none.jsonl")) == []
