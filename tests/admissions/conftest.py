"""An Advanced level configured as the brochure's, and a Foundation completed with us."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.attendance.conftest import BOOKED_AT, DAYS, booked
from tests.factories import CourseRunFactory, LevelFactory, PriceOptionFactory, VatRateFactory
from trainingdesk.accounts.models import ProfessionalBody, User
from trainingdesk.attendance import services as attendance
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.catalogue.models import CourseRun, Level

# The brochure's Foundation ends on 15 September 2022; the Advanced run starts 6 March 2024.
ADVANCED_DAYS = [dt.date(2024, 3, 6), dt.date(2024, 3, 7), dt.date(2024, 3, 8),
                 dt.date(2024, 4, 10), dt.date(2024, 4, 11), dt.date(2024, 4, 12)]
APPLYING = dt.datetime(2024, 1, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def foundation(db: None) -> Level:
    VatRateFactory()
    return LevelFactory(name="Foundation", accreditation="NVRA Level 1", days_required=4)


@pytest.fixture
def advanced(foundation: Level) -> Level:
    level = LevelFactory(
        programme=foundation.programme, name="Advanced", slug="advanced",
        accreditation="NVRA Level 2", days_required=6, prerequisite=foundation,
        prerequisite_within_months=24, external_prerequisite_accepted=True,
        recommended_gap_months=12, requires_professional_registration=True,
        covering_letter_accepted=True, requires_approved_application=True,
        approves_automatically=True,
    )
    level.accepted_bodies.set(ProfessionalBody.objects.filter(
        code__in=["HCPC", "UKCP", "BACP", "NMC", "GMC", "SWE"]))
    return level


@pytest.fixture
def advanced_run(advanced: Level) -> CourseRun:
    run = CourseRunFactory(level=advanced, title="Spring 2024", capacity=12, days=ADVANCED_DAYS,
                           booking_closes_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    PriceOptionFactory(run=run, net_amount=Decimal("500"))
    return run


def completed_foundation(foundation: Level, person: User, trainer: User) -> AttendanceConfirmation:
    """The brochure's Summer 2022 run, every day attended: our Attendance Confirmation."""
    run = CourseRunFactory(level=foundation, title="Summer 2022", capacity=30, days=DAYS,
                           booking_closes_at=dt.datetime(2022, 6, 14, tzinfo=dt.UTC))
    run.trainers.add(trainer)
    option = PriceOptionFactory(run=run, net_amount=Decimal("500"))
    with time_machine.travel(BOOKED_AT, tick=False):
        booking = booked(run, option, person)
    with time_machine.travel(dt.datetime(2022, 9, 16, 9, tzinfo=dt.UTC), tick=False):
        for day in run.days.all():
            attendance.record_marks(day=day, marks=[attendance.MarkInput(booking.pk, "present")],
                                    actor=trainer)
    return AttendanceConfirmation.objects.get(booking=booking)


@pytest.fixture
def applying():
    with time_machine.travel(APPLYING, tick=False):
        yield
