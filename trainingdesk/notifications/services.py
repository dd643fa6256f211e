"""Writing emails, and the coordinator's "send again". Every app sends through `send_email`,
with its own templates; nothing else writes `Email` rows."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from trainingdesk.audit.log import log_action
from trainingdesk.notifications.models import Email, EmailStatus
from trainingdesk.notifications.render import freeze
from trainingdesk.notifications.tasks import claim_seconds, enqueue_delivery


def _message_id() -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "trainingdesk.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


def send_email(
    *, to: list[str], template: str, context: dict[str, Any],
    attachments: list[dict[str, Any]] | None = None,
) -> Email:
    """Write an email (call it inside the transaction that causes it); a task writes it out and
    sends it once that transaction commits, and nothing is sent if it rolls back. `template` is
    the app's own plain-text template, e.g. "bookings/email/confirmed.txt"; `context` holds rows,
    dates, amounts and text (notifications/render.py)."""
    get_template(template)  # a template that does not exist is a bug: say so here, not in the worker
    # Noted as enqueued now, in the same write: should the process die between the commit and
    # the enqueue, the periodic sweep finds the email once that note is stale.
    email = Email.objects.create(
        to=to, template=template, context=freeze(context), attachments=attachments or [],
        message_id=_message_id(), enqueued_at=timezone.now(),
    )
    transaction.on_commit(lambda: enqueue_delivery(email.pk, note=False))
    return email


def send_again(*, email_id: int, actor: Any, now: dt.datetime | None = None) -> Email:
    """The coordinator sends a failed (or still retrying) email again, now, with a new window."""
    now = now or timezone.now()
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            raise ValidationError(_("That email no longer exists."))
        if email.status == EmailStatus.SENT:
            raise ValidationError(_("That email has been sent already."))
        if email.claimed_until and email.claimed_until > now:
            raise ValidationError(_("That email is being sent right now."))
        before = {"status": email.status, "attempts": email.attempts}
        # A new window, with the retries' growing delays from the start (the tries before are in
        # the audit entry).
        email.status = EmailStatus.QUEUED
        email.queued_at = email.next_attempt_at = now
        email.failed_at = None
        email.attempts = 0
        email.save(update_fields=["status", "queued_at", "next_attempt_at", "failed_at", "attempts"])
        log_action(actor, "notifications.email.sent_again", email, before=before,
                   after={"status": email.status})
        transaction.on_commit(lambda: enqueue_delivery(email.pk))
    return email


def enqueue_stalled(*, now: dt.datetime) -> int:
    """Periodic: put a sending task on the queue again for every email that is due but whose
    task seems lost (a worker killed mid-send, a process that died between commit and enqueue,
    a retry the queue could not delay). Sending claims the row, so a duplicate task is harmless."""
    stale = now - dt.timedelta(seconds=claim_seconds())
    ids = list(
        Email.objects.due(now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        .filter(next_attempt_at__lt=stale)
        .values_list("pk", flat=True)[:1000]
    )
    Email.objects.filter(pk__in=ids).update(enqueued_at=now)
    for email_id in ids:
        enqueue_delivery(email_id, note=False)
    return len(ids)


FINISHED_TASKS_KEPT = dt.timedelta(days=7)


def forget_finished_tasks(*, now: dt.datetime) -> int:
    """Periodic: delete the queue's rows of tasks that finished a week ago or more (each email is
    a task; the emails themselves stay)."""
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=now - FINISHED_TASKS_KEPT).delete()
    return deleted
