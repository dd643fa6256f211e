"""Every change to webhook endpoints and deliveries goes through here, atomic and audited
(the coordinator's changes by the coordinator, the periodic job's by nobody).

`on_event`, the listener lib.events calls inside the transaction of the change, writes the event
to the outbox (PendingEvent), so it commits with the change or not at all. Once it commits,
`dispatch` turns it into deliveries: one for each switched-on endpoint that asked for that event
type, all with the event's id, and a task for each, enqueued once they are written
(webhooks.tasks sends them). A process that dies between the commit and `dispatch` leaves the
event in the outbox, and the periodic sweep dispatches it."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trainingdesk.accounts.models import Role, User
from trainingdesk.audit.log import log_action
from trainingdesk.lib import events
from trainingdesk.lib.access import require_coordinator
from trainingdesk.notifications.services import send_email
from trainingdesk.webhooks import payloads
from trainingdesk.webhooks.models import WAITING, Delivery, DeliveryStatus, Endpoint, PendingEvent
from trainingdesk.webhooks.tasks import claim_seconds, enqueue_delivery

log = logging.getLogger(__name__)

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


# --- endpoints -------------------------------------------------------------------------------


def _is_local(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _private_address_refusal(host: str) -> str | None:
    """What is wrong with an address that is plainly not public (this machine, a private or
    link-local network), unless the settings allow it. A name is checked when it is resolved,
    at each delivery (tasks.py)."""
    if _is_local(host):
        allowed = settings.WEBHOOK_ALLOW_LOOPBACK or settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    else:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return None
        allowed = address.is_global or settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    if allowed:
        return None
    return _("%(host)s is not a public address: webhooks go only to systems on the internet.") % {
        "host": host}


def check_url(url: str) -> str:
    """An endpoint's address: https, or http to this machine (localhost) while developing
    (DEBUG), for a receiver on one's own computer; never a private address unless the settings
    allow it. Refused with a ValidationError on "url"."""
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": _("Enter the endpoint's full address, like "
                                        "https://hr.example.org/webhooks/training.")}) from None
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValidationError({"url": _("Leave the user name and password out of the address: "
                                        "requests are signed with the endpoint's secret instead.")})
    host = parts.hostname or ""
    if refusal := _private_address_refusal(host):
        raise ValidationError({"url": refusal})
    if parts.scheme == "https":
        return url
    if settings.DEBUG and _is_local(host):
        return url
    raise ValidationError({"url": _("The address must start with https://, so that what is sent "
                                    "is encrypted on its way.")})


def check_event_types(event_types: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(event_types))
    if not chosen:
        raise ValidationError({"event_types": _("Choose at least one event to send.")})
    unknown = [t for t in chosen if t not in events.EVENT_TYPES]
    if unknown:
        raise ValidationError({"event_types": _("There is no event called %(name)s.")
                               % {"name": ", ".join(unknown)}})
    return [t for t in events.EVENT_TYPES if t in chosen]  # in the list's order


def _checked(url: str, event_types: list[str]) -> tuple[str, list[str]]:
    """Both checked, so that the form shows every mistake at once."""
    errors: dict[str, list[str]] = {}
    try:
        url = check_url(url)
    except ValidationError as error:
        errors |= error.message_dict
    try:
        event_types = check_event_types(event_types)
    except ValidationError as error:
        errors |= error.message_dict
    if errors:
        raise ValidationError(errors)
    return url, event_types


def _audited(endpoint: Endpoint) -> dict[str, Any]:
    """What the audit log keeps of an endpoint: never its secret."""
    return {"url": endpoint.url, "description": endpoint.description,
            "event_types": endpoint.event_types, "active": endpoint.active,
            "disabled_reason": endpoint.disabled_reason}


def create_endpoint(*, url: str, event_types: list[str], description: str = "",
                    actor: User) -> Endpoint:
    require_coordinator(actor, "add webhook endpoints")
    url, event_types = _checked(url, event_types)
    with transaction.atomic():
        endpoint = Endpoint.objects.create(url=url, event_types=event_types,
                                           description=description.strip(), created_by=actor)
        log_action(actor, "webhooks.endpoint.created", endpoint, after=_audited(endpoint))
    return endpoint


def _locked(endpoint_id: int) -> Endpoint:
    endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise ValidationError(_("That endpoint no longer exists."))
    return endpoint


def change_endpoint(*, endpoint: Endpoint, url: str, event_types: list[str], description: str,
                    actor: User) -> Endpoint:
    require_coordinator(actor, "change webhook endpoints")
    url, event_types = _checked(url, event_types)
    with transaction.atomic():
        endpoint = _locked(endpoint.pk)
        before = _audited(endpoint)
        endpoint.url, endpoint.event_types = url, event_types
        endpoint.description = description.strip()
        endpoint.save(update_fields=["url", "event_types", "description"])
        log_action(actor, "webhooks.endpoint.changed", endpoint, before=before, after=_audited(endpoint))
    return endpoint


def _switch_off(endpoint: Endpoint, *, reason: str, now: dt.datetime) -> None:
    endpoint.active, endpoint.disabled_at, endpoint.disabled_reason = False, now, reason[:500]
    endpoint.save(update_fields=["active", "disabled_at", "disabled_reason"])


def disable_endpoint(*, endpoint: Endpoint, actor: User, now: dt.datetime | None = None) -> Endpoint:
    """Switch an endpoint off: nothing is sent to it until it is switched on again (deliveries
    waiting then are kept, and sent once it is)."""
    require_coordinator(actor, "switch webhook endpoints off")
    now = now or timezone.now()
    with transaction.atomic():
        endpoint = _locked(endpoint.pk)
        if not endpoint.active:
            raise ValidationError(_("That endpoint is already switched off."))
        before = _audited(endpoint)
        _switch_off(endpoint, reason=_("Switched off by %(name)s") % {"name": actor.full_name}, now=now)
        log_action(actor, "webhooks.endpoint.disabled", endpoint, before=before, after=_audited(endpoint))
    return endpoint


def enable_endpoint(*, endpoint: Endpoint, actor: User, now: dt.datetime | None = None) -> Endpoint:
    """Switch an endpoint on again: the deliveries still waiting are sent now, with a fresh
    count of failures."""
    require_coordinator(actor, "switch webhook endpoints on")
    now = now or timezone.now()
    with transaction.atomic():
        endpoint = _locked(endpoint.pk)
        if endpoint.active:
            raise ValidationError(_("That endpoint is already switched on."))
        before = _audited(endpoint)
        endpoint.active, endpoint.disabled_at, endpoint.disabled_reason = True, None, ""
        endpoint.failing_since = None
        endpoint.save(update_fields=["active", "disabled_at", "disabled_reason", "failing_since"])
        waiting = list(endpoint.deliveries.filter(status__in=WAITING).values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=waiting).update(next_attempt_at=now, enqueued_at=now)
        log_action(actor, "webhooks.endpoint.enabled", endpoint, before=before, after=_audited(endpoint))
        transaction.on_commit(lambda: _enqueue_all(waiting))
    return endpoint


def _enqueue_all(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        enqueue_delivery(delivery_id, note=False)


# --- deliveries ------------------------------------------------------------------------------


# How long an event may wait in the outbox before the sweep takes it as stranded (its process
# died after the commit): its own dispatch, right after the commit, takes far less.
STRANDED_AFTER = dt.timedelta(seconds=60)


def on_event(event_type: str, payload: dict[str, Any]) -> None:
    """The listener (registered in WebhooksConfig.ready), in the transaction that made the change:
    write the event to the outbox, which commits or rolls back with the change, and dispatch it
    once it has committed. Only a write here: the change's locks are not held for more."""
    event = PendingEvent.objects.create(event_type=event_type, payload=payload,
                                        created_at=timezone.now())
    # Robust: should dispatching fail, the change has committed all the same (the caller is not
    # answered with an error) and the event waits in the outbox for the sweep.
    transaction.on_commit(lambda: dispatch([event.pk]), robust=True)


