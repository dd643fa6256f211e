"""lib.events: what a service emits is heard at once, inside its transaction, so what a listener
records commits with the change and rolls back with it (an outbox); a listener that fails is
rolled back alone, and neither reaches the service nor stops the other listeners."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from trainingdesk.audit.models import AuditEntry
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


def _recording(event_type: str, payload: dict[str, Any]) -> None:
    """A listener that records what it hears, as the webhooks' records its deliveries."""
    AuditEntry.objects.create(action=f"heard.{event_type}", object_repr=str(payload))


@pytest.fixture
def recording() -> Iterator[None]:
    events.register_listener(_recording)
    yield
    events.unregister_listener(_recording)


def test_an_event_is_heard_in_the_transaction_and_what_is_recorded_commits_with_it(heard, recording):
    with transaction.atomic():
        AuditEntry.objects.create(action="the.change")
        events.emit(events.BOOKING_CONFIRMED, {"booking_id": 7})
        assert heard == [("booking.confirmed", {"booking_id": 7})]
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "object_repr")) == [
        ("the.change", ""), ("heard.booking.confirmed", "{'booking_id': 7}")]


def test_what_is_recorded_for_a_change_rolled_back_is_rolled_back_too(recording):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.emit(events.INVOICE_ISSUED, {"invoice_id": 1})
        raise RuntimeError
    assert not AuditEntry.objects.exists()


def test_an_unknown_event_type_is_refused():
    with pytest.raises(ValueError, match="Unknown event type 'booking.exploded'"):
        events.emit("booking.exploded", {})


def test_a_failing_listener_is_rolled_back_alone_and_stops_nothing(heard, recording, caplog):
    def broken(event_type: str, payload: dict[str, Any]) -> None:
        AuditEntry.objects.create(action="half.written")
        raise RuntimeError("listener broke")

    events.register_listener(broken)
    try:
        with transaction.atomic():
            AuditEntry.objects.create(action="the.change")
            events.emit(events.CERTIFICATE_ISSUED, {"certificate_id": 3})
            events.emit(events.CERTIFICATE_REVOKED, {"certificate_id": 3})
    finally:
        events.unregister_listener(broken)
    assert [t for t, _ in heard] == ["certificate.issued", "certificate.revoked"]
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == [
        "heard.certificate.issued", "heard.certificate.revoked", "the.change"]
    assert "listener broke" in caplog.text


def test_registering_a_listener_twice_hears_each_event_once(heard):
    events.register_listener(events._listeners[-1])
    events.emit(events.APPLICATION_DECIDED, {"application_id": 2})
    assert len(heard) == 1


def test_the_event_types_are_the_ten_the_issue_names():
    assert events.EVENT_TYPES == (
        "booking.confirmed", "booking.cancelled", "waitlist.offer_made", "invoice.issued",
        "credit_note.issued", "confirmation.issued", "confirmation.revoked", "application.decided",
        "certificate.issued", "certificate.revoked")
