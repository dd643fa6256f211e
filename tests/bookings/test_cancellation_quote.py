"""The terms a participant is shown before cancelling are what they are then charged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.urls import reverse

from tests.bookings.conftest import self_paying
from tests.factories import PriceOptionFactory
from trainingdesk.bookings.models import CancellationTerm
from trainingdesk.bookings.services import book, cancel_booking, cancellation_quote
from trainingdesk.invoicing.models import DocumentKind

BOOKED = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
TWENTY_DAYS_BEFORE = dt.datetime(2027, 5, 12, 10, 0, tzinfo=dt.UTC)  # first day: 1 June 2027


def test_the_quote_and_the_charge_agree_to_the_penny(client, participant, run):
    CancellationTerm.objects.create(provider=run.level.programme.provider, days_notice=14,
                                    refund_percent=Decimal(50))
    odd = PriceOptionFactory(run=run, net_amount=Decimal("660.09"))  # £792.11 with VAT
    booking = book(participant=participant, run_id=run.pk, option_id=odd.pk,
                   payer=self_paying(), now=BOOKED)
    quote = cancellation_quote(booking=booking, now=TWENTY_DAYS_BEFORE)
    assert (quote.days_notice, quote.refund_percent) == (20, Decimal(50))
    assert quote.kept + quote.refund == Decimal("792.11")

    cancel_booking(booking=booking, actor=participant, now=TWENTY_DAYS_BEFORE)
    charge = booking.invoices.filter(kind=DocumentKind.INVOICE).order_by("id").last()
    assert charge.total_gross == quote.kept


def test_the_booking_page_shows_the_amount_that_will_be_kept(client, participant, run):
    CancellationTerm.objects.create(provider=run.level.programme.provider, days_notice=14,
                                    refund_percent=Decimal(50))
    odd = PriceOptionFactory(run=run, net_amount=Decimal("660.09"))
    booking = book(participant=participant, run_id=run.pk, option_id=odd.pk,
                   payer=self_paying(), now=BOOKED)
    kept = cancellation_quote(booking=booking, now=TWENTY_DAYS_BEFORE).kept
    with time_machine.travel(TWENTY_DAYS_BEFORE, tick=False):
        client.force_login(participant)
        page = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()
    assert f"£{kept:,.2f}" in page
