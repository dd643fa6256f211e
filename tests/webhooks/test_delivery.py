"""Deliveries: every event type reaches a subscribed endpoint, signed as Standard Webhooks says
(checked by the receiver with the reference library's Webhook.verify); a receiver that answers
500, times out or redirects is tried again after growing delays, then given up; the periodic
sweep sends what is due and nothing twice."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from tests.certificates.conftest import (  # noqa: F401 - fixtures shared with certificates tests
    ISSUED_AT,
    advanced,
    advanced_run,
    foundation,
    programme,
    qualify,
)
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory, VatRateFactory
from tests.webhooks.conftest import DELAYS, make_endpoint
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.attendance.services import revoke_confirmation
from trainingdesk.bookings.services import PayerDetails, book, cancel_booking
from trainingdesk.certificates import services as certificates
from trainingdesk.lib import events
from trainingdesk.webhooks import services
from trainingdesk.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, PendingEvent
from trainingdesk.webhooks.services import STRANDED_AFTER
from trainingdesk.webhooks.tasks import claim_seconds, deliver_webhook

pytestmark = pytest.mark.django_db


def _book(run, person):
    option = run.options.first()
    return book(participant=person, run_id=run.pk, option_id=option.pk,
                payer=PayerDetails(billing_name=person.full_name, billing_address="1 Street",
                                   invoice_email=person.email))


def test_every_event_type_arrives_signed_with_what_happened(
    endpoint, receiver, participant, trainer, coordinator, foundation, programme, advanced_run,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        # booking.confirmed, invoice.issued, application.decided and confirmation.issued (twice)
        advanced_booking = qualify(participant, trainer=trainer, foundation=foundation,
                                   advanced_run=advanced_run)
        certificate = certificates.issue_if_due(participant=participant, programme=programme,
                                                now=ISSUED_AT)
        assert certificate is not None
        certificates.revoke_certificate(certificate=certificate, reason="Issued in error",
                                        actor=coordinator)
        confirmation = AttendanceConfirmation.objects.get(booking=advanced_booking)
        revoke_confirmation(confirmation=confirmation, reason="Marked by mistake", actor=coordinator)
        # A run of one seat: the second person waits, and is offered it when the first cancels
        # (booking.cancelled, credit_note.issued, waitlist.offer_made).
        small = CourseRunFactory(level=foundation, capacity=1, days=[dt.date(2099, 3, 1)])
        PriceOptionFactory(run=small, net_amount=Decimal("500"))
        first = _book(small, UserFactory())
        _book(small, UserFactory())
        cancel_booking(booking=first, actor=coordinator, reason="Changed jobs")

    assert set(receiver.types) == set(events.EVENT_TYPES)
    assert [r.why_not for r in receiver.received if not r.verified] == []
    deliveries = Delivery.objects.filter(endpoint=endpoint)
    assert {d.status for d in deliveries} == {DeliveryStatus.SUCCEEDED}
    assert sorted(str(d.event_id) for d in deliveries) == sorted(
        r.headers["webhook-id"] for r in receiver.received)
    by_type = {r.type: r.json for r in receiver.received}
    assert by_type["certificate.revoked"]["data"]["code"] == certificate.code
    assert by_type["certificate.revoked"]["data"]["revoked_at"] is not None
    assert by_type["booking.cancelled"]["data"]["reference"] == first.reference
    assert by_type["credit_note.issued"]["data"]["kind"] == "credit_note"
    assert by_type["invoice.issued"]["data"]["total"]["gross"] == {"amount": "600.00", "currency": "GBP"}
    assert by_type["application.decided"]["data"]["status"] == "approved"
    assert by_type["confirmation.revoked"]["data"]["verification_url"].endswith(
        f"/verify/{confirmation.code}/")
    # Times with their offset, and no one's name or email: the receiver looks people up by id.
    assert dt.datetime.fromisoformat(by_type["booking.confirmed"]["timestamp"]).utcoffset() is not None
    for received in receiver.received:
        assert participant.full_name not in received.body
        assert participant.email not in received.body


def test_the_headers_are_the_standard_webhooks_ones(endpoint, receiver, coordinator,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.send_test_event(endpoint=endpoint, actor=coordinator)
    (received,) = receiver.received
    assert received.verified
    assert received.headers["webhook-id"] == str(delivery.event_id)
    assert received.headers["webhook-signature"].startswith("v1,")
    assert abs(int(received.headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
    assert received.headers["content-type"] == "application/json"
    assert json.loads(received.body)["type"] == "webhook.test"


def test_a_signature_made_with_another_secret_does_not_verify(endpoint, receiver, coordinator,
                                                              django_capture_on_commit_callbacks):
    receiver.secret = "whsec_" + "A" * 43 + "="
    with django_capture_on_commit_callbacks(execute=True):
        services.send_test_event(endpoint=endpoint, actor=coordinator)
    (received,) = receiver.received
    assert (received.verified, received.why_not) == (False, "No matching signature found")


def test_an_endpoint_is_sent_only_the_events_it_asked_for(coordinator, receiver,
                                                          django_capture_on_commit_callbacks):
    endpoint = make_endpoint(coordinator, receiver, [events.INVOICE_ISSUED])
    other = make_endpoint(coordinator, receiver, [events.CERTIFICATE_ISSUED], description="Other")
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(events.BOOKING_CONFIRMED, {"booking_id": 1})
        events.emit(events.CERTIFICATE_ISSUED, {"certificate_id": 999})  # no such row: nothing sent
    assert receiver.received == []
    assert not Delivery.objects.filter(endpoint__in=[endpoint, other]).exists()


def test_nothing_is_sent_for_a_change_that_rolls_back(endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                events.emit(events.INVOICE_ISSUED, {"invoice_id": 1})
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass
    assert receiver.received == []
    assert not Delivery.objects.exists()


@pytest.fixture
def run():
    VatRateFactory()
    run = CourseRunFactory(capacity=5, days=[dt.date(2099, 3, 1)])
    PriceOptionFactory(run=run)
    return run


def sweeps_a_minute_on(capture, times: int = 1) -> list[int]:
    """The periodic sweep, run `times` once the outbox's events count as stranded: how many
    deliveries each queued (and sent: tasks run at once in the tests)."""
    later = timezone.now() + STRANDED_AFTER + dt.timedelta(seconds=1)
    with time_machine.travel(later), capture(execute=True):
        return [services.enqueue_due(now=timezone.now()) for _ in range(times)]


def test_an_event_survives_a_process_that_dies_right_after_the_commit(
        endpoint, receiver, participant, run, django_capture_on_commit_callbacks):
    """The event is written to the outbox in the booking's own transaction: had the process died
    before its after-commit work (turning it into deliveries), the periodic sweep still does."""
    with django_capture_on_commit_callbacks(execute=False):  # the process dies: nothing runs
        booking = _book(run, participant)
    assert sorted(PendingEvent.objects.values_list("event_type", flat=True)) == [
        "booking.confirmed", "invoice.issued"]
    assert not Delivery.objects.exists()
    # A minute on, the sweep takes them as stranded; a second sweep finds nothing left to do.
    assert sweeps_a_minute_on(django_capture_on_commit_callbacks, times=2) == [2, 0]
    assert not PendingEvent.objects.exists()
    sent = {r.json["type"]: r.json["data"] for r in receiver.received if r.verified}
    assert sorted(sent) == ["booking.confirmed", "invoice.issued"]
    assert sent["booking.confirmed"]["reference"] == booking.reference
    assert len(receiver.received) == 2


def test_a_failing_dispatch_neither_fails_the_change_nor_loses_the_event(
        endpoint, receiver, participant, run, django_capture_on_commit_callbacks, monkeypatch,
        caplog):
    working = services.payloads.data_for

    def broken(event_type, payload):
        raise RuntimeError("payload broke")

    monkeypatch.setattr(services.payloads, "data_for", broken)
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(run, participant)
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert "payload broke" in caplog.text
    assert PendingEvent.objects.count() == 2 and not Delivery.objects.exists()
    monkeypatch.setattr(services.payloads, "data_for", working)
    assert sweeps_a_minute_on(django_capture_on_commit_callbacks) == [2]
    assert len(receiver.received) == 2


def test_an_event_that_cannot_be_dispatched_stays_and_holds_up_no_other(
        endpoint, receiver, participant, run, django_capture_on_commit_callbacks, monkeypatch,
        caplog):
    working = services.payloads.data_for

    def invoices_broken(event_type, payload):
        if event_type == "invoice.issued":
            raise RuntimeError("invoice payload broke")
        return working(event_type, payload)

    monkeypatch.setattr(services.payloads, "data_for", invoices_broken)
    with django_capture_on_commit_callbacks(execute=False):
        _book(run, participant)
    assert sweeps_a_minute_on(django_capture_on_commit_callbacks) == [1]
    assert [r.json["type"] for r in receiver.received] == ["booking.confirmed"]
    assert list(PendingEvent.objects.values_list("event_type", flat=True)) == ["invoice.issued"]
    assert "invoice payload broke" in caplog.text


def test_an_event_is_not_stranded_while_its_own_dispatch_may_still_come(endpoint, receiver):
    services.on_event(events.BOOKING_CONFIRMED, {"booking_id": 1})  # its commit not yet run
    assert services.enqueue_due(now=timezone.now()) == 0
    assert PendingEvent.objects.count() == 1


def test_a_switched_off_endpoint_is_sent_nothing(endpoint, receiver, coordinator,
                                                 django_capture_on_commit_callbacks):
    services.disable_endpoint(endpoint=endpoint, actor=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.on_event(events.BOOKING_CONFIRMED, {"booking_id": 1})
    assert receiver.received == []


# --- failures, retries, giving up ------------------------------------------------------------


def _sweep_when_due(traveller, delivery: Delivery) -> None:
    """Move the clock past the next try (and the claim the sweep waits out), and run the
    periodic sweep, which sends it (tasks run at once in the tests)."""
    delivery.refresh_from_db()
    traveller.move_to(delivery.next_attempt_at + dt.timedelta(seconds=claim_seconds() + 1))
    assert services.enqueue_due(now=timezone.now()) == 1


@pytest.mark.parametrize("trouble", ["500", "timeout", "redirect"])
def test_a_failing_receiver_is_tried_again_after_growing_delays_then_given_up(
    trouble, endpoint, receiver, coordinator, django_capture_on_commit_callbacks,
):
    if trouble == "500":
        receiver.status = 500
    elif trouble == "timeout":
        receiver.delay = 1.5  # the sender waits 1 s (WEBHOOK_TIMEOUT_SECONDS in these tests)
    else:
        receiver.status, receiver.location = 302, "https://elsewhere.example.org/"
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            delivery = services.send_test_event(endpoint=endpoint, actor=coordinator)
        gaps = []
        for _ in DELAYS:
            delivery.refresh_from_db()
            assert delivery.status == DeliveryStatus.FAILED
            gaps.append((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds())
            _sweep_when_due(traveller, delivery)
        delivery.refresh_from_db()
    assert gaps == list(DELAYS)
    assert delivery.status == DeliveryStatus.GAVE_UP
    assert delivery.attempts == len(DELAYS) + 1 == len(receiver.received)
    assert all(r.verified for r in receiver.received)
    attempts = list(DeliveryAttempt.objects.filter(delivery=delivery))
    assert len(attempts) == len(DELAYS) + 1
    expected = {"500": "HTTP 500", "timeout": "No answer within 1 s",
                "redirect": "HTTP 302: a redirect (to https://elsewhere.example.org/), not followed"}
    assert {a.error for a in attempts} == {expected[trouble]}
    assert delivery.last_error == expected[trouble]
    # Once given up, the sweep leaves it alone.
    assert services.enqueue_due(now=timezone.now() + dt.timedelta(days=30)) == 0


def test_a_receiver_that_recovers_gets_the_delivery_on_the_next_try(
    endpoint, receiver, coordinator, django_capture_on_commit_callbacks,
):
    receiver.status = 503
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            delivery = services.send_test_event(endpoint=endpoint, actor=coordinator)
        endpoint.refresh_from_db()
        assert endpoint.failing_since is not None
        receiver.status = 204
        _sweep_when_due(traveller, delivery)
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_status) == (
        DeliveryStatus.SUCCEEDED, 2, 204)
    assert endpoint.failing_since is None
    assert [r.headers["webhook-id"] for r in receiver.received] == [str(delivery.event_id)] * 2


def test_an_unreachable_receiver_is_a_logged_try(coordinator, receiver, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(coordinator, receiver)
    endpoint.url = "http://127.0.0.1:9/nobody-listens"  # the discard port: connection refused
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.send_test_event(endpoint=endpoint, actor=coordinator)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith("Could not connect: ConnectionError")
    assert delivery.last_response_status is None


def test_the_sweep_leaves_alone_what_is_not_due_or_is_being_sent(endpoint, receiver):
    now = timezone.now()
    later = Delivery.objects.create(endpoint=endpoint, event_type="webhook.test", payload={},
                                    next_attempt_at=now + dt.timedelta(minutes=5))
    claimed = Delivery.objects.create(endpoint=endpoint, event_type="webhook.test", payload={},
                                      next_attempt_at=now - dt.timedelta(hours=1),
                                      claimed_until=now + dt.timedelta(seconds=30))
    lost = Delivery.objects.create(endpoint=endpoint, event_type="webhook.test", payload={},
                                   next_attempt_at=now - dt.timedelta(hours=1),
                                   enqueued_at=now - dt.timedelta(hours=1))
    assert services.enqueue_due(now=now) == 1
    assert [r.headers["webhook-id"] for r in receiver.received] == [str(lost.event_id)]
    later.refresh_from_db()
    claimed.refresh_from_db()
    assert later.status == claimed.status == DeliveryStatus.PENDING


def test_a_task_for_a_delivery_already_sent_sends_nothing(endpoint, receiver, coordinator,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.send_test_event(endpoint=endpoint, actor=coordinator)
    assert deliver_webhook.call(delivery.pk) == (
        "not due, already delivered, or being sent by another worker")
    assert len(receiver.received) == 1
