"""Domain events: a service says what happened with `emit(type, payload)`, inside its transaction;
whoever listens (the webhooks app, registered at start-up) hears it there and then, in that
transaction, so what the listener records (webhook deliveries) commits with the change or rolls
back with it: an outbox, with no gap in which a process dying after the commit loses the event.
Lower apps emit; higher ones listen: nothing here knows who.

A payload is small JSON naming the record (`{"booking_id": 12}`); a listener reads what it needs
from the rows as the transaction has them. A listener should only record; anything slow or
outside the database (sending) belongs after the commit (`transaction.on_commit`).

A listener that fails is logged and rolled back to its own savepoint: it never undoes, or fails,
the change that caused the event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

BOOKING_CONFIRMED = "booking.confirmed"
BOOKING_CANCELLED = "booking.cancelled"
WAITLIST_OFFER_MADE = "waitlist.offer_made"
INVOICE_ISSUED = "invoice.issued"
CREDIT_NOTE_ISSUED = "credit_note.issued"
CONFIRMATION_ISSUED = "confirmation.issued"
CONFIRMATION_REVOKED = "confirmation.revoked"
APPLICATION_DECIDED = "application.decided"
CERTIFICATE_ISSUED = "certificate.issued"
CERTIFICATE_REVOKED = "certificate.revoked"

EVENT_TYPES: tuple[str, ...] = (
    BOOKING_CONFIRMED, BOOKING_CANCELLED, WAITLIST_OFFER_MADE, INVOICE_ISSUED, CREDIT_NOTE_ISSUED,
    CONFIRMATION_ISSUED, CONFIRMATION_REVOKED, APPLICATION_DECIDED, CERTIFICATE_ISSUED,
    CERTIFICATE_REVOKED,
)

log = logging.getLogger(__name__)

Listener = Callable[[str, dict[str, Any]], object]  # what it returns is ignored

_listeners: list[Listener] = []


def register_listener(listener: Listener) -> None:
    """Hear every event from now on (call it in an AppConfig.ready). Registering twice is once."""
    if listener not in _listeners:
        _listeners.append(listener)


def unregister_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def emit(event_type: str, payload: dict[str, Any]) -> None:
    """Announce `event_type` (one of EVENT_TYPES) about the records in `payload`. Call it inside
    the transaction that makes the change; each listener hears it at once, in a savepoint."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {event_type!r}")
    for listener in list(_listeners):
        try:
            with transaction.atomic():
                listener(event_type, dict(payload))
        except Exception:
            # Robust: a listener's failure is logged, and neither stops the other listeners nor
            # reaches the caller, whose change goes on.
            log.exception("%s failed hearing %s %s", getattr(listener, "__qualname__", listener),
                          event_type, payload)
