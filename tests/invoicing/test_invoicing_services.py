"""Invoicing for any customer: an organisation or a person, for any lines, with payments and
refunds that can never exceed what is owed or what was paid."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from tests.factories import ProviderFactory, UserFactory
from trainingdesk.accounts.models import Organisation
from trainingdesk.audit.models import AuditEntry
from trainingdesk.invoicing import services
from trainingdesk.invoicing.documents import invoice_pdf
from trainingdesk.invoicing.models import Invoice, Payment, PaymentDetails, PaymentKind
from trainingdesk.invoicing.selectors import customer_balances
from trainingdesk.lib.money import TaxedAmount

NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def provider(db):
    provider = ProviderFactory()
    PaymentDetails.objects.create(provider=provider, account_name="Partnership Projects UK Ltd",
                                  bank_name="Example Bank", sort_code="20-00-00",
                                  account_number="12345678")
    return provider


@pytest.fixture
def council(db) -> Organisation:
    return Organisation.objects.create(name="Leeds City Council", billing_address="Civic Hall",
                                       invoice_email="invoices@leeds.example.org")


def _fee(provider, *, person=None, organisation=None, gross="300") -> Invoice:
    """The coursework's assessment fee: £300 including VAT, not a booking."""
    name = organisation.name if organisation else person.full_name
    return services.issue_invoice(
        supplier=provider, now=NOW, participant=person,
        customer=services.Customer(name=name, address="1 High Street", email="pay@example.org",
                                   person_id=None if organisation else person.pk,
                                   organisation_id=organisation.pk if organisation else None),
        lines=[services.Line("Assessment fee, Advanced Certificate in NVR Practice",
                             TaxedAmount.from_gross(Decimal(gross), Decimal(20)))],
    )


def _pay(invoice, coordinator, amount, kind=PaymentKind.PAYMENT) -> Payment:
    return services.record_payment(invoice=invoice, amount=Decimal(amount), received_on=TODAY,
                                   method="bank_transfer", reference="", actor=coordinator,
                                   kind=kind)


def test_an_organisation_is_invoiced_for_a_fee_that_is_no_booking(provider, council, participant):
    invoice = _fee(provider, organisation=council, person=participant)
    assert (invoice.number, invoice.customer_organisation, invoice.customer_person) == (
        "INV-000001", council, None)
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("250.00"), Decimal("50.00"), Decimal("300.00"))
    assert invoice.participant == participant
    assert AuditEntry.objects.filter(action="invoicing.invoice.issued").count() == 1


def test_an_invoice_says_how_to_pay_and_the_reference_to_quote(provider, participant):
    invoice = _fee(provider, person=participant)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(invoice_pdf(invoice))).pages)
    assert "How to pay" in text
    assert "Sort code 20-00-00, account number 12345678" in text
    assert "Quote the invoice number INV-000001 as the payment reference." in text


def test_changing_the_payment_details_leaves_issued_invoices_as_they_were(provider, participant):
    invoice = _fee(provider, person=participant)
    PaymentDetails.objects.filter(provider=provider).update(sort_code="99-99-99")
    invoice.refresh_from_db()
    assert "20-00-00" in invoice.how_to_pay and "99-99-99" not in invoice.how_to_pay


def test_a_payment_over_what_is_owed_is_refused_and_nothing_is_recorded(provider, participant,
                                                                        coordinator):
    invoice = _fee(provider, person=participant, gross="600")
    with pytest.raises(ValidationError) as refused:
        _pay(invoice, coordinator, "5000.00")
    assert refused.value.message_dict == {
        "amount": ["That is more than the £600.00 still owed on invoice INV-000001."]}
    _pay(invoice, coordinator, "400.00")
    with pytest.raises(ValidationError, match="£200.00 still owed"):
        _pay(invoice, coordinator, "200.01")
    _pay(invoice, coordinator, "200.00")
    assert [p.amount for p in Payment.objects.all()] == [Decimal("400.00"), Decimal("200.00")]


