"""A mail server that is down: an email backend that refuses every message, as smtplib does when
the server does not answer."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class Unreachable(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise smtplib.SMTPConnectError(421, b"mail.partnershipprojects.test: service not available")


DOWN = "tests.notifications.mailserver.Unreachable"
