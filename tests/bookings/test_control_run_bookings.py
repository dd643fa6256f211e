"""/control/runs/<id>/bookings/: a run's bookings, and cancelling, transferring, recording payments
and cancelling the run from there."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.bookings.conftest import NOW, self_paying
from tests.factories import CourseRunFactory, LevelFactory, PriceOptionFactory, UserFactory
from trainingdesk.accounts.models import Organisation
from trainingdesk.audit.models import AuditEntry
from trainingdesk.bookings import services
from trainingdesk.bookings.models import Booking, BookingStatus, Payer
from trainingdesk.catalogue.models import RunStatus
from trainingdesk.invoicing.models import DocumentKind, Invoice, Payment

TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(run) -> str:
    return reverse("control:run_bookings", args=[run.pk])


def _book(run, option, person=None, payer=None) -> Booking:
    return services.book(participant=person or UserFactory(), run_id=run.pk, option_id=option.pk,
                         payer=payer or self_paying())


def _pay(booking, coordinator, amount: str) -> Payment:
    return services.record_payment(booking=booking, amount=Decimal(amount), received_on=TODAY,
                                   method="bank_transfer", reference="BACS", actor=coordinator)


def _employer_paying() -> services.PayerDetails:
    council = Organisation.objects.create(
        name="Leeds City Council", billing_address="Civic Hall\nLeeds", postcode="LS1 1UR",
        invoice_email="invoices@leeds.example.org", requires_purchase_order=True)
    return services.PayerDetails(payer=Payer.EMPLOYER, organisation_id=council.pk,
                                 purchase_order="PO-4471")


@pytest.fixture
def later_run(run, without_supervision):
    """Another run of the same level, in the autumn, with the same option."""
    later = CourseRunFactory(level=run.level, title="Autumn 2027", capacity=2,
                             days=[dt.date(2027, 10, 5), dt.date(2027, 10, 6)])
    PriceOptionFactory(run=later, name="Foundation only", net_amount=Decimal("500"))
    return later


# --- the list --------------------------------------------------------------------------------

def test_it_shows_each_booking_with_payer_documents_and_balance(
    client, coordinator, run, without_supervision, participant
):
    mine = _book(run, without_supervision, participant)
    theirs = _book(run, without_supervision, payer=_employer_paying())
    _pay(mine, coordinator, "100.00")
    client.force_login(coordinator)
    response = client.get(_url(run))
    rows = {row.booking.pk: row for row in response.context["rows"]}
    assert rows[mine.pk].booking.invoiced == Decimal("600.00")
    assert rows[mine.pk].booking.paid == Decimal("100.00")
    assert rows[mine.pk].booking.balance == Decimal("500.00")
    assert [d.number for d in rows[theirs.pk].documents] == ["INV-000002"]
    page = response.content.decode()
    assert "Leeds City Council" in page and "PO-4471" in page
    assert "£500 owed" in page
    assert "2 of 2 taken, 0 free" in page


def test_waitlisted_bookings_show_their_place_in_line(client, coordinator, run, without_supervision):
    _book(run, without_supervision)
    _book(run, without_supervision)
    first, second = _book(run, without_supervision), _book(run, without_supervision)
    client.force_login(coordinator)
    response = client.get(_url(run), {"status": "waitlisted"})
    assert [(r.booking.pk, r.waitlist_position) for r in response.context["rows"]] == [
        (first.pk, 1), (second.pk, 2)]
    assert "Number 2 in line" in response.content.decode()


def test_it_filters_by_status_payer_and_balance(client, coordinator, run, without_supervision):
    paid = _book(run, without_supervision)
    _pay(paid, coordinator, "600.00")
    employer = _book(run, without_supervision, payer=_employer_paying())
    waiting = _book(run, without_supervision)
    client.force_login(coordinator)

    def shown(**filters) -> set[int]:
        return {r.booking.pk for r in client.get(_url(run), filters).context["rows"]}

    assert shown(payer="employer") == {employer.pk}
    assert shown(balance="owed") == {employer.pk}
    assert shown(balance="settled") == {paid.pk, waiting.pk}
    assert shown(status="confirmed", payer="self") == {paid.pk}


def test_its_query_count_does_not_grow_with_the_bookings(
    client, coordinator, run, without_supervision, django_assert_num_queries
):
    run.capacity = 10
    run.save()
    _pay(_book(run, without_supervision), coordinator, "50.00")
    client.force_login(coordinator)
    client.get(_url(run))
    with CaptureQueriesContext(connection) as queries:
        client.get(_url(run))
    for _ in range(6):
        booking = _book(run, without_supervision, payer=_employer_paying())
        _pay(booking, coordinator, "10.00")
    with django_assert_num_queries(len(queries)):
        response = client.get(_url(run))
    assert len(response.context["rows"]) == 7


def test_the_csv_has_the_same_filtered_rows(client, coordinator, run, without_supervision):
    _book(run, without_supervision, UserFactory(full_name="=HYPERLINK(\"http://x\")"))
    employer = _book(run, without_supervision, payer=_employer_paying())
    _book(run, without_supervision)
    client.force_login(coordinator)
    response = client.get(reverse("control:run_bookings_csv", args=[run.pk]), {"status": "confirmed"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert header[:5] == ["reference", "participant", "email", "option", "status"]
    assert len(rows) == 2
    by_reference = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_reference[employer.reference]["organisation"] == "Leeds City Council"
    assert by_reference[employer.reference]["purchase_order"] == "PO-4471"
    assert by_reference[employer.reference]["balance"] == "600.00"
    assert "'=HYPERLINK(\"http://x\")" in {row[1] for row in rows}


# --- cancelling a booking --------------------------------------------------------------------

def test_cancelling_through_the_page_issues_a_credit_note_for_the_invoice(
    client, coordinator, run, without_supervision
):
    booking = _book(run, without_supervision)
    client.force_login(coordinator)
    response = client.post(reverse("control:cancel_booking", args=[booking.reference]),
                           {"reason": "Changed jobs", "full_refund": "on"})
    assert response.status_code == 302 and response["Location"] == _url(run)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancellation_reason == "Changed jobs"
    note = Invoice.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert note.credits == Invoice.objects.get(number="INV-000001")
    assert note.total_gross == Decimal("600.00")
    assert not Invoice.objects.filter(kind=DocumentKind.INVOICE).exclude(number="INV-000001").exists()
    assert AuditEntry.objects.filter(action="bookings.booking.cancelled", actor=coordinator).exists()


def test_cancelling_without_a_full_refund_follows_the_terms(client, coordinator, run,
                                                            without_supervision):
    booking = _book(run, without_supervision)  # the provider has no terms: nothing is refunded
    client.force_login(coordinator)
    client.post(reverse("control:cancel_booking", args=[booking.reference]), {"reason": "No-show"})
    charge = Invoice.objects.filter(kind=DocumentKind.INVOICE).exclude(number="INV-000001").get()
    assert charge.total_gross == Decimal("600.00")
    assert Booking.objects.with_balance().get(pk=booking.pk).balance == Decimal("600.00")


def test_cancelling_without_a_reason_shows_a_message_at_the_field_and_changes_nothing(
    client, coordinator, run, without_supervision
):
    booking = _book(run, without_supervision)
    client.force_login(coordinator)
    response = client.post(reverse("control:cancel_booking", args=[booking.reference]),
                           {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Enter the reason for cancelling."]}
    assert 'class="field__error" id="id_reason-error"' in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Invoice.objects.count() == 1


def test_cancelling_a_cancelled_booking_says_so(client, coordinator, run, without_supervision):
    booking = _book(run, without_supervision)
    services.cancel_booking(booking=booking, actor=coordinator, reason="Ill", full_refund=True)
    client.force_login(coordinator)
    response = client.post(reverse("control:cancel_booking", args=[booking.reference]),
                           {"reason": "Again"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["This booking is already cancelled."]
    assert Invoice.objects.count() == 2


# --- recording payments ----------------------------------------------------------------------

def test_the_payment_date_is_prefilled_in_the_format_a_date_input_accepts(
    client, coordinator, run, without_supervision
):
    # A date input ignores any value but YYYY-MM-DD, so a British "25/11/2026" showed as empty.
    booking = _book(run, without_supervision)
    client.force_login(coordinator)
    response = client.get(reverse("control:record_payment", args=[booking.reference]),
                          headers={"accept-language": "en-GB"})
    assert f'value="{TODAY.isoformat()}"' in response.content.decode()


def test_recording_part_payments_reduces_the_balance(client, coordinator, run, without_supervision):
    booking = _book(run, without_supervision)
    client.force_login(coordinator)
    url = reverse("control:record_payment", args=[booking.reference])
    for amount in ("200.00", "150.50"):
        response = client.post(url, {"received_on": "2027-02-27", "amount": amount,
                                     "method": "bank_transfer", "reference": "LEEDS 123",
                                     "kind": "payment", "invoice": "INV-000001"})
        assert response.status_code == 302
    payments = list(Payment.objects.filter(invoice__bookings=booking))
    assert [p.amount for p in payments] == [Decimal("200.00"), Decimal("150.50")]
    assert payments[0].invoice and payments[0].invoice.number == "INV-000001"
    assert payments[0].recorded_by == coordinator
    assert Booking.objects.with_balance().get(pk=booking.pk).balance == Decimal("249.50")


@pytest.mark.parametrize(("amount", "method", "message"), [
    ("0", "bank_transfer", "Enter an amount greater than zero, like 250.00."),
    ("-50", "card", "Enter an amount greater than zero, like 250.00."),
    ("600.01", "card", "That is more than the £600.00 still owed on invoice INV-000001."),
    ("abc", "card", "Enter an amount in pounds, like 396.00."),
])
def test_a_bad_amount_shows_a_message_at_the_field_and_records_nothing(
    client, coordinator, run, without_supervision, amount, method, message
):
    booking = _book(run, without_supervision)
    client.force_login(coordinator)
    response = client.post(reverse("control:record_payment", args=[booking.reference]),
                           {"received_on": "2027-02-27", "amount": amount, "method": method,
                            "kind": "payment", "invoice": "INV-000001"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"amount": [message]}
    assert 'href="#id_amount"' in response.content.decode()
    assert not Payment.objects.exists()


def test_a_payment_dated_in_the_future_is_refused_at_the_date(client, coordinator, run,
                                                              without_supervision):
    booking = _book(run, without_supervision)
    client.force_login(coordinator)
    response = client.post(reverse("control:record_payment", args=[booking.reference]),
                           {"received_on": "2027-04-01", "amount": "10", "method": "card",
                            "kind": "payment", "invoice": "INV-000001"})
    assert response.context["form"].errors == {
        "received_on": ["The date cannot be in the future."]}
    assert not Payment.objects.exists()


# --- transferring ----------------------------------------------------------------------------

def test_transferring_moves_the_booking_and_keeps_its_payments(
    client, coordinator, run, without_supervision, later_run
):
    booking = _book(run, without_supervision)
    _pay(booking, coordinator, "600.00")
    client.force_login(coordinator)
    url = reverse("control:transfer_booking", args=[booking.reference])
    page = client.get(url).content.decode()
    assert "Autumn 2027 (5 October 2027), 2 of 2 places free" in page
    response = client.post(url, {"to_run": later_run.pk, "to_option": ""})
    assert response.status_code == 302 and response["Location"] == _url(later_run)
    booking = Booking.objects.with_balance().get(pk=booking.pk)
    assert booking.run == later_run and booking.status == BookingStatus.CONFIRMED
    assert booking.option.run == later_run
    assert [p.amount for p in Payment.objects.filter(invoice__bookings=booking)] == [Decimal("600.00")]
    assert Payment.objects.get().invoice.number == "INV-000002"  # moved to the new invoice
    assert (booking.invoiced, booking.paid, booking.balance) == (
        Decimal("600.00"), Decimal("600.00"), Decimal("0.00"))
    assert sorted(booking.invoices.values_list("number", flat=True)) == [
        "CN-000001", "INV-000001", "INV-000002"]


def test_transfer_to_a_full_run_shows_a_message_at_the_field_and_changes_nothing(
    client, coordinator, run, without_supervision, later_run
):
    booking = _book(run, without_supervision)
    option = later_run.options.get()
    _book(later_run, option)
    _book(later_run, option)
    client.force_login(coordinator)
    url = reverse("control:transfer_booking", args=[booking.reference])
    assert "Autumn 2027" not in client.get(url).content.decode()  # not offered
    response = client.post(url, {"to_run": later_run.pk})
    assert response.status_code == 200
    assert response.context["form"].errors == {"to_run": ["That run is full."]}
    booking.refresh_from_db()
    assert booking.run == run
    assert not Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).exists()


def test_transfer_to_another_level_shows_a_message_at_the_field_and_changes_nothing(
    client, coordinator, run, without_supervision
):
    booking = _book(run, without_supervision)
    advanced = CourseRunFactory(level=LevelFactory(programme=run.level.programme, name="Advanced"),
                                days=[dt.date(2027, 10, 5)])
    PriceOptionFactory(run=advanced, name="Foundation only")
    client.force_login(coordinator)
    response = client.post(reverse("control:transfer_booking", args=[booking.reference]),
                           {"to_run": advanced.pk})
    assert response.context["form"].errors == {
        "to_run": ["A booking can only move to a run of the same level."]}
    booking.refresh_from_db()
    assert booking.run == run


def test_transfer_with_an_option_of_another_run_is_refused_at_the_option(
    client, coordinator, run, without_supervision, with_supervision, later_run
):
    booking = _book(run, without_supervision)
    client.force_login(coordinator)
    response = client.post(reverse("control:transfer_booking", args=[booking.reference]),
                           {"to_run": later_run.pk, "to_option": with_supervision.pk})
    assert response.context["form"].errors == {"to_option": ["Choose one of that run's options."]}
    booking.refresh_from_db()
    assert booking.run == run


# --- cancelling the run ----------------------------------------------------------------------

def test_cancelling_the_run_cancels_every_booking_and_says_how_many(
    client, coordinator, run, without_supervision
):
    confirmed = [_book(run, without_supervision), _book(run, without_supervision)]
    waiting = _book(run, without_supervision)
    client.force_login(coordinator)
    response = client.post(reverse("control:cancel_run", args=[run.pk]),
                           {"reason": "The trainer is ill", "confirm": "on"}, follow=True)
    assert "3 bookings were cancelled and credited" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert {b.status for b in Booking.objects.filter(pk__in=[b.pk for b in confirmed])} == {
        BookingStatus.CANCELLED}
    assert Booking.objects.get(pk=waiting.pk).status == BookingStatus.LEFT_WAITLIST
    assert Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).count() == 2


def test_cancelling_the_run_needs_a_reason_and_a_confirmation(client, coordinator, run,
                                                              without_supervision):
    _book(run, without_supervision)
    client.force_login(coordinator)
    response = client.post(reverse("control:cancel_run", args=[run.pk]), {"reason": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"reason", "confirm"}
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    assert Booking.objects.get().status == BookingStatus.CONFIRMED


def test_a_refund_over_what_was_paid_is_refused_at_the_amount_and_a_refund_reads_as_one(
    client, coordinator, run, with_supervision
):
    booking = _book(run, with_supervision)
    _pay(booking, coordinator, "792.00")
    client.force_login(coordinator)
    url = reverse("control:record_payment", args=[booking.reference])
    refund = {"received_on": "2027-02-27", "method": "bank_transfer", "kind": "refund",
              "invoice": "INV-000001"}
    response = client.post(url, {**refund, "amount": "900.00"})
    assert response.context["form"].errors == {
        "amount": ["That is more than the £792.00 paid on invoice INV-000001."]}
    assert Payment.objects.count() == 1
    response = client.post(url, {**refund, "amount": "92.00"}, follow=True)
    page = response.content.decode()
    assert "Refund of £92.00 recorded against invoice INV-000001" in page
    assert "£-92" not in page and "-£92" not in page
    summary = client.get(url).content.decode()
    assert "Payment of £792.00" in summary and "Refund of £92.00" in summary
