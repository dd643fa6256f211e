"""Writing out and sending an email is a task (the Django tasks API, DEP 14): enqueued when the
transaction that queued it commits, run by any `db_worker` on any host. Its words, PDFs and
calendar file are made here, outside the transaction (and the locks) of the change that caused it.

A task only nudges: the email's row says what is due, and a sender claims the row before sending,
so two workers (or a retry and the periodic sweep) racing for one email send it once. A worker
killed mid-send leaves its claim to lapse, and the email is tried again, with the same
Message-ID."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from trainingdesk.notifications import attachments, retry
from trainingdesk.notifications.models import Email, EmailStatus
from trainingdesk.notifications.render import render_email, thaw

log = logging.getLogger(__name__)


def claim_seconds() -> int:
    """How long a sender may take over one email before another may try it."""
    return int(settings.EMAIL_CLAIM_SECONDS)


def enqueue_delivery(email_id: int, *, run_after: dt.datetime | None = None, note: bool = True) -> None:
    """Put a task on the queue to send the email (at `run_after`, when the backend can wait;
    otherwise the periodic sweep sends it when it is due). With `note`, first record when, so
    that the sweep leaves it alone while the task may still run (recorded before, not after: a
    worker may take the task the moment it is queued, and must not find the row being written)."""
    if run_after is not None and not deliver_email.get_backend().supports_defer:
        return
    if note:
        Email.objects.filter(pk=email_id).update(enqueued_at=run_after or timezone.now())
    job = deliver_email.using(run_after=run_after) if run_after is not None else deliver_email
    job.enqueue(email_id)


def _claim(email_id: int, now: dt.datetime) -> Email | None:
    # Waits for the row rather than skipping it: a row is only ever locked for a moment (a claim,
    # a "send again"), never while an email is being sent, so waiting costs nothing, whereas a
    # skipped row would wait for the periodic sweep.
    with transaction.atomic():
        email = Email.objects.select_for_update().due(now).filter(pk=email_id).first()
        if email is not None:
            email.claimed_until = now + dt.timedelta(seconds=claim_seconds())
            email.save(update_fields=["claimed_until"])
        return email


def _write_out(email: Email) -> None:
    """Render the email's text once, on its first try; every later try sends the same words."""
    if email.rendered:
        return
    email.subject, email.body = render_email(email.template, thaw(email.context))
    email.rendered = True
    Email.objects.filter(pk=email.pk).update(subject=email.subject[:300], body=email.body, rendered=True)


def _message(email: Email) -> EmailMessage:
    _write_out(email)
    message = EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, list(email.to),
                           headers={"Message-ID": email.message_id})
    for spec in email.attachments:
        filename, content, mimetype = attachments.render(spec["kind"], spec["id"])
        message.attach(filename, content, mimetype)
    return message


@task()
def deliver_email(email_id: int) -> str:
    """Send one email if it is due and nobody else is sending it; on failure, schedule the next
    try or, once the retry window has passed, mark it failed."""
    email = _claim(email_id, timezone.now())
    if email is None:
        return "not due, already sent, or being sent by another worker"
    try:
        _message(email).send()
    except Exception as exc:  # noqa: BLE001 - recorded, retried, and shown to the coordinator
        return _record_failure(email, exc)
    Email.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1,
        claimed_until=None, last_error="")
    return "sent"


def _record_failure(email: Email, exc: BaseException) -> str:
    log.warning("Could not send email %s (try %s): %r", email.pk, email.attempts + 1, exc)
    failed_at = timezone.now()
    attempts = email.attempts + 1
    next_at = retry.next_attempt_at(
        queued_at=email.queued_at, failed_at=failed_at, attempts=attempts,
        every=dt.timedelta(hours=settings.EMAIL_RETRY_EVERY_HOURS),
        window=dt.timedelta(hours=settings.EMAIL_RETRY_FOR_HOURS),
    )
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if next_at is None:
        Email.objects.filter(pk=email.pk).update(
            status=EmailStatus.FAILED, failed_at=failed_at, attempts=attempts, last_error=error,
            claimed_until=None)
        log.error("Email %s failed for good after %s tries: %s", email.pk, attempts, error)
        return "failed"
    Email.objects.filter(pk=email.pk).update(
        attempts=attempts, last_error=error, next_attempt_at=next_at, claimed_until=None)
    enqueue_delivery(email.pk, run_after=next_at)
    return f"will try again at {next_at.isoformat()}"
