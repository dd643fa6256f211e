"""Webhooks: the endpoints the coordinator registers, the outbox of events, and every delivery of
an event to one.

An event is written to the outbox (PendingEvent) in the transaction of the change it reports
(webhooks.services.on_event), so it commits or rolls back with that change. Once committed it is
turned into its deliveries (webhooks.services.dispatch), then each is sent by a task
(webhooks.tasks) that claims the row first, so two workers, or a retry and the periodic sweep,
never send it twice at once. A failed try is logged (DeliveryAttempt) and tried again after the
next of settings.WEBHOOK_RETRY_DELAYS; when they are used up the delivery has been given up."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix the Standard Webhooks secrets carry


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


class EndpointQuerySet(models.QuerySet["Endpoint"]):
    def active(self) -> EndpointQuerySet:
        return self.filter(active=True)

    def failing_since_before(self, cutoff: dt.datetime) -> EndpointQuerySet:
        """Switched on, and every delivery to it has failed since before `cutoff`."""
        return self.active().filter(failing_since__lt=cutoff)


class Endpoint(models.Model):
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)  # a list of lib.events.EVENT_TYPES
    secret = models.CharField(max_length=100, default=new_secret)
    active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=500, blank=True)
    # When the first of an unbroken run of failed tries happened; cleared by any success. The
    # periodic job switches the endpoint off once this is WEBHOOK_DISABLE_AFTER_DAYS old.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active=True, disabled_at__isnull=True)
                | Q(active=False, disabled_at__isnull=False),
                name="webhook_endpoint_disabled_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.url

    def wants(self, event_type: str) -> bool:
        return event_type in self.event_types


class PendingEvent(models.Model):
    """The outbox: an event written with the change it reports, waiting to become deliveries.
    Deleted when it does: right after the commit, or by the periodic sweep when the process that
    made the change died first. `payload` names the records (`{"booking_id": 12}`)."""

    event_type = models.CharField(max_length=50)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.payload}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed, will try again")
    GAVE_UP = "gave_up", _("Given up")


WAITING = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def due(self, now: dt.datetime) -> DeliveryQuerySet:
        """Waiting, due a try, to an endpoint that is switched on, and not being sent by anyone
        right now."""
        return self.filter(status__in=WAITING, next_attempt_at__lte=now, endpoint__active=True).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


class Delivery(models.Model):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The `webhook-id`: one event's id, the same on every try and to every endpoint, so that a
    # receiver can tell a repeat.
    event_id = models.UUIDField(default=uuid.uuid4)
    event_type = models.CharField(max_length=50)
    payload = models.JSONField()  # the body sent, as JSON: {"type", "timestamp", "data"}
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)  # tries since written or sent again
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When a task to send it was last put on the queue; the sweep queues one again only when that
    # one seems lost.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # A sender claims the delivery until then, and sends it outside any transaction.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_response_ms = models.PositiveIntegerField(null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_log_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"],
                                    name="one_delivery_per_endpoint_and_event"),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.SUCCEEDED, succeeded_at__isnull=False)
                | ~Q(status=DeliveryStatus.SUCCEEDED),
                name="webhook_delivery_succeeded_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class DeliveryAttempt(models.Model):
    """One try at a delivery: what the receiver answered (or why there was no answer)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)  # empty when it was delivered
    response_ms = models.PositiveIntegerField()
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery} at {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return not self.error
