"""Every email the product sends: written in the transaction that causes it, sent after that
transaction commits by a background task, retried with growing delays, and never dropped: one
that cannot be sent within the retry window is marked failed for the coordinator to see."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class EmailQuerySet(models.QuerySet["Email"]):
    def due(self, now: object) -> EmailQuerySet:
        """Waiting, due another try, and not being sent by anyone right now."""
        return self.filter(status=EmailStatus.QUEUED, next_attempt_at__lte=now).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        )

    def needing_attention(self) -> EmailQuerySet:
        """Failed for good, or waiting after at least one failed try."""
        return self.filter(
            Q(status=EmailStatus.FAILED) | Q(status=EmailStatus.QUEUED, attempts__gt=0)
        )


class Email(models.Model):
    to = models.JSONField()
    template = models.CharField(max_length=200, help_text="The template it is written from.")
    # What the template is given, as JSON (rows by reference: notifications/render.py), until the
    # first try writes the email out into its subject and body, which every later try sends.
    context = models.JSONField(default=dict, blank=True)
    rendered = models.BooleanField(default=False)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    # [{'kind': 'invoice', 'id': 1}, ...]: rendered when the email is sent, by the renderer that
    # the app owning that kind of document registered (notifications/attachments.py).
    attachments = models.JSONField(default=list, blank=True)
    # The same on every try, so a mail system that receives it twice (a worker killed between the
    # mail server's "accepted" and our "sent") can tell it is one message.
    message_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The retry window runs from here: the email's creation, or the coordinator's "send again".
    queued_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When a task to send it was last put on the queue; the periodic work puts one on again
    # only when that one seems lost (a worker killed, a process that died before enqueuing).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # A sender claims the email until then, sends it outside any transaction, then marks it sent.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="email_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=EmailStatus.SENT, sent_at__isnull=False)
                | ~Q(status=EmailStatus.SENT),
                name="email_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=Q(status=EmailStatus.FAILED, failed_at__isnull=False)
                | ~Q(status=EmailStatus.FAILED),
                name="email_failed_has_failed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.subject or self.template

    @property
    def recipients(self) -> str:
        return ", ".join(self.to)


class SentReminder(models.Model):
    """A reminder written for one event (a source's key and the start it had) and one lead time:
    unique in the database, and written in the transaction that writes its email, so a second
    run of the periodic work, or a copy of it on another host, sends it no second time. A moved
    event has a new start, so the reminders for its new time are new rows."""

    key = models.CharField(max_length=200)  # "booking:B123:day:2": the source's, for one person
    starts_at = models.DateTimeField()
    lead = models.DurationField()  # one of settings.REMINDER_LEAD_TIMES
    email = models.OneToOneField(Email, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # starts_at first: each run reads the rows of the events starting soon by this index.
            models.UniqueConstraint(fields=["starts_at", "key", "lead"],
                                    name="one_reminder_per_event_and_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.key} at {self.starts_at:%Y-%m-%d %H:%M}, {self.lead} before"
