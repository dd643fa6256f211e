"""Cancelling a booking (by the participant, under the terms; by the coordinator, in full)
and cancelling a whole run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory
from trainingdesk.bookings.models import Booking, BookingStatus, CancellationTerm
from trainingdesk.bookings.services import book, cancel_booking, cancel_run
from trainingdesk.catalogue.models import RunStatus
from trainingdesk.invoicing.models import DocumentKind, Invoice

FIRST_DAY = dt.datetime(2027, 6, 1, 8, 30, tzinfo=dt.UTC)  # 9:30am in London


def days_before(days: int) -> dt.datetime:
    return dt.datetime(2027, 6, 1, 7, 0, tzinfo=dt.UTC) - dt.timedelta(days=days)


@pytest.fixture
def terms(run) -> None:
    provider = run.level.programme.provider
    for notice, percent in [(28, "100"), (14, "50"), (0, "0")]:
        CancellationTerm.objects.create(provider=provider, days_notice=notice,
                                        refund_percent=Decimal(percent))


@pytest.fixture
def booking(participant, run, with_supervision) -> Booking:
    return book(participant=participant, run_id=run.pk, option_id=with_supervision.pk,
                payer=self_paying(), now=NOW)


def _documents(booking: Booking) -> list[tuple[str, str, str | None, Decimal]]:
    return [(d.kind, d.number, d.credits.number if d.credits else None, d.total_gross)
            for d in booking.invoices.select_related("credits").order_by("id")]


def test_cancelling_with_28_days_notice_credits_the_whole_invoice(participant, booking, terms):
    cancel_booking(booking=booking, actor=participant, reason="Changed jobs", now=days_before(28))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancellation_reason == "Changed jobs"
    assert _documents(booking) == [
        (DocumentKind.INVOICE, "INV-000001", None, Decimal("792.00")),
        (DocumentKind.CREDIT_NOTE, "CN-000001", "INV-000001", Decimal("792.00")),
    ]
    assert Booking.objects.with_balance().get(pk=booking.pk).balance == 0


def test_cancelling_with_27_days_notice_keeps_half_as_a_cancellation_charge(participant, booking,
                                                                            terms):
    cancel_booking(booking=booking, actor=participant, now=days_before(27))
    assert _documents(booking) == [
        (DocumentKind.INVOICE, "INV-000001", None, Decimal("792.00")),
        (DocumentKind.CREDIT_NOTE, "CN-000001", "INV-000001", Decimal("792.00")),
        (DocumentKind.INVOICE, "INV-000002", None, Decimal("396.00")),
    ]
    charge = Invoice.objects.get(number="INV-000002")
    assert (charge.total_net, charge.total_vat) == (Decimal("330.00"), Decimal("66.00"))
    assert "Cancellation charge" in charge.lines.get().description
    assert "50% of the price is kept" in charge.lines.get().description
    assert Booking.objects.with_balance().get(pk=booking.pk).balance == Decimal("396.00")


def test_cancelling_at_short_notice_keeps_the_whole_price(participant, booking, terms):
    cancel_booking(booking=booking, actor=participant, now=days_before(3))
    charge = Invoice.objects.get(number="INV-000002")
    assert charge.total_gross == Decimal("792.00")
    assert Booking.objects.with_balance().get(pk=booking.pk).balance == Decimal("792.00")


def test_with_no_terms_a_participant_gets_no_refund(participant, booking):
    cancel_booking(booking=booking, actor=participant, now=days_before(90))
    assert Invoice.objects.get(number="INV-000002").total_gross == Decimal("792.00")


def test_the_coordinator_may_refund_in_full_at_any_notice(coordinator, booking, terms):
    cancel_booking(booking=booking, actor=coordinator, full_refund=True, reason="Illness",
                   now=days_before(1))
    assert [d[1] for d in _documents(booking)] == ["INV-000001", "CN-000001"]


def test_a_participant_cannot_ask_for_a_full_refund(participant, booking, terms):
    cancel_booking(booking=booking, actor=participant, full_refund=True, now=days_before(3))
    assert Invoice.objects.get(number="INV-000002").total_gross == Decimal("792.00")


def test_cancelling_someone_elses_booking_is_refused(outsider, booking):
    with pytest.raises(ValidationError, match="only cancel your own"):
        cancel_booking(booking=booking, actor=outsider, now=NOW)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Invoice.objects.count() == 1


def test_cancelling_twice_is_refused(participant, booking):
    cancel_booking(booking=booking, actor=participant, now=NOW)
    with pytest.raises(ValidationError, match="already cancelled"):
        cancel_booking(booking=booking, actor=participant, now=NOW)
    assert Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).count() == 1


def test_a_participant_cannot_cancel_once_the_run_has_started(participant, booking):
    with pytest.raises(ValidationError, match="ask the training coordinator"):
        cancel_booking(booking=booking, actor=participant, now=FIRST_DAY)


def test_cancelling_frees_the_seat_for_the_first_in_line(
    participant, run, booking, without_supervision, django_capture_on_commit_callbacks
):
    second, first_in_line, next_in_line = UserFactory.create_batch(3)
    for person, minutes in [(second, 1), (first_in_line, 2), (next_in_line, 3)]:
        book(participant=person, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(), now=NOW + dt.timedelta(minutes=minutes))
    later = NOW + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=booking, actor=participant, now=later)
    offered = Booking.objects.get(participant=first_in_line)
    assert offered.status == BookingStatus.OFFERED
    assert offered.offer_expires_at == later + dt.timedelta(hours=48)
    assert Booking.objects.get(participant=next_in_line).status == BookingStatus.WAITLISTED
    offers = [m for m in mail.outbox if m.subject.startswith("A place is free")]
    assert [m.to for m in offers] == [[first_in_line.email]]
    assert "https://zoom.us" not in offers[0].body


def test_the_cancellation_email_carries_the_credit_note_and_charge(
    participant, booking, terms, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=booking, actor=participant, now=days_before(20))
    (message,) = [m for m in mail.outbox if "cancelled" in m.subject]
    assert message.subject == "Your booking is cancelled: Foundation, Summer 2027"
    assert "Credit note CN-000001 for £792 cancels invoice INV-000001" in message.body
    assert "invoice INV-000002 for £396 is the cancellation charge" in message.body
    assert [a[0] for a in message.attachments] == ["CN-000001.pdf", "INV-000002.pdf"]


# --- cancelling a run ------------------------------------------------------------------------

def test_cancelling_a_run_cancels_every_booking_with_credit_notes_and_tells_everyone(
    run, without_supervision, coordinator, django_capture_on_commit_callbacks
):
    people = UserFactory.create_batch(3)
    for person in people:
        book(participant=person, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(), now=NOW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = cancel_run(run=run, actor=coordinator, reason="The trainer is ill", now=NOW)
    assert (done.bookings, done.also) == (3, [])
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    statuses = sorted(Booking.objects.values_list("status", flat=True))
    assert statuses == [BookingStatus.CANCELLED, BookingStatus.CANCELLED,
                        BookingStatus.LEFT_WAITLIST]
    notes = Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).order_by("number")
    assert sorted(n.credits.number for n in notes) == ["INV-000001", "INV-000002"]
    assert [n.number for n in notes] == ["CN-000001", "CN-000002"]
    told = [m for m in mail.outbox if m.subject == "Cancelled: Foundation, Summer 2027"]
    assert sorted(m.to[0] for m in told) == sorted(p.email for p in people)
    assert all("Reason: The trainer is ill" in m.body for m in told)
    assert all(b.balance == 0 for b in Booking.objects.with_balance())


def test_only_the_coordinator_cancels_a_run_and_must_say_why(run, participant, coordinator):
    with pytest.raises(PermissionDenied, match="Only the coordinator can"):
        cancel_run(run=run, actor=participant, reason="No", now=NOW)
    with pytest.raises(ValidationError, match="Say why"):
        cancel_run(run=run, actor=coordinator, reason="  ", now=NOW)
    cancel_run(run=run, actor=coordinator, reason="Venue closed", now=NOW)
    with pytest.raises(ValidationError, match="already cancelled"):
        cancel_run(run=run, actor=coordinator, reason="Venue closed", now=NOW)


def test_an_employer_cancels_the_places_it_pays_for_under_the_terms_and_no_others(
        participant, run, with_supervision, terms, coordinator):
    from trainingdesk.accounts.models import Organisation
    from trainingdesk.bookings.services import PayerDetails
    northshire = Organisation.objects.create(name="Northshire Trust", billing_address="1 Road",
                                             invoice_email="ap@example.org")
    southshire = Organisation.objects.create(name="Southshire Council", billing_address="2 Road",
                                             invoice_email="ap@example.net")
    booking = book(participant=participant, run_id=run.pk, option_id=with_supervision.pk,
                   payer=PayerDetails(payer="employer", organisation_id=northshire.pk), now=NOW)
    with pytest.raises(ValidationError) as refused:
        cancel_booking(booking=booking, actor=coordinator, employer=southshire,
                       now=days_before(27))
    assert refused.value.message_dict == {
        "payer": ["An employer books and cancels only the places it pays for."]}
    # Its maker is the coordinator, but the employer cancels under the terms, as staff would.
    cancel_booking(booking=booking, actor=coordinator, employer=northshire, full_refund=True,
                   now=days_before(27))
    assert [d.total_gross for d in booking.invoices.order_by("id")] == [
        Decimal("792.00"), Decimal("792.00"), Decimal("396.00")]
