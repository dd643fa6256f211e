from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tests.bookings.conftest import NOW, self_paying
from tests.factories import LevelFactory, PriceOptionFactory, UserFactory
from trainingdesk.accounts.models import Organisation
from trainingdesk.bookings.models import Booking, BookingStatus, DiscountCode, Payer
from trainingdesk.bookings.services import PayerDetails, accept_offer, book
from trainingdesk.catalogue.models import (
    Audience,
    CourseRun,
    Level,
    PriceOption,
    RunStatus,
    VatCategory,
    VatRate,
)
from trainingdesk.invoicing.models import Invoice, NumberSeries
from trainingdesk.notifications.models import Email


def test_booking_a_run_confirms_a_seat_and_issues_the_brochure_invoice(
    participant, run, with_supervision, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(participant=participant, run_id=run.pk, option_id=with_supervision.pk,
                       payer=self_paying(), now=NOW)
    assert booking.status == BookingStatus.CONFIRMED
    assert (booking.net, booking.vat, booking.gross) == (Decimal("660.00"), Decimal("132.00"),
                                                         Decimal("792.00"))
    invoice = Invoice.objects.get(bookings=booking)
    assert invoice.number == "INV-000001"
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("660.00"), Decimal("132.00"), Decimal("792.00"))
    assert [m.subject for m in mail.outbox] == [
        f"Your place is confirmed: Foundation, Summer 2027 ({booking.reference})"]


def test_the_third_person_on_a_two_seat_run_joins_the_waitlist(run, without_supervision):
    people = UserFactory.create_batch(3)
    bookings = [book(participant=p, run_id=run.pk, option_id=without_supervision.pk,
                     payer=self_paying(), now=NOW) for p in people]
    assert [b.status for b in bookings] == [BookingStatus.CONFIRMED, BookingStatus.CONFIRMED,
                                            BookingStatus.WAITLISTED]
    assert Invoice.objects.count() == 2


def test_booking_the_same_run_twice_is_refused(participant, run, without_supervision):
    book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
         payer=self_paying(), now=NOW)
    with pytest.raises(ValidationError, match="already have a place"):
        book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(), now=NOW)
    assert Booking.objects.count() == 1


# --- refusals save nothing -------------------------------------------------------------------

def _counts() -> tuple[int, int, list[int], list[int]]:
    return (
        Booking.objects.count(),
        Invoice.objects.count(),
        list(NumberSeries.objects.order_by("code").values_list("next_number", flat=True)),
        list(DiscountCode.objects.order_by("code").values_list("times_used", flat=True)),
    )


def _refused(match: str, **kwargs) -> ValidationError:
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        book(**{"now": NOW, "payer": self_paying(), **kwargs})
    assert match in " ".join(refused.value.messages)
    assert _counts() == before
    assert not Email.objects.exists()
    return refused.value


@pytest.fixture
def code_10(run) -> DiscountCode:
    return DiscountCode.objects.create(code="EARLY10", percent_off=Decimal("10"), max_uses=5)


def test_a_past_run_is_refused(participant, without_supervision, run, code_10):
    _refused("has finished", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk, discount_code="EARLY10",
             now=dt.datetime(2027, 10, 1, tzinfo=dt.UTC))


def test_a_run_that_has_started_is_refused(participant, without_supervision, run):
    _refused("already started", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk, now=dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC))


def test_a_cancelled_run_is_refused(participant, without_supervision, run, code_10):
    CourseRun.objects.filter(pk=run.pk).update(status=RunStatus.CANCELLED)
    _refused("has been cancelled", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk, discount_code="EARLY10")


def test_a_draft_run_is_refused(participant, without_supervision, run):
    CourseRun.objects.filter(pk=run.pk).update(status=RunStatus.DRAFT)
    _refused("not open for booking", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk)


def test_booking_before_the_window_opens_is_refused(participant, without_supervision, run):
    CourseRun.objects.filter(pk=run.pk).update(booking_opens_at=NOW + dt.timedelta(days=1))
    _refused("has not opened yet", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk)


def test_booking_after_the_window_closes_is_refused(participant, without_supervision, run):
    _refused("has closed", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk, now=dt.datetime(2027, 5, 25, tzinfo=dt.UTC))


def test_an_option_of_another_run_is_refused(participant, run):
    other = PriceOptionFactory()
    error = _refused("Choose one of this run's options", participant=participant, run_id=run.pk,
                     option_id=other.pk)
    assert "option" in error.message_dict


def test_a_members_only_option_is_refused_to_a_non_member(participant, run):
    members = PriceOptionFactory(run=run, name="IFT members", audience=Audience.MEMBERS)
    _refused("“IFT members” is for members only", participant=participant, run_id=run.pk,
             option_id=members.pk)


def test_a_members_only_option_is_open_to_a_member(participant, run):
    members = PriceOptionFactory(run=run, name="IFT members", audience=Audience.MEMBERS)
    participant.is_member = True
    participant.save()
    booking = book(participant=participant, run_id=run.pk, option_id=members.pk,
                   payer=self_paying(), now=NOW)
    assert booking.status == BookingStatus.CONFIRMED


