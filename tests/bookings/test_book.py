from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from trainingdesk.bookings.models import Booking, BookingStatus, Invoice
from trainingdesk.bookings.services import book
from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory


def test_booking_a_run_confirms_a_seat_and_issues_the_brochure_invoice(
    participant, run, with_supervision, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(participant=participant, run_id=run.pk, option_id=with_supervision.pk,
                       payer=self_paying(), now=NOW)
    assert booking.status == BookingStatus.CONFIRMED
    assert (booking.net, booking.vat, booking.gross) == (Decimal("660.00"), Decimal("132.00"),
                                                         Decimal("792.00"))
    invoice = Invoice.objects.get(booking=booking)
    assert invoice.number == "INV-000001"
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("660.00"), Decimal("132.00"), Decimal("792.00"))
    assert [m.subject for m in mail.outbox] == [
        f"Your place is confirmed: Foundation, Summer 2027 ({booking.reference})"]


def test_the_third_person_on_a_two_seat_run_joins_the_waitlist(run, without_supervision):
    people = UserFactory.create_batch(3)
    bookings = [book(participant=p, run_id=run.pk, option_id=without_supervision.pk,
                     payer=self_paying(), now=NOW) for p in people]
    assert [b.status for b in bookings] == [BookingStatus.CONFIRMED, BookingStatus.CONFIRMED,
                                            BookingStatus.WAITLISTED]
    assert Invoice.objects.count() == 2


def test_booking_the_same_run_twice_is_refused(participant, run, without_supervision):
    book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
         payer=self_paying(), now=NOW)
    with pytest.raises(ValidationError, match="already have a place"):
        book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(), now=NOW)
    assert Booking.objects.count() == 1
