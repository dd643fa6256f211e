"""Booking emails go through the outbox: written in the transaction that causes them, sent only
after it commits. The joining link reaches confirmed participants only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction

from tests.bookings.conftest import NOW, RUN_DAYS, self_paying
from tests.emails import send_waiting_emails
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory, VatRateFactory
from trainingdesk.accounts.models import User
from trainingdesk.bookings.documents import booking_calendar
from trainingdesk.bookings.models import Booking, Payer
from trainingdesk.bookings.services import (
    PayerDetails,
    book,
    cancel_booking,
    transfer_booking,
)
from trainingdesk.catalogue.models import CourseRun, PriceOption
from trainingdesk.invoicing.models import NumberSeries
from trainingdesk.notifications.models import Email, EmailStatus

LINK = "https://zoom.us/j/123?pwd=secret"


class Rollback(Exception):
    pass


def _people(n: int) -> list[User]:
    return User.objects.bulk_create(
        User(email=f"person{i}@example.org", full_name=f"Person {i}", password="!")
        for i in range(1, n + 1)
    )


def _own_payer(person: User) -> PayerDetails:
    return PayerDetails(billing_name=person.full_name, billing_address="1 High Street",
                        invoice_email=person.email)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_booking_leaves_no_email_and_sends_nothing():
    NumberSeries.objects.get_or_create(code="INV", defaults={"prefix": "INV-"})
    VatRateFactory()
    run = CourseRunFactory(capacity=2, days=RUN_DAYS)
    option = PriceOptionFactory(run=run, net_amount=Decimal("660"))
    (person,) = _people(1)
    with pytest.raises(Rollback), transaction.atomic():
        book(participant=person, run_id=run.pk, option_id=option.pk, payer=self_paying(), now=NOW)
        assert Email.objects.count() == 2  # to the participant and to the payer
        assert mail.outbox == []  # nothing leaves before the commit
        raise Rollback
    assert not Email.objects.exists()
    assert mail.outbox == []
    booking = book(participant=person, run_id=run.pk, option_id=option.pk, payer=self_paying(),
                   now=NOW)
    assert sorted(m.to[0] for m in mail.outbox) == ["pat@example.org", person.email]
    assert not Email.objects.filter(status=EmailStatus.QUEUED).exists()
    assert booking.invoices.get().number == "INV-000001"


def test_nothing_is_sent_until_the_transaction_commits(participant, run, with_supervision,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        book(participant=participant, run_id=run.pk, option_id=with_supervision.pk,
             payer=self_paying(), now=NOW)
    assert mail.outbox == []
    assert Email.objects.filter(status=EmailStatus.QUEUED).count() == 1
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert [a[0] for a in message.attachments] == ["INV-000001.pdf",
                                                   f"{Booking.objects.get().reference}.ics"]
    assert Email.objects.get().status == EmailStatus.SENT


# --- the joining link ------------------------------------------------------------------------

@pytest.fixture
def full_run(run: CourseRun, without_supervision: PriceOption) -> list[Booking]:
    """Two confirmed, one waiting; each pays for themselves."""
    return [book(participant=p, run_id=run.pk, option_id=without_supervision.pk,
                 payer=_own_payer(p), now=NOW) for p in _people(3)]


def _texts(message: mail.EmailMessage) -> str:
    return message.body + "".join(
        a[1].decode() if isinstance(a[1], bytes) and a[0].endswith(".ics") else str(a[1])
        for a in message.attachments if a[0].endswith(".ics"))


def test_the_joining_link_reaches_confirmed_participants_only(full_run):
    sent = send_waiting_emails()
    confirmed, waiting = full_run[:2], full_run[2]
    for booking in confirmed:
        (message,) = [m for m in sent if m.to == [booking.participant.email]]
        assert LINK in message.body
        assert LINK in _texts(message).replace("\r\n ", "")
    (waitlisted,) = [m for m in sent if m.to == [waiting.participant.email]]
    assert LINK not in _texts(waitlisted)
    assert LINK not in booking_calendar(waiting).decode().replace("\r\n ", "")
    assert LINK in booking_calendar(confirmed[0]).decode().replace("\r\n ", "")


def test_an_offer_does_not_carry_the_joining_link(full_run):
    first, _, waiting = full_run
    cancel_booking(booking=first, actor=first.participant, now=NOW)
    sent = send_waiting_emails()
    (offer,) = [m for m in sent if m.to == [waiting.participant.email]
                and m.subject.startswith("A place is free")]
    assert LINK not in _texts(offer)


def test_an_employer_paying_gets_the_invoice_but_not_the_joining_link(participant, run,
                                                                      without_supervision,
                                                                      coordinator):
    from trainingdesk.accounts.models import Organisation

    council = Organisation.objects.create(name="Leeds City Council", billing_address="Civic Hall",
                                          invoice_email="ap@leeds.example.org")
    booking = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                   payer=PayerDetails(payer=Payer.EMPLOYER, organisation_id=council.pk), now=NOW)
    autumn = CourseRunFactory(level=run.level, days=[dt.date(2027, 10, 4)])
    PriceOptionFactory(run=autumn, name="Foundation only", net_amount=Decimal("500"))
    transfer_booking(booking=booking, to_run=autumn, to_option_id=None, actor=coordinator, now=NOW)
    sent = send_waiting_emails()
    to_employer = [m for m in sent if "ap@leeds.example.org" in m.to]
    assert to_employer, "the employer is sent its invoices"
    assert any(a[0] == "INV-000002.pdf" for m in to_employer for a in m.attachments)
    for message in to_employer:
        assert LINK not in _texts(message)
        assert not any(a[0].endswith(".ics") for a in message.attachments)
    to_participant = [m for m in sent if m.to == [participant.email]]
    assert any(LINK in m.body for m in to_participant)


def test_plain_text_emails_are_not_html_escaped(run, without_supervision,
                                                django_capture_on_commit_callbacks):
    run.joining_link = "https://zoom.us/j/123?pwd=abc&uname=x"
    run.save(update_fields=["joining_link"])
    person = UserFactory(full_name="Siobhán O'Brien & Co")
    with django_capture_on_commit_callbacks(execute=True):
        book(participant=person, run_id=run.pk, option_id=without_supervision.pk,
             payer=self_paying(), now=NOW)
    confirmation = next(m for m in mail.outbox if m.to == [person.email])
    assert "Dear Siobhán O'Brien & Co," in confirmation.body
    assert "https://zoom.us/j/123?pwd=abc&uname=x" in confirmation.body
    assert "&amp;" not in confirmation.body and "&#x27;" not in confirmation.body