def test_a_refund_over_what_was_paid_is_refused(provider, participant, coordinator):
    invoice = _fee(provider, person=participant, gross="792")
    _pay(invoice, coordinator, "792.00")
    with pytest.raises(ValidationError) as refused:
        _pay(invoice, coordinator, "900.00", kind=PaymentKind.REFUND)
    assert refused.value.message_dict == {
        "amount": ["That is more than the £792.00 paid on invoice INV-000001."]}
    refund = _pay(invoice, coordinator, "792.00", kind=PaymentKind.REFUND)
    assert refund.describe() == "Refund of £792.00"
    assert Invoice.objects.with_balance().get().paid == Decimal("0.00")


def test_a_refund_reads_as_a_refund_never_as_a_negative_amount(provider, participant, coordinator):
    invoice = _fee(provider, person=participant, gross="1000")
    payment = _pay(invoice, coordinator, "950.00")
    refund = _pay(invoice, coordinator, "900.00", kind=PaymentKind.REFUND)
    assert (payment.describe(), refund.describe()) == ("Payment of £950.00", "Refund of £900.00")
    assert refund.amount == Decimal("900.00") and refund.signed_amount == Decimal("-900.00")
    assert "-" not in str(refund)


@pytest.mark.parametrize("amount", ["0", "-5", "0.001", "1000000.01"])
def test_an_amount_that_is_not_money_is_refused(provider, participant, coordinator, amount):
    invoice = _fee(provider, person=participant)
    with pytest.raises(ValidationError) as refused:
        _pay(invoice, coordinator, amount)
    assert list(refused.value.message_dict) == ["amount"]
    assert not Payment.objects.exists()


def test_only_the_coordinator_records_payments(provider, participant, trainer):
    invoice = _fee(provider, person=participant)
    for person in (participant, trainer):
        with pytest.raises(PermissionDenied, match="Only the coordinator can"):
            _pay(invoice, person, "10.00")
    assert not Payment.objects.exists()


def test_a_credit_note_credits_the_whole_invoice_once(provider, participant):
    invoice = _fee(provider, person=participant)
    note = services.issue_credit_note(invoice=invoice, reason="Withdrawn", now=NOW)
    assert (note.number, note.credits, note.total_gross, note.customer_person) == (
        "CN-000001", invoice, Decimal("300.00"), participant)
    with pytest.raises(ValidationError, match="already been credited"):
        services.issue_credit_note(invoice=invoice, reason="Again", now=NOW)
    assert Invoice.objects.filter(credits=invoice).count() == 1


def test_an_invoice_needs_exactly_one_customer(provider, participant, council):
    with pytest.raises(ValidationError, match="one customer"):
        services.issue_invoice(
            supplier=provider, now=NOW, lines=[services.Line("Fee", TaxedAmount.from_net(10, 20))],
            customer=services.Customer(name="Both", address="x", email="x@example.org",
                                       person_id=participant.pk, organisation_id=council.pk))
    assert not Invoice.objects.exists()


def test_balances_are_reported_per_customer(provider, council, coordinator):
    ann, bob = UserFactory(full_name="Ann Able"), UserFactory(full_name="Bob Best")
    for person in (ann, bob):
        _fee(provider, organisation=council, person=person)  # the council pays for both
    paid_by_ann = _fee(provider, person=ann)
    _pay(paid_by_ann, coordinator, "300.00")
    credited = _fee(provider, person=bob)
    _pay(credited, coordinator, "100.00")
    services.issue_credit_note(invoice=credited, reason="Withdrawn", now=NOW)
    rows = {(row.kind, row.name): (row.invoiced, row.paid, row.balance)
            for row in customer_balances()}
    assert rows == {
        ("organisation", "Leeds City Council"): (Decimal("600.00"), Decimal(0), Decimal("600.00")),
        ("person", "Ann Able"): (Decimal("300.00"), Decimal("300.00"), Decimal(0)),
        ("person", "Bob Best"): (Decimal(0), Decimal("100.00"), Decimal("-100.00")),
    }
    assert [row.name for row in customer_balances(outstanding_only=True)] == [
        "Leeds City Council", "Bob Best"]