def dispatch(event_ids: list[int]) -> list[Delivery]:
    """Turn outbox events into deliveries, and take them out of the outbox, in one transaction:
    whoever reaches an event first (the after-commit call, or the sweep) does it, once. Nothing is
    read about an event unless an endpoint wants it."""
    now = timezone.now()
    with transaction.atomic():
        pending = list(PendingEvent.objects.select_for_update(skip_locked=True)
                       .filter(pk__in=event_ids).order_by("pk"))
        if not pending:
            return []
        endpoints = list(Endpoint.objects.active())
        deliveries: list[Delivery] = []
        done: list[int] = []
        for event in pending:
            wanted = [e for e in endpoints if e.wants(event.event_type)]
            try:
                data = payloads.data_for(event.event_type, event.payload) if wanted else None
            except Exception:
                # Kept in the outbox for the next sweep; the other events go on.
                log.exception("Could not dispatch the %s event %s", event.event_type, event.payload)
                continue
            if data is not None:
                deliveries += _deliveries(wanted, event.event_type, data, now=now)
            done.append(event.pk)
        PendingEvent.objects.filter(pk__in=done).delete()
        return _written(deliveries)


def _deliveries(endpoints: list[Endpoint], event_type: str, data: dict[str, Any], *,
                now: dt.datetime) -> list[Delivery]:
    event_id = uuid.uuid4()
    body = payloads.body(event_type, data, now)
    # Noted as enqueued now, in the same write: should the process die before the tasks are
    # queued, the periodic sweep finds them once that note is stale.
    return [Delivery(endpoint=endpoint, event_id=event_id, event_type=event_type, payload=body,
                     created_at=now, next_attempt_at=now, enqueued_at=now)
            for endpoint in endpoints]