def test_an_expired_early_rate_is_refused(participant, run):
    early = PriceOptionFactory(run=run, name="Early rate", available_until=dt.date(2027, 2, 28))
    _refused("“Early rate” is no longer available", participant=participant, run_id=run.pk,
             option_id=early.pk)


def test_a_level_needing_an_approved_application_is_refused(participant, run, without_supervision):
    Level.objects.filter(pk=run.level_id).update(requires_approved_application=True)
    _refused("need an approved application", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk)


def test_without_an_approval_one_may_join_a_full_run_s_waitlist_but_not_take_its_seat(
    participant, run, without_supervision
):
    """One may apply while waiting: a place in line needs no approval, a seat does."""
    Level.objects.filter(pk=run.level_id).update(requires_approved_application=True)
    for person in UserFactory.create_batch(2):  # the run's two seats, taken by approved people
        Booking.objects.create(reference=f"B{person.pk:08d}", run=run, participant=person,
                               option=without_supervision, status=BookingStatus.CONFIRMED,
                               option_name="x", unit_net=500, vat_rate=20, net=500, vat=100,
                               gross=600, billing_name="x", billing_address="x",
                               invoice_email=person.email, confirmed_at=NOW)
    waiting = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                   payer=self_paying(), now=NOW)
    assert waiting.status == BookingStatus.WAITLISTED
    Booking.objects.filter(pk=waiting.pk).update(status=BookingStatus.OFFERED,
                                                 offer_expires_at=NOW + dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="need an approved application"):
        accept_offer(booking=Booking.objects.get(pk=waiting.pk), actor=participant, now=NOW)
    assert Booking.objects.get(pk=waiting.pk).status == BookingStatus.OFFERED


def test_booking_again_is_refused_and_saves_nothing(participant, run, without_supervision, code_10):
    book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
         payer=self_paying(), now=NOW)
    Email.objects.all().delete()
    _refused("already have a place", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk, discount_code="EARLY10")


def test_booking_again_from_the_waitlist_is_refused(run, without_supervision):
    first, second, third = UserFactory.create_batch(3)
    for person in (first, second, third):
        book(participant=person, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(), now=NOW)
    Email.objects.all().delete()
    _refused("already have a place", participant=third, run_id=run.pk,
             option_id=without_supervision.pk)


def test_an_employer_that_requires_a_purchase_order_must_be_given_one(participant, run,
                                                                      without_supervision):
    council = Organisation.objects.create(
        name="Leeds City Council", billing_address="Civic Hall\nLeeds", postcode="LS1 1UR",
        invoice_email="invoices@leeds.example.org", requires_purchase_order=True)
    error = _refused("Leeds City Council requires a purchase-order number",
                     participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                     payer=PayerDetails(payer=Payer.EMPLOYER, organisation_id=council.pk))
    assert list(error.message_dict) == ["purchase_order"]


def test_an_employer_pays_with_its_purchase_order_and_its_details(participant, run,
                                                                  without_supervision):
    council = Organisation.objects.create(
        name="Leeds City Council", billing_address="Civic Hall\nLeeds", postcode="LS1 1UR",
        invoice_email="Invoices@Leeds.example.org", requires_purchase_order=True)
    booking = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                   payer=PayerDetails(payer=Payer.EMPLOYER, organisation_id=council.pk,
                                      purchase_order=" PO-7781 "), now=NOW)
    invoice = booking.invoices.get()
    assert (booking.billing_name, booking.invoice_email, booking.purchase_order) == (
        "Leeds City Council", "invoices@leeds.example.org", "PO-7781")
    assert invoice.purchase_order == "PO-7781"
    assert invoice.customer_address == "Civic Hall\nLeeds\nLS1 1UR"


@pytest.mark.parametrize("email", ["", "pat", "pat@", "pat@example", "pat example.org"])
def test_a_malformed_invoice_email_is_refused(participant, run, without_supervision, email):
    error = _refused("Enter an email address for the invoice", participant=participant,
                     run_id=run.pk, option_id=without_supervision.pk,
                     payer=replace(self_paying(), invoice_email=email))
    assert list(error.message_dict) == ["invoice_email"]


@pytest.mark.parametrize("postcode", ["NOT A POSTCODE", "!!", "LS1 1AA; DROP", "ZZZZ"])
def test_a_malformed_postcode_is_refused(participant, run, without_supervision, postcode):
    error = _refused("Enter a real postcode", participant=participant, run_id=run.pk,
                     option_id=without_supervision.pk,
                     payer=replace(self_paying(), billing_postcode=postcode))
    assert list(error.message_dict) == ["billing_postcode"]


def test_a_missing_billing_name_and_address_are_refused_together(participant, run,
                                                                 without_supervision):
    error = _refused("Enter the name the invoice is made out to", participant=participant,
                     run_id=run.pk, option_id=without_supervision.pk,
                     payer=replace(self_paying(), billing_name="  ", billing_address=""))
    assert set(error.message_dict) == {"billing_name", "billing_address"}


