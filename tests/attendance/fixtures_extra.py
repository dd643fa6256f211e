"""Fixtures the attendance page tests share, beyond the app's conftest: time frozen after the
brochure's last day, another run's trainer, and a later run of the same level."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from tests.attendance.conftest import AFTER_THE_LAST_DAY
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory
from trainingdesk.accounts.models import Role, User
from trainingdesk.accounts.roles import grant_role
from trainingdesk.catalogue.models import CourseRun, TrainingDay

# The fixtures, for `from tests.attendance.fixtures_extra import *` in a test module.
__all__ = ["after_the_last_day", "later_run", "other_trainer"]

LATER_DAYS = [dt.date(2023, 1, 10), dt.date(2023, 1, 11), dt.date(2023, 1, 12), dt.date(2023, 3, 2)]
AFTER_THE_LATER_RUN = dt.datetime(2023, 3, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def after_the_last_day() -> Iterator[None]:
    with time_machine.travel(AFTER_THE_LAST_DAY, tick=False):
        yield


@pytest.fixture
def other_trainer(db: None) -> User:
    """A trainer, but not of the brochure's run."""
    user = UserFactory(full_name="Olga Othertrainer", email="olga@example.org")
    grant_role(user, Role.TRAINER)
    return user


@pytest.fixture
def later_run(foundation_run: CourseRun, other_trainer: User) -> CourseRun:
    """A later published run of the same level, trained by `other_trainer`."""
    run = CourseRunFactory(level=foundation_run.level, title="Winter 2023", capacity=30, days=LATER_DAYS)
    run.trainers.add(other_trainer)
    PriceOptionFactory(run=run)
    return run


def day(run: CourseRun, number: int) -> TrainingDay:
    return TrainingDay.objects.select_related("run__level").get(run=run, number=number)