def _written(deliveries: list[Delivery]) -> list[Delivery]:
    """Write the deliveries and queue their tasks once the transaction commits."""
    if not deliveries:
        return []
    deliveries = Delivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in deliveries]
    if None in ids:  # a backend that gives back no ids (none we use): read them
        event_ids = {d.event_id for d in deliveries}
        ids = list(Delivery.objects.filter(event_id__in=event_ids).values_list("pk", flat=True))
    transaction.on_commit(lambda: _enqueue_all(ids))
    return deliveries


def send_test_event(*, endpoint: Endpoint, actor: User) -> Delivery:
    """The coordinator's "send a test event": a delivery of type `webhook.test` to this endpoint
    only, sent now, signed like any other. Audited."""
    require_coordinator(actor, "send test events")
    now = timezone.now()
    with transaction.atomic():
        endpoint = _locked(endpoint.pk)
        if not endpoint.active:
            raise ValidationError(_("The endpoint is switched off: switch it on first."))
        body = payloads.body(payloads.TEST_EVENT, {"message": "A test event from Trainingdesk.",
                                                    "endpoint_id": endpoint.pk}, now)
        delivery = Delivery.objects.create(endpoint=endpoint, event_type=payloads.TEST_EVENT,
                                           payload=body, created_at=now, next_attempt_at=now,
                                           enqueued_at=now)
        log_action(actor, "webhooks.endpoint.test_sent", endpoint,
                   after={"delivery": delivery.pk, "event_id": str(delivery.event_id)})
        transaction.on_commit(lambda: enqueue_delivery(delivery.pk, note=False))
    return delivery


def send_again(*, delivery_id: int, endpoint: Endpoint, actor: User,
               now: dt.datetime | None = None) -> Delivery:
    """The coordinator sends a delivery again, now, whatever became of it, with the same
    `webhook-id` and body and a fresh run of retries (the tries before stay in its log)."""
    require_coordinator(actor, "send webhooks again")
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(of=("self",)).select_related("endpoint")
                    .filter(pk=delivery_id, endpoint=endpoint).first())
        if delivery is None:
            raise ValidationError(_("That delivery no longer exists."))
        if not endpoint.active:
            raise ValidationError(_("The endpoint is switched off: switch it on first."))
        if delivery.claimed_until and delivery.claimed_until > now:
            raise ValidationError(_("That delivery is being sent right now."))
        before = {"status": delivery.status, "attempts": delivery.attempts}
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = delivery.enqueued_at = now
        delivery.succeeded_at = None
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "enqueued_at",
                                     "succeeded_at"])
        log_action(actor, "webhooks.delivery.sent_again", delivery, before=before,
                   after={"status": delivery.status})
        transaction.on_commit(lambda: enqueue_delivery(delivery.pk, note=False))
    return delivery


