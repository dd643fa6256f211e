"""The waitlist: offers of freed seats, accepting, declining, expiring and leaving."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tests.bookings.conftest import NOW, self_paying
from trainingdesk.accounts.models import User
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.bookings.services import (
    accept_offer,
    book,
    cancel_booking,
    decline_offer,
    expire_offers,
)
from trainingdesk.catalogue.models import Provider
from trainingdesk.invoicing.models import Invoice

LATER = NOW + dt.timedelta(days=1)


@pytest.fixture
def line(run, without_supervision) -> list[User]:
    """Two people holding the run's two seats, then three waiting, first in line first."""
    # Made in one query: they never sign in, so they skip the slow password hashing.
    people = User.objects.bulk_create(
        User(email=f"person{n}@example.org", full_name=f"Person {n}", password="!")
        for n in range(1, 6)
    )
    for minutes, person in enumerate(people):
        book(participant=person, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(person.full_name), now=NOW + dt.timedelta(minutes=minutes))
    return people


def status(person: User) -> str:
    return Booking.objects.get(participant=person).status


def booking_of(person: User) -> Booking:
    return Booking.objects.get(participant=person)


def free_a_seat(line: list[User], now: dt.datetime = LATER) -> Booking:
    cancel_booking(booking=booking_of(line[0]), actor=line[0], now=now)
    return booking_of(line[2])


def test_a_freed_seat_is_offered_to_the_first_in_line_for_the_providers_hours(run, line):
    Provider.objects.update(waitlist_offer_hours=24)
    offered = free_a_seat(line)
    assert offered.status == BookingStatus.OFFERED
    assert offered.offer_expires_at == LATER + dt.timedelta(hours=24)
    assert [status(p) for p in line[3:]] == [BookingStatus.WAITLISTED] * 2


def test_the_offer_email_is_sent_after_commit(run, line, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        free_a_seat(line)
    offers = [m for m in mail.outbox if m.subject.startswith("A place is free")]
    assert [m.to for m in offers] == [[line[2].email]]
    assert "held for you until Thursday 4 March 2027 at 10am UK time" in offers[0].body


def test_accepting_an_offer_confirms_and_invoices(run, line, django_capture_on_commit_callbacks):
    offered = free_a_seat(line)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = accept_offer(booking=offered, actor=line[2], now=LATER + dt.timedelta(hours=1))
    assert accepted.status == BookingStatus.CONFIRMED
    assert accepted.offer_expires_at is None
    invoice = accepted.invoices.get()
    assert invoice.total_gross == accepted.gross
    confirmations = [m for m in mail.outbox if m.subject.startswith("Your place is confirmed")
                     and m.to == [line[2].email]]
    assert len(confirmations) == 1
    assert "https://zoom.us/j/123?pwd=secret" in confirmations[0].body


def test_accepting_someone_elses_offer_is_refused(run, line):
    offered = free_a_seat(line)
    with pytest.raises(ValidationError, match="not yours"):
        accept_offer(booking=offered, actor=line[3], now=LATER)
    assert status(line[2]) == BookingStatus.OFFERED


def test_accepting_without_an_offer_is_refused(run, line):
    with pytest.raises(ValidationError, match="no open offer"):
        accept_offer(booking=booking_of(line[3]), actor=line[3], now=LATER)
    assert status(line[3]) == BookingStatus.WAITLISTED
    assert Invoice.objects.count() == 2


def test_accepting_an_expired_offer_is_refused_and_the_seat_passes_on(run, line):
    offered = free_a_seat(line)
    with pytest.raises(ValidationError, match="expired and has passed to the next person"):
        accept_offer(booking=offered, actor=line[2], now=LATER + dt.timedelta(hours=48))
    assert status(line[2]) == BookingStatus.LEFT_WAITLIST
    assert status(line[3]) == BookingStatus.OFFERED
    assert not booking_of(line[2]).invoices.exists()


def test_declining_passes_the_seat_to_the_next_in_line(run, line):
    offered = free_a_seat(line)
    decline_offer(booking=offered, actor=line[2], now=LATER)
    assert status(line[2]) == BookingStatus.LEFT_WAITLIST
    assert status(line[3]) == BookingStatus.OFFERED
    assert status(line[4]) == BookingStatus.WAITLISTED


def test_declining_cannot_cancel_a_confirmed_place(run, line):
    with pytest.raises(ValidationError, match="no offer to decline"):
        decline_offer(booking=booking_of(line[0]), actor=line[0], now=LATER)
    assert status(line[0]) == BookingStatus.CONFIRMED
    assert Invoice.objects.count() == 2


def test_expired_offers_pass_to_the_next_in_line(run, line, django_capture_on_commit_callbacks):
    free_a_seat(line)
    assert expire_offers(now=LATER + dt.timedelta(hours=47)) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_offers(now=LATER + dt.timedelta(hours=48)) == 1
    assert [status(p) for p in line[2:]] == [BookingStatus.LEFT_WAITLIST, BookingStatus.OFFERED,
                                             BookingStatus.WAITLISTED]
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[line[2].email].startswith("Your offer of a place has expired")
    assert subjects[line[3].email].startswith("A place is free")


def test_when_the_whole_line_lets_offers_expire_the_seat_stays_free(run, line):
    free_a_seat(line)
    for hours in (48, 96, 144):
        expire_offers(now=LATER + dt.timedelta(hours=hours))
    assert [status(p) for p in line[2:]] == [BookingStatus.LEFT_WAITLIST] * 3
    assert Booking.objects.holding_seats().count() == 1


def test_leaving_the_waitlist_keeps_the_others_in_line(run, line):
    decline_offer(booking=booking_of(line[3]), actor=line[3], now=LATER)
    assert status(line[3]) == BookingStatus.LEFT_WAITLIST
    assert [status(p) for p in (line[2], line[4])] == [BookingStatus.WAITLISTED] * 2
    free_a_seat(line)
    assert status(line[2]) == BookingStatus.OFFERED
    assert status(line[4]) == BookingStatus.WAITLISTED


def test_someone_who_left_the_waitlist_may_join_it_again_at_the_back(run, line,
                                                                     without_supervision):
    decline_offer(booking=booking_of(line[2]), actor=line[2], now=LATER)
    again = book(participant=line[2], run_id=run.pk, option_id=without_supervision.pk,
                 payer=self_paying(), now=LATER)
    assert again.status == BookingStatus.WAITLISTED
    cancel_booking(booking=booking_of(line[0]), actor=line[0], now=LATER)
    assert status(line[3]) == BookingStatus.OFFERED
    assert again.__class__.objects.get(pk=again.pk).status == BookingStatus.WAITLISTED
