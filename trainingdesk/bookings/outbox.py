"""The transactional outbox: emails are written inside the transaction that causes them and
sent after it commits, with their PDF and calendar attachments rendered then, never inside the
request's transaction. A rollback leaves no email behind."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import close_old_connections, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from trainingdesk.bookings.models import OutgoingEmail

log = logging.getLogger(__name__)

# kind -> function(id) -> (filename, content, mimetype); filled in by the documents module.
ATTACHMENT_RENDERERS: dict[str, Callable[[int], tuple[str, bytes, str]]] = {}


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of `bookings/email/<template>.txt`, whose first line is the subject.

    Plain text, so nothing is HTML-escaped: "O'Brien & Co" and a joining link's "&" stay as
    written."""
    text = get_template(f"bookings/email/{template}.txt").template.render(  # type: ignore[attr-defined]
        Context({"site_url": settings.SITE_URL, **context}, autoescape=False)
    ).strip()
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def queue_email(
    *, to: list[str], template: str, context: dict[str, Any], attachments: list[dict[str, Any]] | None = None
) -> OutgoingEmail:
    """Write an email to the outbox (call inside the transaction) and deliver it after commit."""
    subject, body = render_email(template, context)
    email = OutgoingEmail.objects.create(
        to=to, subject=subject, body=body, attachments=attachments or []
    )
    if settings.OUTBOX_DELIVER_ON_COMMIT:
        transaction.on_commit(deliver_soon)
    return email


# One sender thread a process at most: a commit while it runs asks it to go round once more.
_sender = threading.Lock()
_more = threading.Event()


def deliver_soon() -> None:
    """Send the outbox in the background (or here, with OUTBOX_DELIVER_IN_THREAD off)."""
    if not getattr(settings, "OUTBOX_DELIVER_IN_THREAD", True):
        deliver_outbox()
        return
    _more.set()
    if _sender.acquire(blocking=False):
        threading.Thread(target=_send_while_asked, daemon=True).start()


def _send_while_asked() -> None:
    while True:
        try:
            while _more.is_set():
                _more.clear()
                deliver_outbox()
        finally:
            close_old_connections()
            _sender.release()
        # Asked again between the last round and the release: go round once more.
        if not _more.is_set() or not _sender.acquire(blocking=False):
            return


CLAIM = dt.timedelta(minutes=5)


def _claim(skip: set[int]) -> OutgoingEmail | None:
    """Take the next unsent email for a while, in a short transaction of its own."""
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, attempts__lt=5)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .exclude(pk__in=skip)
            .order_by("created_at", "id")
            .first()
        )
        if email is not None:
            email.claimed_until = now + CLAIM
            email.save(update_fields=["claimed_until"])
        return email


def deliver_outbox(limit: int = 100) -> int:
    """Send what is waiting in the outbox; returns how many were sent. Safe to run from several
    workers at once: each email is claimed before it is sent, and sent outside any transaction,
    so a slow mail server holds no lock."""
    sent = 0
    tried: set[int] = set()
    for _ in range(limit):
        email = _claim(tried)
        if email is None:
            break
        tried.add(email.pk)
        try:
            message = EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL,
                                   list(email.to))
            for spec in email.attachments:
                filename, content, mimetype = ATTACHMENT_RENDERERS[spec["kind"]](spec["id"])
                message.attach(filename, content, mimetype)
            message.send()
        except Exception as exc:  # noqa: BLE001 - recorded and retried later
            log.exception("Could not send outgoing email %s", email.pk)
            OutgoingEmail.objects.filter(pk=email.pk).update(
                attempts=F("attempts") + 1, last_error=repr(exc)[:2000], claimed_until=None)
            continue
        OutgoingEmail.objects.filter(pk=email.pk).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1, claimed_until=None)
        sent += 1
    return sent
