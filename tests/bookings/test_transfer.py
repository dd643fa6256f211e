"""Moving a confirmed booking to another run of the same level."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.bookings.conftest import NOW, self_paying
from tests.factories import CourseRunFactory, LevelFactory, PriceOptionFactory, UserFactory
from trainingdesk.bookings.models import Booking, BookingStatus, DiscountCode
from trainingdesk.bookings.services import book, record_payment, transfer_booking
from trainingdesk.catalogue.models import CourseRun, RunStatus
from trainingdesk.invoicing.models import DocumentKind, PaymentMethod

AUTUMN_DAYS = [dt.date(2027, 10, 4), dt.date(2027, 10, 5), dt.date(2027, 10, 6),
               dt.date(2028, 1, 10)]


@pytest.fixture
def autumn(run) -> CourseRun:
    autumn = CourseRunFactory(level=run.level, title="Autumn 2027", capacity=2, days=AUTUMN_DAYS)
    PriceOptionFactory(run=autumn, name="With group supervision", net_amount=Decimal("690"),
                       supervision_hours=12, position=1)
    PriceOptionFactory(run=autumn, name="Foundation only", net_amount=Decimal("520"), position=2)
    return autumn


@pytest.fixture
def booking(participant, run, with_supervision) -> Booking:
    return book(participant=participant, run_id=run.pk, option_id=with_supervision.pk,
                payer=self_paying(), now=NOW)


def test_a_transfer_credits_the_old_invoice_issues_a_new_one_and_keeps_payments(
    booking, autumn, coordinator, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        record_payment(booking=booking, amount=Decimal("300.00"), received_on=dt.date(2027, 3, 2),
                       method=PaymentMethod.BANK_TRANSFER, reference="BACS 1", actor=coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = transfer_booking(booking=booking, to_run=autumn, to_option_id=None,
                                 actor=coordinator, now=NOW)
    assert (moved.pk, moved.run, moved.status) == (booking.pk, autumn, BookingStatus.CONFIRMED)
    assert (moved.option_name, moved.net, moved.vat, moved.gross) == (
        "With group supervision", Decimal("690.00"), Decimal("138.00"), Decimal("828.00"))
    documents = [(d.kind, d.number, d.credits.number if d.credits else None, d.total_gross)
                 for d in moved.invoices.select_related("credits").order_by("id")]
    assert documents == [
        (DocumentKind.INVOICE, "INV-000001", None, Decimal("792.00")),
        (DocumentKind.CREDIT_NOTE, "CN-000001", "INV-000001", Decimal("792.00")),
        (DocumentKind.INVOICE, "INV-000002", None, Decimal("828.00")),
    ]
    balance = Booking.objects.with_balance().get(pk=booking.pk)
    assert (balance.invoiced, balance.paid, balance.balance) == (
        Decimal("828.00"), Decimal("300.00"), Decimal("528.00"))
    (message,) = [m for m in mail.outbox if m.subject.startswith("Your booking has moved")]
    assert "New invoice INV-000002: £828" in message.body
    assert [a[0] for a in message.attachments] == [
        "CN-000001.pdf", "INV-000002.pdf", f"{booking.reference}.ics"]


def test_a_transfer_may_choose_the_target_option(booking, autumn, coordinator):
    cheaper = autumn.options.get(name="Foundation only")
    moved = transfer_booking(booking=booking, to_run=autumn, to_option_id=cheaper.pk,
                             actor=coordinator, now=NOW)
    assert (moved.option, moved.gross) == (cheaper, Decimal("624.00"))


def test_a_transfer_keeps_the_discount_the_booking_was_made_with(participant, run,
                                                                 with_supervision, autumn,
                                                                 coordinator):
    DiscountCode.objects.create(code="TEN", percent_off=Decimal("10"), max_uses=1)
    booking = book(participant=participant, run_id=run.pk, option_id=with_supervision.pk,
                   payer=self_paying(), discount_code="TEN", now=NOW)
    moved = transfer_booking(booking=booking, to_run=autumn, to_option_id=None,
                             actor=coordinator, now=NOW)
    assert (moved.discount_net, moved.net, moved.gross) == (
        Decimal("69.00"), Decimal("621.00"), Decimal("745.20"))
    assert DiscountCode.objects.get().times_used == 1


def test_the_freed_seat_goes_to_the_first_in_line_on_the_old_run(booking, run, autumn,
                                                                 without_supervision, coordinator):
    second, waiting = UserFactory.create_batch(2)
    for person in (second, waiting):
        book(participant=person, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(), now=NOW)
    transfer_booking(booking=booking, to_run=autumn, to_option_id=None, actor=coordinator, now=NOW)
    assert Booking.objects.get(participant=waiting).status == BookingStatus.OFFERED


def test_a_transfer_to_another_level_is_refused(booking, coordinator):
    advanced = CourseRunFactory(level=LevelFactory(name="Advanced"), days=AUTUMN_DAYS)
    with pytest.raises(ValidationError, match="same level"):
        transfer_booking(booking=booking, to_run=advanced, to_option_id=None, actor=coordinator,
                         now=NOW)
    assert booking.invoices.count() == 1


def test_a_transfer_to_a_full_run_is_refused(booking, autumn, coordinator):
    for person in UserFactory.create_batch(2):
        book(participant=person, run_id=autumn.pk, option_id=autumn.options.first().pk,
             payer=self_paying(), now=NOW)
    with pytest.raises(ValidationError, match="That run is full"):
        transfer_booking(booking=booking, to_run=autumn, to_option_id=None, actor=coordinator,
                         now=NOW)
    booking.refresh_from_db()
    assert booking.run_id != autumn.pk
    assert booking.invoices.count() == 1


@pytest.mark.parametrize(("change", "message"), [
    ({"status": RunStatus.DRAFT}, "not published"),
    ({"status": RunStatus.CANCELLED}, "not published"),
])
def test_a_transfer_to_an_unpublished_run_is_refused(booking, autumn, coordinator, change,
                                                     message):
    CourseRun.objects.filter(pk=autumn.pk).update(**change)
    with pytest.raises(ValidationError, match=message):
        transfer_booking(booking=booking, to_run=autumn, to_option_id=None, actor=coordinator,
                         now=NOW)


def test_a_transfer_to_a_run_that_has_started_is_refused(booking, autumn, coordinator):
    with pytest.raises(ValidationError, match="already started"):
        transfer_booking(booking=booking, to_run=autumn, to_option_id=None, actor=coordinator,
                         now=dt.datetime(2027, 10, 4, 12, tzinfo=dt.UTC))


def test_only_the_coordinator_transfers(booking, autumn, participant):
    with pytest.raises(PermissionDenied, match="Only the coordinator can"):
        transfer_booking(booking=booking, to_run=autumn, to_option_id=None, actor=participant,
                         now=NOW)


def test_only_a_confirmed_booking_is_transferred(run, without_supervision, autumn, coordinator):
    people = UserFactory.create_batch(3)
    for person in people:
        book(participant=person, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(), now=NOW)
    waiting = Booking.objects.get(participant=people[2])
    with pytest.raises(ValidationError, match="Only a confirmed booking"):
        transfer_booking(booking=waiting, to_run=autumn, to_option_id=None, actor=coordinator,
                         now=NOW)


def test_an_option_of_another_run_is_refused(booking, autumn, run, coordinator):
    with pytest.raises(ValidationError, match="Choose one of that run's options"):
        transfer_booking(booking=booking, to_run=autumn, to_option_id=booking.option_id,
                         actor=coordinator, now=NOW)