@pytest.mark.parametrize("postcode", ["ls1 1aa", "SW1A 1AA", "EC1A1BB", "10115", "D02 X285"])
def test_uk_and_foreign_postcodes_are_accepted(participant, run, without_supervision, postcode):
    booking = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                   payer=replace(self_paying(), billing_postcode=postcode), now=NOW)
    assert booking.billing_postcode == postcode.upper()


def test_an_unknown_discount_code_is_refused(participant, run, without_supervision, code_10):
    error = _refused("We do not recognise that discount code", participant=participant,
                     run_id=run.pk, option_id=without_supervision.pk, discount_code="NOPE")
    assert list(error.message_dict) == ["discount_code"]


def test_an_expired_discount_code_is_refused(participant, run, without_supervision, code_10):
    DiscountCode.objects.filter(pk=code_10.pk).update(valid_until=dt.date(2027, 2, 28))
    _refused("expired on 28 February 2027", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk, discount_code="EARLY10")


def test_a_used_up_discount_code_is_refused(participant, run, without_supervision, code_10):
    DiscountCode.objects.filter(pk=code_10.pk).update(times_used=5)
    _refused("has been used up", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk, discount_code="EARLY10")


def test_a_discount_code_for_another_level_is_refused(participant, run, without_supervision,
                                                     code_10):
    DiscountCode.objects.filter(pk=code_10.pk).update(level=LevelFactory())
    _refused("cannot be used for this course", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk, discount_code="EARLY10")


def test_a_refusal_after_the_discount_is_taken_gives_the_use_back(participant, run,
                                                                   without_supervision, code_10):
    # The payer is checked before the code is taken; a bad payer must not use the code up.
    _refused("Enter a real postcode", participant=participant, run_id=run.pk,
             option_id=without_supervision.pk, discount_code="EARLY10",
             payer=replace(self_paying(), billing_postcode="!!"))


# --- discounts, double submission, copied prices ---------------------------------------------

def test_a_discount_code_takes_its_share_before_vat_and_counts_a_use(participant, run,
                                                                     with_supervision, code_10):
    booking = book(participant=participant, run_id=run.pk, option_id=with_supervision.pk,
                   payer=self_paying(), discount_code=" early10 ", now=NOW)
    assert (booking.unit_net, booking.discount_net) == (Decimal("660.00"), Decimal("66.00"))
    assert (booking.net, booking.vat, booking.gross) == (Decimal("594.00"), Decimal("118.80"),
                                                         Decimal("712.80"))
    assert booking.discount_code == code_10
    invoice = booking.invoices.get()
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("594.00"), Decimal("118.80"), Decimal("712.80"))
    assert "Discount EARLY10: £66 off." in invoice.lines.get().description
    code_10.refresh_from_db()
    assert code_10.times_used == 1


def test_submitting_the_same_form_twice_makes_one_booking_and_one_invoice(
    participant, run, without_supervision, django_capture_on_commit_callbacks
):
    token = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                     payer=self_paying(), submission_token=token, now=NOW)
        second = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                      payer=self_paying(), submission_token=token, now=NOW)
    assert second.pk == first.pk
    assert Booking.objects.count() == 1
    assert Invoice.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_later_price_change_alters_neither_the_booking_nor_its_invoice(participant, run,
                                                                        with_supervision):
    booking = book(participant=participant, run_id=run.pk, option_id=with_supervision.pk,
                   payer=self_paying(), now=NOW)
    PriceOption.objects.filter(pk=with_supervision.pk).update(net_amount=Decimal("700"),
                                                               name="Renamed")
    VatRate.objects.create(category=VatCategory.STANDARD, percent=Decimal("25"),
                           valid_from=dt.date(2027, 3, 2))
    booking.refresh_from_db()
    invoice = booking.invoices.get()
    assert (booking.option_name, booking.unit_net, booking.vat_rate) == (
        "With group supervision", Decimal("660.00"), Decimal("20.00"))
    assert (booking.net, booking.vat, booking.gross) == (Decimal("660.00"), Decimal("132.00"),
                                                         Decimal("792.00"))
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("660.00"), Decimal("132.00"), Decimal("792.00"))
    line = invoice.lines.get()
    assert (line.unit_net, line.vat_rate) == (Decimal("660.00"), Decimal("20.00"))
    assert "With group supervision" in line.description


def test_an_employer_named_at_booking_becomes_an_organisation_and_is_found_again(run,
                                                                                without_supervision):
    run.capacity = 5
    run.save()
    payer = PayerDetails(payer="employer", billing_name="Leeds  City Council",
                         billing_address="Civic Hall\nLeeds", billing_postcode="LS1 1UR",
                         invoice_email="invoices@leeds.example.org")
    first = book(participant=UserFactory(), run_id=run.pk, option_id=without_supervision.pk,
                 payer=payer, now=NOW)
    second = book(participant=UserFactory(), run_id=run.pk, option_id=without_supervision.pk,
                  payer=PayerDetails(**{**payer.__dict__, "billing_name": "leeds city council"}),
                  now=NOW)
    council = Organisation.objects.get()
    assert council.name == "Leeds City Council"
    assert first.organisation == second.organisation == council
    assert {i.customer_organisation for i in Invoice.objects.all()} == {council}
