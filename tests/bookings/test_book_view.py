"""The booking page: /courses/runs/<id>/book/."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from tests.bookings.conftest import NOW, self_paying
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory
from tests.html import text_of
from trainingdesk.accounts.models import Organisation
from trainingdesk.bookings.models import Booking, BookingStatus, DiscountCode
from trainingdesk.bookings.services import book
from trainingdesk.catalogue.models import Audience, RunStatus
from trainingdesk.invoicing.models import Invoice


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def url(run) -> str:
    return reverse("bookings:book", args=[run.pk])


def form_data(option, **overrides: Any) -> dict[str, Any]:
    return {
        "option": option.pk, "payer": "self", "billing_name": "Pat Participant",
        "billing_address": "1 High Street\nLeeds", "billing_postcode": "LS1 1AA",
        "invoice_email": "pat@example.org", "submission_token": str(uuid.uuid4()),
        "accept_terms": "on", **overrides,
    }


def employer_data(option, organisation: Organisation, **overrides: Any) -> dict[str, Any]:
    return form_data(option, payer="employer", organisation=organisation.pk, billing_name="",
                     billing_address="", billing_postcode="", invoice_email="", **overrides)


@pytest.fixture
def council(db: None) -> Organisation:
    return Organisation.objects.create(
        name="Leeds City Council", billing_address="Civic Hall\nLeeds", postcode="LS1 1UR",
        invoice_email="invoices@leeds.example.org", requires_purchase_order=True,
    )


# --- the form --------------------------------------------------------------------------------

def test_the_form_shows_each_option_with_the_price_to_pay_then_net_and_vat_and_its_supervision(
    client, participant, run, with_supervision, without_supervision
):
    client.force_login(participant)
    page = client.get(url(run)).content.decode()
    assert "With group supervision" in page
    assert "£792 (£660 + £132 VAT)" in text_of(page)
    assert "£600 (£500 + £100 VAT)" in text_of(page)
    assert "Includes 12 hours of group supervision" in page
    assert "<legend>Choose an option</legend>" in page
    assert "<legend>Who is paying?</legend>" in page


def test_the_self_payers_details_are_prefilled_from_the_profile(
    client, participant, run, without_supervision
):
    client.force_login(participant)
    form = client.get(url(run)).context["form"]
    assert form["billing_name"].value() == "Pat Participant"
    assert form["invoice_email"].value() == "pat@example.org"
    assert uuid.UUID(str(form["submission_token"].value()))


def test_each_showing_of_the_form_carries_a_new_submission_token(
    client, participant, run, without_supervision
):
    client.force_login(participant)
    first = client.get(url(run)).context["form"]["submission_token"].value()
    second = client.get(url(run)).context["form"]["submission_token"].value()
    assert first != second


def test_a_members_option_is_shown_disabled_with_a_reason_to_a_non_member(
    client, participant, run, without_supervision
):
    members = PriceOptionFactory(run=run, name="Members' rate", net_amount=Decimal("400"),
                                 audience=Audience.MEMBERS, position=3)
    client.force_login(participant)
    page = client.get(url(run)).content.decode()
    assert f'value="{members.pk}" id="id_option_unavailable_0" disabled' in page
    assert "For members only" in page


def test_a_non_member_who_posts_a_members_option_anyway_is_refused(
    client, participant, run, without_supervision
):
    members = PriceOptionFactory(run=run, name="Members' rate", net_amount=Decimal("400"),
                                 audience=Audience.MEMBERS, position=3)
    client.force_login(participant)
    response = client.post(url(run), form_data(members))
    assert response.context["form"].errors["option"] == ["Choose one of this run's options."]
    assert not Booking.objects.exists()


def test_a_member_can_book_the_members_option(client, participant, run):
    participant.is_member = True
    participant.save()
    members = PriceOptionFactory(run=run, name="Members' rate", net_amount=Decimal("400"),
                                 audience=Audience.MEMBERS)
    client.force_login(participant)
    client.post(url(run), form_data(members))
    assert Booking.objects.get().option_name == "Members' rate"


def test_an_option_past_its_last_day_is_not_offered(client, participant, run, without_supervision):
    PriceOptionFactory(run=run, name="Early bird", net_amount=Decimal("450"),
                       available_until=dt.date(2027, 2, 1))
    client.force_login(participant)
    assert "Early bird" not in client.get(url(run)).content.decode()


# --- booking ---------------------------------------------------------------------------------

def test_booking_a_free_seat_confirms_it_and_goes_to_the_booking_with_a_message(
    client, participant, run, with_supervision
):
    client.force_login(participant)
    response = client.post(url(run), form_data(with_supervision), follow=True)
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert response.redirect_chain == [(booking.get_absolute_url(), 302)]
    assert "Your place is confirmed" in response.content.decode()
    assert booking.invoices.get().total_gross == Decimal("792.00")


def test_booking_a_full_run_joins_the_waitlist_and_says_the_number_in_line(
    client, participant, run, without_supervision
):
    for person in UserFactory.create_batch(2):
        book(participant=person, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(), now=NOW)
    client.force_login(participant)
    response = client.post(url(run), form_data(without_supervision), follow=True)
    booking = Booking.objects.get(participant=participant)
    assert booking.status == BookingStatus.WAITLISTED
    assert "The run is full: you are on the waitlist, number 1 in line" in response.content.decode()
    assert not booking.invoices.exists()


def test_the_demo_run_with_supervision_is_invoiced_at_660_plus_132_vat_making_792(
    client, brochure
):
    from trainingdesk.accounts.models import User
    from trainingdesk.catalogue.demo import PARTICIPANT_EMAIL

    alex = User.objects.get(email=PARTICIPANT_EMAIL)
    run = brochure.upcoming[0]
    option = run.options.get(supervision_hours=12)
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        client.force_login(alex)
        response = client.post(url(run), form_data(option, billing_name="Alex Participant"))
        booking = Booking.objects.get(participant=alex)
        assert response.status_code == 302
        invoice = Invoice.objects.get(bookings=booking)
        pdf = client.get(reverse("invoicing:pdf", args=[invoice.number]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "£660.00" in text
    assert "£132.00" in text
    assert "£792.00" in text


def test_an_employer_from_the_list_is_invoiced_at_its_own_address(
    client, participant, run, without_supervision, council
):
    client.force_login(participant)
    client.post(url(run), employer_data(without_supervision, council, purchase_order="PO-1234"))
    booking = Booking.objects.get()
    assert (booking.organisation, booking.billing_name, booking.invoice_email,
            booking.purchase_order) == (council, "Leeds City Council",
                                        "invoices@leeds.example.org", "PO-1234")


def test_an_employer_not_in_the_list_is_invoiced_at_the_typed_details(
    client, participant, run, without_supervision
):
    client.force_login(participant)
    client.post(url(run), form_data(
        without_supervision, payer="employer", organisation_name="Bradford Schools Trust",
        organisation_address="1 School Lane\nBradford", organisation_postcode="bd1 1aa",
        organisation_email="accounts@bradford.example.org",
    ))
    booking = Booking.objects.get()
    assert (booking.billing_name, booking.billing_postcode, booking.invoice_email) == (
        "Bradford Schools Trust", "BD1 1AA", "accounts@bradford.example.org")


def test_submitting_the_same_form_twice_makes_one_booking(
    client, participant, run, without_supervision
):
    client.force_login(participant)
    data = form_data(without_supervision)
    first = client.post(url(run), data)
    second = client.post(url(run), data)
    booking = Booking.objects.get()
    assert first["Location"] == second["Location"] == booking.get_absolute_url()
    assert Invoice.objects.count() == 1


# --- refusals shown at the field -------------------------------------------------------------

def test_a_missing_purchase_order_number_is_shown_at_the_field_and_nothing_is_saved(
    client, participant, run, without_supervision, council
):
    client.force_login(participant)
    response = client.post(url(run), employer_data(without_supervision, council))
    assert response.status_code == 200
    assert response.context["form"].errors["purchase_order"] == [
        "Leeds City Council requires a purchase-order number."]
    page = response.content.decode()
    assert '<a href="#id_purchase_order">Leeds City Council requires a purchase-order number.</a>' in page
    assert 'id="id_purchase_order-error"' in page
    assert not Booking.objects.exists()
    assert not Invoice.objects.exists()


def test_a_malformed_invoice_email_is_shown_at_the_field(client, participant, run, without_supervision):
    client.force_login(participant)
    response = client.post(url(run), form_data(without_supervision, invoice_email="pat@"))
    assert response.context["form"].errors["invoice_email"] == [
        "Enter an email address for the invoice, like name@example.org."]
    assert not Booking.objects.exists()


def test_a_malformed_employer_postcode_is_shown_at_the_employer_field(
    client, participant, run, without_supervision
):
    client.force_login(participant)
    response = client.post(url(run), form_data(
        without_supervision, payer="employer", organisation_name="Trust",
        organisation_address="1 Lane", organisation_postcode="!!!",
        organisation_email="a@example.org",
    ))
    errors = response.context["form"].errors
    assert errors["organisation_postcode"] == ["Enter a real postcode, like SW1A 1AA."]
    assert "billing_postcode" not in errors
    assert not Booking.objects.exists()


def test_a_missing_choice_of_option_links_to_the_first_radio(client, participant, run, without_supervision):
    client.force_login(participant)
    data = form_data(without_supervision)
    del data["option"]
    page = client.post(url(run), data).content.decode()
    assert '<a href="#id_option_0">Choose an option.</a>' in page
    assert f'value="{without_supervision.pk}" id="id_option_0"' in page


@pytest.mark.parametrize(("code", "message"), [
    ("NOSUCH", "We do not recognise that discount code. Check it and try again."),
    ("OLD10", "The discount code OLD10 expired on 31 December 2026."),
    ("GONE10", "The discount code GONE10 has been used up."),
])
def test_a_discount_code_that_cannot_be_used_is_shown_at_the_field(
    client, participant, run, without_supervision, code, message
):
    DiscountCode.objects.create(code="OLD10", percent_off=Decimal(10),
                                valid_until=dt.date(2026, 12, 31))
    DiscountCode.objects.create(code="GONE10", percent_off=Decimal(10), max_uses=1, times_used=1)
    client.force_login(participant)
    response = client.post(url(run), form_data(without_supervision, discount_code=code))
    assert response.context["form"].errors["discount_code"] == [message]
    assert not Booking.objects.exists()
    assert DiscountCode.objects.get(code="GONE10").times_used == 1


def test_a_valid_discount_code_takes_its_percentage_off_the_net(
    client, participant, run, without_supervision
):
    DiscountCode.objects.create(code="STAFF10", percent_off=Decimal(10))
    client.force_login(participant)
    client.post(url(run), form_data(without_supervision, discount_code="staff10"))
    booking = Booking.objects.get()
    assert (booking.net, booking.vat, booking.gross) == (Decimal("450.00"), Decimal("90.00"),
                                                         Decimal("540.00"))


# --- runs that cannot be booked --------------------------------------------------------------

def test_booking_a_cancelled_run_is_refused_with_a_message(client, participant, run, without_supervision):
    run.status = RunStatus.CANCELLED
    run.save()
    client.force_login(participant)
    response = client.post(url(run), form_data(without_supervision))
    page = response.content.decode()
    assert "This run has been cancelled and cannot be booked." in page
    assert "There is a problem" in page
    assert not Booking.objects.exists()


def test_the_page_of_a_cancelled_run_says_so_without_a_form(client, participant, run, without_supervision):
    run.status = RunStatus.CANCELLED
    run.save()
    client.force_login(participant)
    page = client.get(url(run)).content.decode()
    assert "You cannot book this run." in page
    assert "This run has been cancelled" in page
    assert "<form method=\"post\" action=\"/courses" not in page


def test_booking_a_past_run_is_refused(client, participant, brochure):
    past = brochure.summer_2022
    option = past.options.first()
    with time_machine.travel(dt.datetime(2026, 11, 26, tzinfo=dt.UTC), tick=False):
        client.force_login(participant)
        page = client.get(url(past)).content.decode()
        response = client.post(url(past), form_data(option))
    assert "This run has finished" in page
    assert "Book my place" not in page
    assert "There is a problem" in response.content.decode()
    assert not Booking.objects.exists()


def test_booking_after_booking_has_closed_is_refused(client, participant, run, without_supervision):
    with time_machine.travel(dt.datetime(2027, 5, 26, tzinfo=dt.UTC), tick=False):
        client.force_login(participant)
        response = client.post(url(run), form_data(without_supervision))
    assert "Booking for this run has closed." in response.content.decode()
    assert not Booking.objects.exists()


def test_a_draft_run_cannot_be_booked_or_even_found(client, participant, run, without_supervision):
    run.status = RunStatus.DRAFT
    run.save()
    client.force_login(participant)
    assert client.get(url(run)).status_code == 404
    assert client.post(url(run), form_data(without_supervision)).status_code == 404
    assert not Booking.objects.exists()


def test_a_level_that_needs_an_approved_application_cannot_be_booked_here(
    client, participant, run, without_supervision
):
    run.level.requires_approved_application = True
    run.level.save()
    client.force_login(participant)
    page = client.get(url(run)).content.decode()
    assert "need an approved application first" in page
    assert "Book my place" not in page
    response = client.post(url(run), form_data(without_supervision))
    assert "need an approved application first" in response.content.decode()
    assert not Booking.objects.exists()


def test_booking_a_run_twice_is_refused_and_points_to_the_first_booking(
    client, participant, run, without_supervision
):
    first = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                 payer=self_paying(), now=NOW)
    client.force_login(participant)
    page = client.get(url(run)).content.decode()
    assert first.get_absolute_url() in page
    response = client.post(url(run), form_data(without_supervision))
    assert "You already have a place" in response.content.decode()
    assert Booking.objects.count() == 1


def test_a_run_page_links_to_the_booking_page(client, run, without_supervision):
    page = client.get(run.get_absolute_url()).content.decode()
    assert url(run) in page


def test_an_unpublished_run_of_another_level_is_not_found(client, participant):
    other = CourseRunFactory(status=RunStatus.DRAFT)
    client.force_login(participant)
    assert client.get(url(other)).status_code == 404


def test_a_billing_name_with_hidden_direction_controls_is_refused_beside_the_field(
    client, participant, run, without_supervision
):
    client.force_login(participant)
    response = client.post(url(run), form_data(without_supervision, billing_name="Alex \u202eParticipant"))
    assert response.status_code == 200
    assert "hidden direction-control characters" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_cancellation_terms_are_shown_before_booking(client, participant, run, without_supervision):
    from trainingdesk.bookings.models import CancellationTerm

    provider = run.level.programme.provider
    CancellationTerm.objects.filter(provider=provider).delete()
    CancellationTerm.objects.create(provider=provider, days_notice=28, refund_percent=100)
    CancellationTerm.objects.create(provider=provider, days_notice=14, refund_percent=50)
    client.force_login(participant)
    html = " ".join(client.get(url(run)).content.decode().split())
    assert "Cancel at least 28 days before the first day: 100% of the price back." in html
    assert "Cancel at least 14 days before the first day: 50% of the price back." in html
    assert "With less notice: nothing back; the whole price is charged." in html
    assert 'name="accept_terms"' in html


def test_booking_without_accepting_the_terms_is_refused_and_nothing_is_saved(
    client, participant, run, without_supervision
):
    client.force_login(participant)
    data = form_data(without_supervision)
    del data["accept_terms"]
    response = client.post(url(run), data)
    assert response.status_code == 200
    assert "Read the cancellation terms and accept them to book a place." in response.content.decode()
    assert not Booking.objects.exists()


def test_the_booking_records_when_the_terms_were_accepted(client, participant, run, without_supervision):
    client.force_login(participant)
    client.post(url(run), form_data(without_supervision))
    assert Booking.objects.get().terms_accepted_at == NOW
