from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import CourseRunFactory, LevelFactory, PriceOptionFactory, UserFactory, VatRateFactory
from trainingdesk.accounts.models import User
from trainingdesk.bookings.models import Booking
from trainingdesk.bookings.services import PayerDetails, book
from trainingdesk.catalogue.models import CourseRun, PriceOption

# The brochure's days: 21, 22, 23 June and 15 September 2022.
DAYS = [dt.date(2022, 6, 21), dt.date(2022, 6, 22), dt.date(2022, 6, 23), dt.date(2022, 9, 15)]
BOOKED_AT = dt.datetime(2022, 5, 1, 9, 0, tzinfo=dt.UTC)
AFTER_THE_LAST_DAY = dt.datetime(2022, 9, 16, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def foundation_run(db: None, trainer: User) -> CourseRun:
    VatRateFactory()
    level = LevelFactory(name="Foundation", accreditation="NVRA Level 1", days_required=4)
    run = CourseRunFactory(level=level, title="Summer 2022", capacity=30, days=DAYS,
                           booking_closes_at=dt.datetime(2022, 6, 14, tzinfo=dt.UTC))
    run.trainers.add(trainer)
    return run


@pytest.fixture
def option(foundation_run: CourseRun) -> PriceOption:
    return PriceOptionFactory(run=foundation_run, net_amount=Decimal("500"))


def booked(run: CourseRun, option: PriceOption, person: User | None = None) -> Booking:
    person = person or UserFactory()
    return book(participant=person, run_id=run.pk, option_id=option.pk, now=BOOKED_AT,
                payer=PayerDetails(billing_name=person.full_name, billing_address="1 Street",
                                   invoice_email=person.email))
