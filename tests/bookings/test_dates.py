"""Dates on VAT documents and price rules are the provider's (UK) dates, not UTC dates: between
midnight and 1am in British Summer Time the UTC date is still the day before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.bookings.conftest import self_paying
from tests.factories import PriceOptionFactory, VatRateFactory
from trainingdesk.bookings.services import book

# 00:30 on 1 April 2027 in London (BST) is 23:30 on 31 March in UTC.
JUST_AFTER_MIDNIGHT = dt.datetime(2027, 3, 31, 23, 30, tzinfo=dt.UTC)


def test_the_tax_point_is_the_uk_date_of_the_booking(participant, run, without_supervision):
    booking = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                   payer=self_paying(), now=JUST_AFTER_MIDNIGHT)
    invoice = booking.invoices.get()
    assert invoice.tax_point == dt.date(2027, 4, 1)
    assert invoice.due_date == dt.date(2027, 5, 1)


def test_a_vat_rate_from_1_april_applies_to_a_booking_at_half_past_midnight(
    participant, run, without_supervision
):
    VatRateFactory(percent=Decimal("22.50"), valid_from=dt.date(2027, 4, 1))
    booking = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                   payer=self_paying(), now=JUST_AFTER_MIDNIGHT)
    assert (booking.vat_rate, booking.vat, booking.gross) == (
        Decimal("22.50"), Decimal("112.50"), Decimal("612.50"))


def test_an_early_rate_that_ended_on_31_march_is_over_at_half_past_midnight(participant, run):
    early = PriceOptionFactory(run=run, name="Early rate", net_amount=Decimal("450"),
                               available_until=dt.date(2027, 3, 31))
    with pytest.raises(ValidationError, match="no longer available"):
        book(participant=participant, run_id=run.pk, option_id=early.pk, payer=self_paying(),
             now=JUST_AFTER_MIDNIGHT)
