"""Money on the waitlist: a limited discount code is for places, and VAT is charged at the rate
of the day the place is taken."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory, VatRateFactory
from trainingdesk.bookings.models import BookingStatus, DiscountCode
from trainingdesk.bookings.services import accept_offer, book, cancel_booking, decline_offer


def _full_run_with_a_waiting_person(run, option, code=""):
    holders = [book(participant=UserFactory(), run_id=run.pk, option_id=option.pk,
                    payer=self_paying(), now=NOW) for _ in range(run.capacity)]
    waiting = book(participant=UserFactory(), run_id=run.pk, option_id=option.pk,
                   payer=self_paying(), discount_code=code, now=NOW)
    assert waiting.status == BookingStatus.WAITLISTED
    return holders, waiting


def test_leaving_the_waitlist_gives_back_the_discount_codes_use(run, without_supervision):
    code = DiscountCode.objects.create(code="EARLY10", percent_off=Decimal(10), max_uses=5)
    _holders, waiting = _full_run_with_a_waiting_person(run, without_supervision, "EARLY10")
    assert DiscountCode.objects.get(pk=code.pk).times_used == 1
    decline_offer(booking=waiting, actor=waiting.participant, now=NOW)
    assert DiscountCode.objects.get(pk=code.pk).times_used == 0


def test_a_place_taken_pays_vat_at_the_rate_of_that_day(run, without_supervision):
    holders, waiting = _full_run_with_a_waiting_person(run, without_supervision)
    VatRateFactory(percent=Decimal("22.50"), valid_from=dt.date(2027, 4, 1))
    later = dt.datetime(2027, 4, 2, 10, 0, tzinfo=dt.UTC)
    cancel_booking(booking=holders[0], actor=holders[0].participant, now=later)
    accepted = accept_offer(booking=waiting, actor=waiting.participant, now=later)
    invoice = accepted.invoices.get()
    assert (accepted.net, accepted.vat_rate, accepted.vat, accepted.gross) == (
        Decimal("500.00"), Decimal("22.50"), Decimal("112.50"), Decimal("612.50"))
    assert (invoice.tax_point, invoice.total_vat) == (dt.date(2027, 4, 2), Decimal("112.50"))


def test_a_credit_note_names_the_customer_of_the_invoice_it_credits(participant, run,
                                                                     without_supervision):
    booking = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                   payer=self_paying(), now=NOW)
    booking.billing_name = "Corrected Name Ltd"  # a later correction of the billing details
    booking.purchase_order = "PO-NEW"
    booking.save(update_fields=["billing_name", "purchase_order"])
    cancel_booking(booking=booking, actor=participant, now=NOW)
    invoice = booking.invoices.get(kind="invoice", credits__isnull=True, credit_notes__isnull=False)
    credit_note = invoice.credit_notes.get()
    assert (credit_note.customer_name, credit_note.purchase_order) == (
        invoice.customer_name, invoice.purchase_order)


def test_leaving_the_waitlist_never_cancels_a_place_confirmed_meanwhile(run, without_supervision):
    import pytest
    from django.core.exceptions import ValidationError

    from trainingdesk.bookings.services import leave_waitlist

    holders, waiting = _full_run_with_a_waiting_person(run, without_supervision)
    cancel_booking(booking=holders[0], actor=holders[0].participant, now=NOW)
    accept_offer(booking=waiting, actor=waiting.participant, now=NOW)  # in another tab
    with pytest.raises(ValidationError, match="confirmed"):
        leave_waitlist(booking=waiting, actor=waiting.participant, now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.CONFIRMED
