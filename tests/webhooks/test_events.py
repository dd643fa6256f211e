"""lib.events: what a service emits is heard once its transaction commits, never on a rollback;
a listener that fails neither reaches the service nor stops the other listeners."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from trainingdesk.lib import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    found: list[tuple[str, dict[str, Any]]] = []

    def listen(event_type: str, payload: dict[str, Any]) -> None:
        found.append((event_type, payload))

    events.register_listener(listen)
    yield found
    events.unregister_listener(listen)


def test_an_event_is_heard_when_the_transaction_commits(heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.emit(events.BOOKING_CONFIRMED, {"booking_id": 7})
        assert heard == []
    assert heard == [("booking.confirmed", {"booking_id": 7})]


def test_an_event_of_a_change_rolled_back_is_never_heard(heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), \
            transaction.atomic():
        events.emit(events.INVOICE_ISSUED, {"invoice_id": 1})
        raise RuntimeError
    assert heard == []


def test_an_unknown_event_type_is_refused():
    with pytest.raises(ValueError, match="Unknown event type 'booking.exploded'"):
        events.emit("booking.exploded", {})


def test_a_failing_listener_does_not_stop_the_others_or_the_caller(heard, caplog,
                                                                   django_capture_on_commit_callbacks):
    def broken(event_type: str, payload: dict[str, Any]) -> None:
        raise RuntimeError("listener broke")

    events.register_listener(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            events.emit(events.CERTIFICATE_ISSUED, {"certificate_id": 3})
            events.emit(events.CERTIFICATE_REVOKED, {"certificate_id": 3})
    finally:
        events.unregister_listener(broken)
    assert [t for t, _ in heard] == ["certificate.issued", "certificate.revoked"]
    assert "listener broke" in caplog.text


def test_registering_a_listener_twice_hears_each_event_once(heard, django_capture_on_commit_callbacks):
    events.register_listener(events._listeners[-1])
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(events.APPLICATION_DECIDED, {"application_id": 2})
    assert len(heard) == 1


def test_the_event_types_are_the_ten_the_issue_names():
    assert events.EVENT_TYPES == (
        "booking.confirmed", "booking.cancelled", "waitlist.offer_made", "invoice.issued",
        "credit_note.issued", "confirmation.issued", "confirmation.revoked", "application.decided",
        "certificate.issued", "certificate.revoked")
