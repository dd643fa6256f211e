from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import CourseRunFactory, PriceOptionFactory, VatRateFactory
from trainingdesk.bookings.services import PayerDetails
from trainingdesk.catalogue.models import CourseRun, PriceOption

# "Now" in these tests: 1 March 2027, before the upcoming run's first day (1 June 2027).
NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
RUN_DAYS = [dt.date(2027, 6, 1), dt.date(2027, 6, 2), dt.date(2027, 6, 3), dt.date(2027, 9, 14)]


@pytest.fixture
def run(db: None) -> CourseRun:
    VatRateFactory()
    return CourseRunFactory(title="Summer 2027", capacity=2, days=RUN_DAYS,
                            booking_closes_at=dt.datetime(2027, 5, 25, tzinfo=dt.UTC))


@pytest.fixture
def with_supervision(run: CourseRun) -> PriceOption:
    return PriceOptionFactory(run=run, name="With group supervision", net_amount=Decimal("660"),
                              supervision_hours=12, position=1)


@pytest.fixture
def without_supervision(run: CourseRun) -> PriceOption:
    return PriceOptionFactory(run=run, name="Foundation only", net_amount=Decimal("500"),
                              position=2)


def self_paying(name: str = "Pat Participant") -> PayerDetails:
    return PayerDetails(billing_name=name, billing_address="1 High Street\nLeeds",
                        billing_postcode="LS1 1AA", invoice_email="pat@example.org")
