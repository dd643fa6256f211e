"""One booking's page, /my-training/<reference>/, and what the participant can do from it:
cancel, accept or decline an offer, leave the waitlist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory
from trainingdesk.bookings.models import Booking, BookingStatus, CancellationTerm
from trainingdesk.bookings.services import book, cancel_booking


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def terms(run) -> None:
    provider = run.level.programme.provider
    CancellationTerm.objects.create(provider=provider, days_notice=28, refund_percent=Decimal(100))
    CancellationTerm.objects.create(provider=provider, days_notice=7, refund_percent=Decimal(50))


def book_self(person, run, option) -> Booking:
    return book(participant=person, run_id=run.pk, option_id=option.pk, payer=self_paying(),
                now=NOW)


def offered(run, option, participant) -> Booking:
    """Two people fill the run, the participant waits, and the first cancels: an offer."""
    first, _second = [book_self(p, run, option) for p in UserFactory.create_batch(2)]
    mine = book_self(participant, run, option)
    cancel_booking(booking=first, actor=first.participant, now=NOW)
    mine.refresh_from_db()
    assert mine.status == BookingStatus.OFFERED
    return mine


def url(booking: Booking, name: str = "detail") -> str:
    return reverse(f"bookings:{name}", args=[booking.reference])


def test_a_confirmed_place_shows_its_joining_link_calendar_and_the_terms_that_apply_now(
    client, participant, run, without_supervision, terms
):
    booking = book_self(participant, run, without_supervision)
    client.force_login(participant)
    page = client.get(url(booking)).content.decode()
    assert 'href="https://zoom.us/j/123?pwd=secret"' in page
    assert url(booking, "calendar") in page
    assert "If you cancel today, 92 days before the first day, you get the whole price back." in page
    assert url(booking, "cancel") in page


def test_closer_to_the_first_day_the_terms_keep_part_of_the_price(
    client, participant, run, without_supervision, terms
):
    booking = book_self(participant, run, without_supervision)
    with time_machine.travel(dt.datetime(2027, 5, 20, 12, tzinfo=dt.UTC), tick=False):
        client.force_login(participant)
        page = client.get(url(booking)).content.decode()
    assert ("If you cancel today, 12 days before the first day, you get 50% of the price back "
            "(£300); £300 is charged under the cancellation terms.") in page


def test_cancelling_asks_first_then_credits_the_invoice_and_frees_the_seat(
    client, participant, run, without_supervision, terms
):
    booking = book_self(participant, run, without_supervision)
    client.force_login(participant)
    confirm = client.get(url(booking, "cancel")).content.decode()
    assert "Cancel your place on Foundation: Summer 2027?" in confirm
    assert "you get the whole price back" in confirm
    response = client.post(url(booking, "cancel"), {"reason": "Changed jobs"}, follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancellation_reason == "Changed jobs"
    assert booking.invoices.filter(kind="credit_note").count() == 1
    assert f"Your booking {booking.reference} is cancelled" in response.content.decode()


def test_once_the_run_has_started_the_participant_is_told_to_ask_the_coordinator(
    client, participant, run, without_supervision
):
    booking = book_self(participant, run, without_supervision)
    with time_machine.travel(dt.datetime(2027, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        client.force_login(participant)
        page = client.get(url(booking)).content.decode()
        client.post(url(booking, "cancel"))
    assert "This run has started. To cancel, contact the training coordinator." in page
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_an_open_offer_can_be_accepted_and_is_then_invoiced(
    client, participant, run, without_supervision
):
    mine = offered(run, without_supervision, participant)
    client.force_login(participant)
    page = client.get(url(mine)).content.decode()
    assert "A place has come up for you." in page
    assert "zoom.us" not in page
    response = client.post(url(mine, "accept_offer"), follow=True)
    mine.refresh_from_db()
    assert mine.status == BookingStatus.CONFIRMED
    assert mine.invoices.count() == 1
    assert "Your place is confirmed" in response.content.decode()


def test_an_expired_offer_cannot_be_accepted(client, participant, run, without_supervision):
    mine = offered(run, without_supervision, participant)
    with time_machine.travel(NOW + dt.timedelta(hours=49), tick=False):
        client.force_login(participant)
        response = client.post(url(mine, "accept_offer"), follow=True)
    mine.refresh_from_db()
    assert mine.status == BookingStatus.LEFT_WAITLIST
    assert "this offer has expired" in response.content.decode()
    assert not mine.invoices.exists()


def test_declining_an_offer_passes_the_place_to_the_next_in_line(
    client, participant, run, without_supervision
):
    mine = offered(run, without_supervision, participant)
    next_in_line = book_self(UserFactory(), run, without_supervision)
    client.force_login(participant)
    client.post(url(mine, "decline_offer"))
    mine.refresh_from_db()
    next_in_line.refresh_from_db()
    assert mine.status == BookingStatus.LEFT_WAITLIST
    assert next_in_line.status == BookingStatus.OFFERED


def test_a_waitlisted_participant_can_leave_the_waitlist(client, participant, run, without_supervision):
    for person in UserFactory.create_batch(2):
        book_self(person, run, without_supervision)
    mine = book_self(participant, run, without_supervision)
    client.force_login(participant)
    page = client.get(url(mine)).content.decode()
    assert "Number 1 in line" in page
    response = client.post(url(mine, "leave_waitlist"), follow=True)
    mine.refresh_from_db()
    assert mine.status == BookingStatus.LEFT_WAITLIST
    assert "You have left the waitlist." in response.content.decode()


def test_leaving_the_waitlist_with_a_confirmed_place_changes_nothing(
    client, participant, run, without_supervision
):
    booking = book_self(participant, run, without_supervision)
    client.force_login(participant)
    response = client.post(url(booking, "leave_waitlist"), follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert "You are not on the waitlist for this run." in response.content.decode()


def test_the_coordinator_sees_whose_booking_it_is_without_the_participants_buttons(
    client, participant, coordinator, run, without_supervision, terms
):
    booking = book_self(participant, run, without_supervision)
    client.force_login(coordinator)
    page = client.get(url(booking)).content.decode()
    assert "You are looking at the booking of Pat Participant (pat@example.org)" in page
    assert url(booking, "cancel") not in page
