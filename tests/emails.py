"""What a task worker does with the emails waiting, for tests whose transaction never commits."""

from __future__ import annotations

from django.core import mail

from trainingdesk.notifications.models import Email, EmailStatus
from trainingdesk.notifications.tasks import deliver_email


def send_waiting_emails() -> list[mail.EmailMessage]:
    """Run the sending task for every email waiting, as a worker would; returns what was sent."""
    mail.outbox.clear()
    for email_id in Email.objects.filter(status=EmailStatus.QUEUED).values_list("pk", flat=True):
        deliver_email.call(email_id)
    return list(mail.outbox)
