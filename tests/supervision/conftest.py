"""People who chose group supervision and completed Foundation, and a supervisor's group."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.attendance.conftest import BOOKED_AT, DAYS
from tests.factories import CourseRunFactory, LevelFactory, PriceOptionFactory, UserFactory, VatRateFactory
from trainingdesk.accounts.models import Role, User
from trainingdesk.accounts.roles import grant_role
from trainingdesk.attendance import services as attendance
from trainingdesk.bookings.models import Booking
from trainingdesk.bookings.services import PayerDetails, book
from trainingdesk.catalogue.models import CourseRun, Level
from trainingdesk.supervision.models import SupervisionGroup, Supervisor

AFTER = dt.datetime(2022, 9, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def foundation(db: None) -> Level:
    VatRateFactory()
    return LevelFactory(name="Foundation", days_required=4, supervision_hours=12)


@pytest.fixture
def summer(foundation: Level, trainer: User) -> CourseRun:
    run = CourseRunFactory(level=foundation, title="Summer 2022", capacity=30, days=DAYS,
                           booking_closes_at=dt.datetime(2022, 6, 14, tzinfo=dt.UTC))
    run.trainers.add(trainer)
    return run


def attended(run: CourseRun, trainer: User, *, supervision: bool = True, person: User | None = None,
             zone: str = "Europe/London") -> Booking:
    """A booking on the run (with or without the supervision option), every day attended."""
    person = person or UserFactory(time_zone=zone)
    option = PriceOptionFactory(run=run, net_amount=Decimal("660" if supervision else "500"),
                                supervision_hours=12 if supervision else 0)
    with time_machine.travel(BOOKED_AT, tick=False):
        booking = book(participant=person, run_id=run.pk, option_id=option.pk, now=BOOKED_AT,
                       payer=PayerDetails(billing_name=person.full_name, billing_address="1 Street",
                                          invoice_email=person.email))
    with time_machine.travel(AFTER, tick=False):
        for day in run.days.all():
            attendance.record_marks(day=day, marks=[attendance.MarkInput(booking.pk, "present")],
                                    actor=trainer)
    return booking


@pytest.fixture
def supervisor(db: None) -> Supervisor:
    user = UserFactory(full_name="Sue Supervisor", email="sue@example.org")
    grant_role(user, Role.SUPERVISOR)
    return Supervisor.objects.create(user=user, accreditation="NVRA accredited supervisor")


@pytest.fixture
def tuesday_group(foundation: Level, supervisor: Supervisor) -> SupervisionGroup:
    return SupervisionGroup.objects.create(
        name="Tuesday evenings", level=foundation, supervisor=supervisor, capacity=2, weekday=1,
        start_time=dt.time(19, 0), time_zone="Europe/London",
        joining_link="https://zoom.us/j/1234567890")


# --- the supervision pages' personas: a planned group with a member, its supervisor, others ---

PLANNED_ON = dt.datetime(2022, 10, 1, 9, 0, tzinfo=dt.UTC)  # before the first session (18 Oct)
AFTER_FIRST = dt.datetime(2022, 10, 19, 9, 0, tzinfo=dt.UTC)  # the first session is over


@pytest.fixture
def planned_group(coordinator: User, summer: CourseRun,
                  tuesday_group: SupervisionGroup) -> SupervisionGroup:
    """The Tuesday group serving the Summer 2022 run, its 6 sessions planned (18 October 2022
    to 22 August 2023)."""
    from trainingdesk.supervision.services import plan_sessions
    tuesday_group.runs.add(summer)
    plan_sessions(group=tuesday_group, actor=coordinator)
    return tuesday_group


@pytest.fixture
def member(planned_group: SupervisionGroup, summer: CourseRun, trainer: User,
           coordinator: User) -> User:
    """A participant allocated to the planned group."""
    from trainingdesk.supervision.services import allocate
    booking = attended(summer, trainer, person=UserFactory(full_name="Mia Member",
                                                           email="mia@example.org"))
    with time_machine.travel(AFTER, tick=False):
        allocate(booking=booking, group=planned_group, actor=coordinator, now=AFTER)
    return booking.participant


@pytest.fixture
def other_participant(summer: CourseRun, trainer: User) -> User:
    """Someone on the same run, with group supervision, in no group."""
    return attended(summer, trainer, person=UserFactory(full_name="Otto Other",
                                                        email="otto@example.org")).participant


@pytest.fixture
def other_supervisor(foundation: Level) -> Supervisor:
    user = UserFactory(full_name="Vic Supervisor", email="vic@example.org")
    grant_role(user, Role.SUPERVISOR)
    supervisor = Supervisor.objects.create(user=user, accreditation="NVRA accredited supervisor")
    SupervisionGroup.objects.create(
        name="Thursday evenings", level=foundation, supervisor=supervisor, capacity=8, weekday=3,
        start_time=dt.time(18, 0), time_zone="Europe/London",
        joining_link="https://zoom.us/j/9999999999")
    return supervisor
