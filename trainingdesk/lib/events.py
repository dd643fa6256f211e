"""Domain events: a service says what happened with `emit(type, payload)`, inside its transaction;
whoever listens (the webhooks app, registered at start-up) hears it once that transaction commits,
and never if it rolls back. Lower apps emit; higher ones listen: nothing here knows who.

A payload is small JSON naming the record (`{"booking_id": 12}`); a listener reads what it needs
from the committed rows. A listener that fails is logged and does not undo, or fail, the change
that caused the event (the change has committed by then).

Delivered once, after commit, in the process that made the change: a process that dies between
the commit and the callback loses the event (webhook deliveries are recorded by the listener,
then retried until they arrive).
"""

from __future__ import annotations

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
    the transaction that makes the change; listeners hear it after the commit."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {event_type!r}")
    data = dict(payload)
    for listener in list(_listeners):
        # robust: a listener's failure is logged, and neither stops the other listeners nor
        # reaches the caller, whose change has committed.
        transaction.on_commit(_bound(listener, event_type, data), robust=True)


def _bound(listener: Listener, event_type: str, data: dict[str, Any]) -> Callable[[], None]:
    def hear() -> None:
        listener(event_type, data)

    # The name the log gives a failing callback.
    hear.__qualname__ = f"{getattr(listener, '__qualname__', listener)} hearing {event_type}"
    return hear
