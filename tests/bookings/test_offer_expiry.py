"""When a waitlist offer has expired is one rule (`Booking.offer_has_expired`, and
`BookingQuerySet.expired_offers` for many rows): accepting, the booking page and the periodic
sweep all ask it."""

from __future__ import annotations

import datetime as dt

import pytest

from trainingdesk.bookings.models import Booking, BookingStatus

EXPIRES = dt.datetime(2027, 3, 3, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("now", "expired"), [
    (EXPIRES - dt.timedelta(seconds=1), False),
    (EXPIRES, True),
    (EXPIRES + dt.timedelta(days=1), True),
])
def test_an_offer_can_be_taken_until_the_moment_it_expires(now, expired):
    offer = Booking(status=BookingStatus.OFFERED, offer_expires_at=EXPIRES)
    assert offer.offer_has_expired(now) is expired
    assert offer.offer_is_open(now) is not expired


def test_only_an_offer_expires():
    assert not Booking(status=BookingStatus.WAITLISTED).offer_has_expired(EXPIRES)
    assert not Booking(status=BookingStatus.CONFIRMED).offer_is_open(EXPIRES)


def test_the_sweep_finds_the_offers_the_rule_calls_expired(db, run, without_supervision):
    from tests.bookings.conftest import self_paying
    from tests.factories import UserFactory
    from trainingdesk.bookings.services import book

    bookings = [book(participant=UserFactory(), run_id=run.pk, option_id=without_supervision.pk,
                     payer=self_paying(), now=EXPIRES - dt.timedelta(days=10)) for _ in range(4)]
    waiting = [b for b in bookings if b.status == BookingStatus.WAITLISTED]
    Booking.objects.filter(pk=waiting[0].pk).update(status=BookingStatus.OFFERED, offer_expires_at=EXPIRES)
    Booking.objects.filter(pk=waiting[1].pk).update(status=BookingStatus.OFFERED,
                                                    offer_expires_at=EXPIRES + dt.timedelta(seconds=1))
    assert list(Booking.objects.expired_offers(EXPIRES)) == [Booking.objects.get(pk=waiting[0].pk)]