# --- periodic work ---------------------------------------------------------------------------


def enqueue_due(*, now: dt.datetime) -> int:
    """Periodic: dispatch the events stranded in the outbox (their process died after the
    commit), and put a task on the queue again for every delivery that is due but whose task
    seems lost (a worker killed mid-send, a process that died between commit and enqueue, a
    retry the queue could not delay). Sending claims the row under a lock, so a duplicate task
    sends nothing twice. Answers how many deliveries it queued."""
    stranded = list(PendingEvent.objects.filter(created_at__lt=now - STRANDED_AFTER)
                    .order_by("pk").values_list("pk", flat=True)[:1000])
    dispatched = len(dispatch(stranded)) if stranded else 0
    stale = now - dt.timedelta(seconds=claim_seconds())
    ids = list(
        Delivery.objects.due(now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        .filter(next_attempt_at__lt=stale)
        .order_by("next_attempt_at").values_list("pk", flat=True)[:1000]
    )
    Delivery.objects.filter(pk__in=ids).update(enqueued_at=now)
    _enqueue_all(ids)
    return dispatched + len(ids)


def disable_failing_endpoints(*, now: dt.datetime) -> int:
    """Periodic: switch off every endpoint whose deliveries have all failed for
    WEBHOOK_DISABLE_AFTER_DAYS, audited, and tell the coordinators by email."""
    days = int(settings.WEBHOOK_DISABLE_AFTER_DAYS)
    cutoff = now - dt.timedelta(days=days)
    switched = 0
    for endpoint_id in Endpoint.objects.failing_since_before(cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            # Its row: a success recorded meanwhile, or the other copy of this job, is seen here.
            endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_id)
            if not endpoint.active or endpoint.failing_since is None or endpoint.failing_since >= cutoff:
                continue
            before = _audited(endpoint)
            _switch_off(endpoint, now=now, reason=_(
                "Switched off automatically: every delivery failed for %(days)s days.") % {"days": days})
            log_action(None, "webhooks.endpoint.disabled", endpoint, before=before,
                       after=_audited(endpoint), reason=endpoint.disabled_reason)
            to = _coordinators()
            if to:
                send_email(to=to, template="webhooks/email/endpoint_disabled.txt",
                           context={"endpoint": endpoint, "days": days,
                                    "failing_since": endpoint.failing_since,
                                    "last_error": _last_error(endpoint)})
            switched += 1
    return switched


def _coordinators() -> list[str]:
    return sorted(User.objects.filter(is_active=True).filter(
        Q(groups__name=Role.COORDINATOR.value) | Q(is_superuser=True))
        .values_list("email", flat=True).distinct())


def _last_error(endpoint: Endpoint) -> str:
    last = (endpoint.deliveries.exclude(last_error="").order_by("-last_attempt_at")
            .values_list("last_error", flat=True).first())
    return last or ""


DELIVERIES_KEPT = dt.timedelta(days=90)


def forget_old_deliveries(*, now: dt.datetime) -> int:
    """Periodic: delete the deliveries written 90 days ago or more that are finished (delivered or
    given up), with their tries, a few thousand a run, so the log stays the recent past."""
    ids = list(Delivery.objects.filter(created_at__lt=now - DELIVERIES_KEPT,
                                       status__in=[DeliveryStatus.SUCCEEDED, DeliveryStatus.GAVE_UP])
               .values_list("pk", flat=True)[:5000])
    Delivery.objects.filter(pk__in=ids).delete()
    return len(ids)
