"""My training: /my-training/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.bookings.conftest import NOW, RUN_DAYS, self_paying
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory, VatRateFactory
from trainingdesk.bookings.models import Booking
from trainingdesk.bookings.services import book, cancel_booking, record_payment

URL = "/my-training/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def book_self(person, run, option) -> Booking:
    return book(participant=person, run_id=run.pk, option_id=option.pk, payer=self_paying(),
                now=NOW)


def fill(run, option) -> list[Booking]:
    return [book_self(p, run, option) for p in UserFactory.create_batch(2)]


def another_run(**kwargs):
    VatRateFactory()
    run = CourseRunFactory(days=[d.replace(year=2028) for d in RUN_DAYS], **kwargs)
    return run, PriceOptionFactory(run=run, name="Foundation only", net_amount=Decimal("500"))


def test_the_url_is_named_my_training():
    assert reverse("bookings:my_training") == URL


def test_a_confirmed_place_shows_its_status_days_joining_link_and_invoice(
    client, participant, run, without_supervision
):
    booking = book_self(participant, run, without_supervision)
    invoice = booking.invoices.get()
    client.force_login(participant)
    page = client.get(URL).content.decode()
    assert "Coming up" in page
    assert "Confirmed" in page
    assert "Day 1: Tuesday 1 June 2027" in page
    assert "9am for 9:30am start, finish 4:30pm" in page
    assert 'href="https://zoom.us/j/123?pwd=secret"' in page
    assert f'href="/my-training/invoices/{invoice.number}.pdf"' in page
    assert "£600 to pay" in page


def test_a_waitlisted_place_shows_its_number_in_line_and_no_joining_link(
    client, participant, run, without_supervision
):
    fill(run, without_supervision)
    book_self(participant, run, without_supervision)
    client.force_login(participant)
    page = client.get(URL).content.decode()
    assert "On the waitlist" in page
    assert "Number 1 in line" in page
    assert "zoom.us" not in page
    assert "Nothing to pay" in page


def test_an_open_offer_shows_accept_and_decline_and_when_it_expires(
    client, participant, run, without_supervision
):
    first, _second = fill(run, without_supervision)
    mine = book_self(participant, run, without_supervision)
    cancel_booking(booking=first, actor=first.participant, now=NOW)
    client.force_login(participant)
    page = client.get(URL).content.decode()
    assert "Place offered" in page
    # 48 hours from 10am UTC on 1 March 2027 is 10am on 3 March, UK time (GMT).
    assert "The offer is open until 10am on Wednesday 3 March 2027 (UK time (GMT))" in page
    assert reverse("bookings:accept_offer", args=[mine.reference]) in page
    assert reverse("bookings:decline_offer", args=[mine.reference]) in page
    assert "zoom.us" not in page


def test_a_cancelled_place_is_listed_apart_with_its_credit_note_and_no_joining_link(
    client, participant, run, without_supervision
):
    booking = book_self(participant, run, without_supervision)
    cancel_booking(booking=booking, actor=participant, now=NOW)
    credit_note = booking.invoices.get(kind="credit_note")
    client.force_login(participant)
    response = client.get(URL)
    assert [r.booking for r in response.context["cancelled"]] == [booking]
    assert response.context["upcoming"] == []
    page = response.content.decode()
    assert f"Credit note {credit_note.number}" in page
    assert "zoom.us" not in page


def test_a_finished_run_is_listed_under_past_training_without_its_joining_link(
    client, participant, run, without_supervision
):
    booking = book_self(participant, run, without_supervision)
    with time_machine.travel(dt.datetime(2027, 10, 1, tzinfo=dt.UTC), tick=False):
        client.force_login(participant)
        response = client.get(URL)
    assert [r.booking for r in response.context["past"]] == [booking]
    assert "zoom.us" not in response.content.decode()


def test_a_payment_brings_the_balance_down(client, participant, coordinator, run, without_supervision):
    booking = book_self(participant, run, without_supervision)
    record_payment(booking=booking, amount=Decimal("200.00"), received_on=NOW.date(),
                   method="bank_transfer", reference="BACS", actor=coordinator)
    client.force_login(participant)
    assert "£400 to pay" in client.get(URL).content.decode()


def test_days_are_shown_in_uk_time_and_in_the_participants_own_zone(
    client, participant, run, without_supervision
):
    participant.time_zone = "Asia/Tokyo"
    participant.save()
    book_self(participant, run, without_supervision)
    client.force_login(participant)
    page = client.get(URL).content.decode()
    assert "UK time (BST)" in page
    assert ("In your time zone, Asia/Tokyo (JST): Tuesday 1 June 2027, "
            "5pm for 5:30pm start, finish 12:30am on Wednesday 2 June 2027") in page


def test_it_lists_only_the_participants_own_bookings(
    client, participant, outsider, run, without_supervision
):
    book_self(outsider, run, without_supervision)
    client.force_login(participant)
    page = client.get(URL).content.decode()
    assert "You have not booked any training yet." in page
    assert "Summer 2027" not in page


def test_upcoming_places_are_listed_soonest_first(client, participant, run, without_supervision):
    later, later_option = another_run()
    book_self(participant, later, later_option)
    soon = book_self(participant, run, without_supervision)
    client.force_login(participant)
    rows = client.get(URL).context["upcoming"]
    assert rows[0].booking == soon


@pytest.mark.parametrize("bookings", [1, 10])
def test_the_number_of_queries_does_not_grow_with_the_bookings(
    client, participant, coordinator, bookings, django_assert_num_queries
):
    for index in range(bookings):
        run, option = another_run()
        booking = book_self(participant, run, option)
        if index % 2:
            cancel_booking(booking=booking, actor=participant, now=NOW)
        else:
            record_payment(booking=booking, amount=Decimal("100.00"), received_on=NOW.date(),
                           method="card", reference="", actor=coordinator)
    client.force_login(participant)
    # Session, user, their roles (for the navigation), bookings with balance and place in line,
    # days, invoices; the footer's provider.
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert response.status_code == 200
