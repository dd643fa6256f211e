"""Sending a webhook is a task (the Django tasks API, as emails are: notifications/tasks.py),
enqueued when the delivery's row has committed and run by any `db_worker`.

A task only nudges: the delivery's row says what is due, and a sender claims the row before
sending, so two workers (or a retry and the periodic sweep) racing for one delivery send it once.
The POST is made outside any transaction; a worker killed mid-send leaves its claim to lapse, and
the delivery is tried again with the same `webhook-id`, so the receiver can tell a repeat.

Signed as the Standard Webhooks specification says, by its reference library: `webhook-id`,
`webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`
with the endpoint's `whsec_` secret. A 2xx answer is success; anything else (an error status, a
redirect, which is never followed, a timeout or no connection) is a failed try, logged and tried
again after the next of WEBHOOK_RETRY_DELAYS, and given up once they are used up.

Sent only to public addresses: `requests-hardened` resolves the endpoint's name at each
connection, refuses private, loopback, link-local and reserved addresses, and connects to the
address it checked, so a name re-pointed between check and use gains nothing (see the settings
WEBHOOK_ALLOW_LOOPBACK and WEBHOOK_ALLOW_PRIVATE_ADDRESSES)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import requests
import urllib3
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress
from standardwebhooks.webhooks import Webhook

from trainingdesk.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Endpoint

log = logging.getLogger(__name__)

USER_AGENT = "Trainingdesk-Webhooks/1"
EXCERPT = 500  # characters of the receiver's answer kept in the log

# One session a process (for each address policy): a worker sending many deliveries to one
# receiver reuses its connection.
_sessions: dict[tuple[bool, bool], requests.Session] = {}


def _session() -> requests.Session:
    policy = (not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES, bool(settings.WEBHOOK_ALLOW_LOOPBACK))
    if policy not in _sessions:
        _sessions[policy] = HTTPSession(Config(
            ip_filter_enable=policy[0], ip_filter_allow_loopback_ips=policy[1],
            never_redirect=True, default_timeout=None))
    return _sessions[policy]


def claim_seconds() -> int:
    """How long a sender may take over one delivery before another may try it: the timeout, and
    a minute for the rest."""
    return int(settings.WEBHOOK_TIMEOUT_SECONDS) + 60


def next_attempt_at(*, attempts: int, failed_at: dt.datetime,
                    delays: tuple[int, ...]) -> dt.datetime | None:
    """After the `attempts`-th try failed at `failed_at`: when to try again (the delays grow, one
    for each try), or None when every delay is used up and the delivery is given up."""
    if attempts > len(delays):
        return None
    return failed_at + dt.timedelta(seconds=delays[attempts - 1])


def enqueue_delivery(delivery_id: int, *, run_after: dt.datetime | None = None,
                     note: bool = True) -> None:
    """Put a task on the queue to send the delivery (at `run_after`, when the backend can wait;
    otherwise the periodic sweep sends it when it is due). With `note`, first record when, so
    that the sweep leaves it alone while the task may still run."""
    if run_after is not None and not deliver_webhook.get_backend().supports_defer:
        return
    if note:
        Delivery.objects.filter(pk=delivery_id).update(enqueued_at=run_after or timezone.now())
    job = deliver_webhook.using(run_after=run_after) if run_after is not None else deliver_webhook
    job.enqueue(delivery_id)


def _claim(delivery_id: int, now: dt.datetime) -> Delivery | None:
    # Waits for the row rather than skipping it: a delivery's row is locked only for a moment (a
    # claim, a "send again", recording a try), never while it is being sent.
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(of=("self",)).due(now).filter(pk=delivery_id)
                    .select_related("endpoint").first())
        if delivery is not None:
            delivery.claimed_until = now + dt.timedelta(seconds=claim_seconds())
            Delivery.objects.filter(pk=delivery.pk).update(claimed_until=delivery.claimed_until)
        return delivery


@dataclass(frozen=True)
class Outcome:
    at: dt.datetime
    status: int | None
    error: str  # empty when delivered
    ms: int
    excerpt: str = ""


def encode(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def signed_headers(*, secret: str, event_id: str, at: dt.datetime, body: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=event_id, timestamp=at, data=body),
    }


def post(delivery: Delivery) -> Outcome:
    """One try: POST the signed body, follow no redirect, wait at most WEBHOOK_TIMEOUT_SECONDS."""
    at = timezone.now()
    body = encode(delivery.payload)
    headers = signed_headers(secret=delivery.endpoint.secret, event_id=str(delivery.event_id),
                             at=at, body=body)
    started = time.monotonic()
    try:
        with _session().post(delivery.endpoint.url, data=body.encode(), headers=headers,
                           timeout=settings.WEBHOOK_TIMEOUT_SECONDS, allow_redirects=False,
                           stream=True) as response:
            excerpt = response.raw.read(EXCERPT * 4, decode_content=True).decode("utf-8", "replace")
    except InvalidIPAddress as exc:
        return Outcome(at, None, f"Refused: the address is {exc}, not a public one; webhooks go "
                       "only to public addresses", _ms(started))
    except (requests.Timeout, urllib3.exceptions.TimeoutError):
        return Outcome(at, None, f"No answer within {settings.WEBHOOK_TIMEOUT_SECONDS} s",
                       _ms(started))
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        return Outcome(at, None, f"Could not connect: {type(exc).__name__}: {exc}"[:500], _ms(started))
    status = response.status_code
    if 200 <= status < 300:
        error = ""
    elif 300 <= status < 400:
        error = f"HTTP {status}: a redirect (to {response.headers.get('location', '?')}), not followed"
    else:
        error = f"HTTP {status}"
    return Outcome(at, status, error[:500], _ms(started), excerpt[:EXCERPT])


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Send one delivery if it is due and nobody else is sending it; record the try, and on
    failure schedule the next or give up."""
    delivery = _claim(delivery_id, timezone.now())
    if delivery is None:
        return "not due, already delivered, or being sent by another worker"
    outcome = post(delivery)
    return record(delivery, outcome)


