"""Migration bookings 0008: a booking made before it records as its last change the latest time
it already held (cancelled, confirmed, joined the waitlist, booked), not the migration's."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps

from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory
from trainingdesk.bookings.models import Booking
from trainingdesk.bookings.services import book

migration = importlib.import_module("trainingdesk.bookings.migrations.0008_booking_updated_at")


def test_existing_bookings_keep_their_latest_recorded_time(participant, run, with_supervision):
    run.capacity = 1
    run.save()
    confirmed = book(participant=participant, run_id=run.pk, option_id=with_supervision.pk,
                     payer=self_paying(), now=NOW)
    waiting = book(participant=UserFactory(), run_id=run.pk, option_id=with_supervision.pk,
                   payer=self_paying(), now=NOW + dt.timedelta(hours=1))
    cancelled_at = NOW + dt.timedelta(days=3)
    Booking.objects.filter(pk=confirmed.pk).update(
        status="cancelled", cancelled_at=cancelled_at, confirmed_at=NOW + dt.timedelta(minutes=1))
    Booking.objects.update(updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))  # "migrated now"

    migration.last_known_change(apps, None)

    times = dict(Booking.objects.values_list("pk", "updated_at"))
    assert times == {confirmed.pk: cancelled_at, waiting.pk: NOW + dt.timedelta(hours=1)}
