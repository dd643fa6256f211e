"""The transactional outbox: emails are written inside the transaction that causes them and
sent after it commits, with their PDF and calendar attachments rendered then, never inside the
request's transaction. A rollback leaves no email behind."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import close_old_connections, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from trainingdesk.bookings.models import OutgoingEmail

log = logging.getLogger(__name__)

# kind -> function(id) -> (filename, content, mimetype); filled in by the documents module.
ATTACHMENT_RENDERERS: dict[str, Callable[[int], tuple[str, bytes, str]]] = {}


def queue_email(
    *, to: list[str], template: str, context: dict[str, Any], attachments: list[dict[str, Any]] | None = None
) -> OutgoingEmail:
    """Write an email to the outbox (call inside the transaction) and deliver it after commit.

    `template` names `bookings/email/<template>.txt`, whose first line is the subject.
    """
    text = render_to_string(
        f"bookings/email/{template}.txt", {"site_url": settings.SITE_URL, **context}
    ).strip()
    subject, _, body = text.partition("\n")
    email = OutgoingEmail.objects.create(
        to=to, subject=subject.strip(), body=body.strip() + "\n", attachments=attachments or []
    )
    if getattr(settings, "OUTBOX_DELIVER_ON_COMMIT", True):
        transaction.on_commit(_deliver_in_background)
    return email


def _deliver_in_background() -> None:
    if getattr(settings, "OUTBOX_DELIVER_IN_THREAD", True):
        threading.Thread(target=_deliver_and_close, daemon=True).start()
    else:
        deliver_outbox()


def _deliver_and_close() -> None:
    try:
        deliver_outbox()
    finally:
        close_old_connections()


def deliver_outbox(limit: int = 100) -> int:
    """Send what is waiting in the outbox; returns how many were sent. Safe to run from several
    workers at once: each email is claimed under a row lock and sent once."""
    sent = 0
    failed: set[int] = set()
    for _ in range(limit):
        with transaction.atomic():
            email = (
                OutgoingEmail.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, attempts__lt=5)
                .exclude(pk__in=failed)
                .order_by("created_at", "id")
                .first()
            )
            if email is None:
                break
            try:
                message = EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL,
                                       list(email.to))
                for spec in email.attachments:
                    filename, content, mimetype = ATTACHMENT_RENDERERS[spec["kind"]](spec["id"])
                    message.attach(filename, content, mimetype)
                message.send()
            except Exception as exc:  # noqa: BLE001 - recorded and retried later
                log.exception("Could not send outgoing email %s", email.pk)
                email.attempts += 1
                email.last_error = repr(exc)[:2000]
                email.save(update_fields=["attempts", "last_error"])
                failed.add(email.pk)
                continue
            email.sent_at = timezone.now()
            email.attempts += 1
            email.save(update_fields=["sent_at", "attempts"])
            sent += 1
    return sent
