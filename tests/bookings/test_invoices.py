"""Invoices and credit notes: gapless numbers per series, every HMRC field, the PDF."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import transaction
from pypdf import PdfReader

from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory
from trainingdesk.accounts.models import Organisation
from trainingdesk.bookings.models import Booking, Payer
from trainingdesk.bookings.services import PayerDetails, book, cancel_booking
from trainingdesk.invoicing.documents import invoice_pdf
from trainingdesk.invoicing.models import DocumentKind, Invoice, NumberSeries


class Rollback(Exception):
    pass


def _book(run, option, person=None, **kwargs) -> Booking:
    return book(participant=person or UserFactory(), run_id=run.pk, option_id=option.pk,
                payer=kwargs.pop("payer", self_paying()), now=NOW, **kwargs)


def test_invoice_numbers_run_on_without_gaps(run, without_supervision):
    run.capacity = 5
    run.save()
    bookings = [_book(run, without_supervision) for _ in range(3)]
    assert [b.invoices.get().number for b in bookings] == ["INV-000001", "INV-000002", "INV-000003"]
    assert NumberSeries.objects.get(code="INV").next_number == 4


def test_credit_notes_have_their_own_series(run, without_supervision, coordinator):
    run.capacity = 5
    run.save()
    first, second = _book(run, without_supervision), _book(run, without_supervision)
    cancel_booking(booking=first, actor=coordinator, full_refund=True, now=NOW)
    cancel_booking(booking=second, actor=coordinator, full_refund=True, now=NOW)
    third = _book(run, without_supervision)
    notes = Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).order_by("number")
    assert [(n.number, n.credits.number) for n in notes] == [
        ("CN-000001", "INV-000001"), ("CN-000002", "INV-000002")]
    assert third.invoices.get().number == "INV-000003"


def test_a_rolled_back_booking_gives_its_invoice_number_back(run, without_supervision):
    with pytest.raises(Rollback), transaction.atomic():
        booking = _book(run, without_supervision)
        assert booking.invoices.get().number == "INV-000001"
        raise Rollback
    assert not Booking.objects.exists() and not Invoice.objects.exists()
    again = _book(run, without_supervision)
    assert again.invoices.get().number == "INV-000001"
    assert NumberSeries.objects.get(code="INV").next_number == 2


def test_the_invoice_carries_every_field_hmrc_requires(participant, run, with_supervision):
    booking = _book(run, with_supervision, participant)
    invoice = booking.invoices.get()
    provider = run.level.programme.provider
    assert invoice.kind == DocumentKind.INVOICE
    assert invoice.number == "INV-000001"
    assert invoice.issued_at == NOW
    assert invoice.tax_point == NOW.date()
    assert (invoice.supplier_name, invoice.supplier_address, invoice.supplier_vat_number) == (
        provider.name, provider.address, "GB 123 4567 89")
    assert (invoice.customer_name, invoice.customer_address, invoice.customer_email) == (
        "Pat Participant", "1 High Street\nLeeds\nLS1 1AA", "pat@example.org")
    assert invoice.participant_name == "Pat Participant"
    assert invoice.payment_terms == "Payment due within 30 days of the date of issue"
    assert (invoice.due_date - NOW.date()).days == 30
    (line,) = invoice.lines.all()
    assert "The NVR Certificate Course: Foundation (NVRA Level 1), Summer 2027." in line.description
    assert "With group supervision" in line.description
    assert (line.quantity, line.unit_net, line.vat_rate) == (1, Decimal("660.00"), Decimal("20.00"))
    assert (line.net, line.vat, line.gross) == (Decimal("660.00"), Decimal("132.00"),
                                                Decimal("792.00"))
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("660.00"), Decimal("132.00"), Decimal("792.00"))


def test_the_invoice_carries_the_employers_purchase_order(participant, run, with_supervision):
    council = Organisation.objects.create(name="Leeds City Council", billing_address="Civic Hall",
                                          invoice_email="ap@leeds.example.org")
    booking = _book(run, with_supervision, participant,
                    payer=PayerDetails(payer=Payer.EMPLOYER, organisation_id=council.pk,
                                       purchase_order="PO-42"))
    assert booking.invoices.get().purchase_order == "PO-42"


def _pdf_text(invoice: Invoice) -> str:
    reader = PdfReader(io.BytesIO(invoice_pdf(invoice)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_shows_the_brochure_price_and_every_field(participant, run, with_supervision):
    council = Organisation.objects.create(name="Leeds City Council", billing_address="Civic Hall",
                                          postcode="LS1 1UR", invoice_email="ap@leeds.example.org")
    booking = _book(run, with_supervision, participant,
                    payer=PayerDetails(payer=Payer.EMPLOYER, organisation_id=council.pk,
                                       purchase_order="PO-42"))
    text = _pdf_text(booking.invoices.get())
    for expected in ["VAT invoice", "INV-000001", "£660.00", "£132.00", "£792.00", "20%",
                     "PartnershipProjects", "GB 123 4567 89", "Leeds City Council", "LS1 1UR",
                     "PO-42", "Tax point", "Date of issue", "Payment due within 30 days",
                     "Total net", "Total VAT", "Pat Participant"]:
        assert expected in text, expected


def test_the_credit_note_pdf_names_the_invoice_it_credits(participant, run, with_supervision,
                                                         coordinator):
    booking = _book(run, with_supervision, participant)
    cancel_booking(booking=booking, actor=coordinator, full_refund=True, reason="Ill", now=NOW)
    note = Invoice.objects.get(kind=DocumentKind.CREDIT_NOTE)
    text = _pdf_text(note)
    assert "Credit note" in text and "CN-000001" in text and "INV-000001" in text
    assert "£792.00" in text
