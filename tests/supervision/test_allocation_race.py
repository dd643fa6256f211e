"""Two coordinators allocating at once never fill a group past its places: on PostgreSQL the
group's row lock queues them; on SQLite the IMMEDIATE transaction does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.bookings.test_concurrency import race
from tests.factories import UserFactory
from tests.supervision.conftest import attended
from trainingdesk.accounts.models import Role
from trainingdesk.accounts.roles import grant_role
from trainingdesk.supervision import services
from trainingdesk.supervision.models import Allocation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("concurrency")]


def test_eight_allocations_at_once_into_a_group_of_two_places_leave_it_with_two(
    summer, trainer, tuesday_group
):
    coordinators = UserFactory.create_batch(2)
    for person in coordinators:
        grant_role(person, Role.COORDINATOR)
    bookings = [attended(summer, trainer) for _ in range(8)]
    results = race([
        (lambda b=booking, c=coordinators[i % 2]: services.allocate(
            booking=b, group=tuesday_group, actor=c, now=dt.datetime(2022, 10, 1, tzinfo=dt.UTC)))
        for i, booking in enumerate(bookings)
    ])
    refused = [r for r in results if isinstance(r, ValidationError)]
    others = [r for r in results if isinstance(r, BaseException) and not isinstance(r, ValidationError)]
    assert not others, others[:2]
    assert Allocation.objects.filter(group=tuesday_group).count() == 2
    assert len(refused) == 6 and all("is full" in " ".join(r.messages) for r in refused)
