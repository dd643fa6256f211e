"""A real `db_worker` process, on the test database (PostgreSQL or SQLite), sends what the
site enqueued; after a worker is killed mid-send, the periodic work and a worker send it once."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from trainingdesk.notifications.models import Email, EmailStatus
from trainingdesk.notifications.services import send_email

PROJECT = Path(__file__).resolve().parent.parent.parent
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("worker")]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class MailServer:
    """A real SMTP server on a free port that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[str] = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.received.append(envelope.content.decode())
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [line.split(":", 1)[1].strip() for text in self.received for line in text.splitlines()
                if line.lower().startswith("message-id:")]


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.controller.start()
    try:
        yield server
    finally:
        server.controller.stop()


def _manage(*args: str, mail_server: MailServer) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL"}}
    env.update(DATABASE_URL=_database_url(), CONN_MAX_AGE="0",
               EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
               EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(mail_server.controller.port))
    return subprocess.run(  # noqa: S603 - our own manage.py with our own interpreter
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )


def _write(n: int) -> list[Email]:
    with override_settings(TASKS=DATABASE_TASKS), transaction.atomic():
        return [send_email(to=[f"person{i}@example.org"], template="accounts/email/password_reset.txt",
                           context={"user": None, "uid": "u", "token": f"t{i}"}) for i in range(n)]


def test_a_worker_process_sends_every_email_the_site_enqueued(mail_server):
    emails = _write(3)
    assert set(Email.objects.values_list("status", flat=True)) == {EmailStatus.QUEUED}
    result = _manage("db_worker", "--batch", "--no-reload", "--no-startup-delay", mail_server=mail_server)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(Email.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
    assert sorted(mail_server.message_ids()) == sorted(email.message_id for email in emails)


def test_after_a_worker_is_killed_mid_send_the_email_goes_once(mail_server):
    (email,) = _write(1)
    # A worker claimed it and was killed (kill -9) before marking it sent: its task stays
    # "running" for ever, and the claim lapses.
    lapsed = timezone.now() - dt.timedelta(minutes=10)
    Email.objects.filter(pk=email.pk).update(claimed_until=lapsed, enqueued_at=lapsed, next_attempt_at=lapsed)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(status="RUNNING")
    periodic = _manage("run_periodic_work", mail_server=mail_server)
    assert periodic.returncode == 0, periodic.stdout + periodic.stderr
    assert "notifications.enqueue_stalled_emails: 1" in periodic.stdout
    worker = _manage("db_worker", "--batch", "--no-reload", "--no-startup-delay", mail_server=mail_server)
    assert worker.returncode == 0, worker.stdout + worker.stderr
    assert Email.objects.get().status == EmailStatus.SENT
    assert mail_server.message_ids() == [email.message_id]
    # A second round finds nothing to do.
    again = _manage("run_periodic_work", mail_server=mail_server)
    assert "notifications.enqueue_stalled_emails: 0" in again.stdout