def record(delivery: Delivery, outcome: Outcome) -> str:
    """Write the try's outcome, release the claim, and schedule what comes next."""
    attempts = delivery.attempts + 1
    next_at = None
    fields: dict[str, Any] = {
        "attempts": attempts, "claimed_until": None, "last_attempt_at": outcome.at,
        "last_response_status": outcome.status, "last_error": outcome.error,
        "last_response_ms": outcome.ms,
    }
    if not outcome.error:
        fields |= {"status": DeliveryStatus.SUCCEEDED, "succeeded_at": outcome.at}
        result = "delivered"
    else:
        log.warning("Webhook delivery %s to %s failed (try %s): %s", delivery.pk,
                    delivery.endpoint.url, attempts, outcome.error)
        next_at = next_attempt_at(attempts=attempts, failed_at=outcome.at,
                                  delays=tuple(settings.WEBHOOK_RETRY_DELAYS))
        if next_at is None:
            fields["status"] = DeliveryStatus.GAVE_UP
            result = "given up"
        else:
            fields |= {"status": DeliveryStatus.FAILED, "next_attempt_at": next_at}
            result = f"will try again at {next_at.isoformat()}"
    with transaction.atomic():
        DeliveryAttempt.objects.create(delivery_id=delivery.pk, at=outcome.at,
                                       response_status=outcome.status, error=outcome.error,
                                       response_ms=outcome.ms, response_excerpt=outcome.excerpt)
        Delivery.objects.filter(pk=delivery.pk).update(**fields)
        # The endpoint's run of failures, as read with the claim: written only when it changes
        # (a success after failures, a failure after successes), not on every try.
        endpoint = Endpoint.objects.filter(pk=delivery.endpoint_id)
        was_failing = delivery.endpoint.failing_since is not None
        if outcome.error and not was_failing:
            endpoint.filter(failing_since__isnull=True).update(failing_since=outcome.at)
        elif not outcome.error and was_failing:
            endpoint.update(failing_since=None)
    if next_at is not None:
        enqueue_delivery(delivery.pk, run_after=next_at)
    return result
