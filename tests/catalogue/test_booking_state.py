"""Whether a run can be booked is one rule (`CourseRun.booking_state`) that the run page, the
booking page and the booking service all ask, so they can never disagree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.bookings.conftest import self_paying
from tests.factories import CourseRunFactory, PriceOptionFactory, VatRateFactory
from trainingdesk.bookings.services import book
from trainingdesk.catalogue.models import BookingState, RunStatus

DAYS = [dt.date(2027, 6, 1), dt.date(2027, 6, 2), dt.date(2027, 6, 3), dt.date(2027, 9, 14)]
# Day 1 begins at 9:30 UK time (8:30 UTC); booking stays open in its settings until July.
STARTED = dt.datetime(2027, 6, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def run(db):
    VatRateFactory()
    run = CourseRunFactory(capacity=5, days=DAYS,
                           booking_closes_at=dt.datetime(2027, 7, 1, tzinfo=dt.UTC))
    PriceOptionFactory(run=run, net_amount=Decimal("500"))
    return run


@pytest.mark.parametrize(("now", "state"), [
    (dt.datetime(2027, 5, 1, tzinfo=dt.UTC), BookingState.OPEN),
    (dt.datetime(2027, 6, 1, 8, 29, tzinfo=dt.UTC), BookingState.OPEN),
    (dt.datetime(2027, 6, 1, 8, 30, tzinfo=dt.UTC), BookingState.STARTED),
    (STARTED, BookingState.STARTED),
    (dt.datetime(2027, 9, 14, 15, 30, tzinfo=dt.UTC), BookingState.FINISHED),
])
def test_a_run_is_open_until_day_1_begins_whatever_its_closing_date(run, now, state):
    assert run.booking_state(now) == state


def test_a_run_that_has_started_is_not_advertised_as_open_and_cannot_be_booked(client, run,
                                                                              participant):
    """The run page used to say "Booking open" (its closing date was later) while the booking
    service refused: they now ask the same rule."""
    with time_machine.travel(STARTED, tick=False):
        page = client.get(reverse("catalogue:run", args=[run.pk])).content.decode()
        assert "Booking open" not in page
        assert "This run has started, so it can no longer be booked" in page
        with pytest.raises(ValidationError, match="already started"):
            book(participant=participant, run_id=run.pk, option_id=run.options.get().pk,
                 payer=self_paying(), now=STARTED)


def test_the_refusal_names_the_reason_in_order(run):
    run.status = RunStatus.CANCELLED
    assert run.refusal_to_book(STARTED) == "This run has been cancelled and cannot be booked."
    run.status = RunStatus.DRAFT
    assert run.refusal_to_book(dt.datetime(2027, 5, 1, tzinfo=dt.UTC)) == (
        "This run is not open for booking.")
