from __future__ import annotations

import datetime as dt

import pytest

from tests.admissions.conftest import (  # noqa: F401 - fixtures shared with admissions tests
    ADVANCED_DAYS,
    APPLYING,
    advanced,
    advanced_run,
    completed_foundation,
    foundation,
)
from tests.attendance.conftest import (  # noqa: F401 - fixtures shared with attendance tests
    AFTER_THE_LAST_DAY,
    booked,
    foundation_run,
    option,
)
from tests.coursework.conftest import (
    completed_advanced,
    coursework_level,  # noqa: F401 - for the pathway page
)
from trainingdesk.accounts.models import User
from trainingdesk.attendance.models import AttendanceConfirmation, MarkStatus
from trainingdesk.attendance.services import MarkInput, record_marks
from trainingdesk.bookings.models import Booking
from trainingdesk.catalogue.models import CourseRun, CourseworkComponent, Level, Programme
from trainingdesk.certificates import services
from trainingdesk.certificates.models import Certificate
from trainingdesk.coursework.models import Portfolio, PortfolioStatus
from trainingdesk.supervision.services import record_own_supervisor

ADVANCED_DONE = dt.datetime(2024, 4, 13, 9, 0, tzinfo=dt.UTC)  # the day after the last day
PASSED_AT = dt.datetime(2024, 11, 4, 12, 0, tzinfo=dt.UTC)
ISSUED_AT = dt.datetime(2024, 11, 4, 12, 5, tzinfo=dt.UTC)


@pytest.fixture
def confirmation(foundation_run, option, trainer, participant) -> AttendanceConfirmation:  # noqa: F811
    booking = booked(foundation_run, option, participant)
    for day in foundation_run.days.order_by("number"):
        record_marks(day=day, marks=[MarkInput(booking.pk, MarkStatus.PRESENT)], actor=trainer,
                     now=AFTER_THE_LAST_DAY)
    return AttendanceConfirmation.objects.get(booking=booking)


# --- the Advanced Certificate's pathway ------------------------------------------------------


@pytest.fixture
def programme(advanced: Level) -> Programme:  # noqa: F811
    """The brochure's certificate: both levels' confirmations, 12 hours of group supervision or
    one's own supervisor, and the Advanced level's coursework passed."""
    CourseworkComponent.objects.create(level=advanced, title="Case study", quantity=2, words=2000)
    programme = advanced.programme
    assert advanced.prerequisite is not None
    programme.certificate_levels.set([advanced.prerequisite, advanced])
    programme.award_name = "PartnershipProjects Advanced Certificate in NVR Practice"
    programme.award_requirements = ("Both levels attended, 12 hours of group supervision (or "
                                    "one's own supervisor) and the coursework passed.")
    programme.certificate_supervision_hours = 12
    programme.certificate_accepts_own_supervisor = True
    programme.save()
    return programme


def own_supervisor(booking: Booking) -> None:
    record_own_supervisor(booking=booking, name="Dr Sam Supervisor", accreditation="NVRA supervisor",
                          contact="sam@example.org", actor=booking.participant, now=ADVANCED_DONE)


def passed_portfolio(person: User, level: Level) -> Portfolio:
    """Coursework passed, written directly: the certificate only reads that it passed (coursework's
    own tests pass portfolios through submission, allocation and marking)."""
    return Portfolio.objects.create(participant=person, level=level, completed_on=ADVANCED_DAYS[-1],
                                    opened_at=ADVANCED_DONE, status=PortfolioStatus.PASSED,
                                    passed_at=PASSED_AT)


def qualify(person: User, *, trainer: User, foundation: Level, advanced_run: CourseRun,  # noqa: F811
            supervised: bool = True, passed: bool = True) -> Booking:
    """Both confirmations earned through the real services; the own supervisor recorded and the
    coursework passed unless told otherwise. Returns the Advanced booking."""
    completed_foundation(foundation, person, trainer)
    booking = completed_advanced(advanced_run, person, trainer)
    if supervised:
        own_supervisor(booking)
    if passed:
        passed_portfolio(person, advanced_run.level)
    return booking


@pytest.fixture
def holder(participant: User, trainer: User, foundation: Level, programme: Programme,  # noqa: F811
           advanced_run: CourseRun) -> User:  # noqa: F811
    qualify(participant, trainer=trainer, foundation=foundation, advanced_run=advanced_run)
    return participant


@pytest.fixture
def certificate(holder: User, programme: Programme) -> Certificate:
    issued = services.issue_if_due(participant=holder, programme=programme, now=ISSUED_AT)
    assert issued is not None
    return issued


