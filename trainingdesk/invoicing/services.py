"""Issuing invoices and credit notes, and recording payments and refunds: the only functions
that write this app's rows. Each is atomic and audited; callers above (bookings, and next the
coursework fee) describe what they invoice as lines of text with a taxed amount.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from trainingdesk.accounts.models import User
from trainingdesk.audit.log import log_action, snapshot
from trainingdesk.catalogue.models import Provider
from trainingdesk.invoicing.models import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    NumberSeries,
    Payment,
    PaymentDetails,
    PaymentKind,
    PaymentMethod,
)
from trainingdesk.lib import events
from trainingdesk.lib.access import require_coordinator
from trainingdesk.lib.money import TaxedAmount, format_gbp

SERIES: dict[str, str] = {DocumentKind.INVOICE: "INV", DocumentKind.CREDIT_NOTE: "CN"}
LARGEST_PAYMENT = Decimal("1000000")


@dataclass(frozen=True)
class Customer:
    """Who is invoiced: an organisation (an employer paying) or else a person, with the name,
    address and email the invoice is made out to."""

    name: str
    address: str
    email: str
    person_id: int | None = None
    organisation_id: int | None = None
    purchase_order: str = ""


@dataclass(frozen=True)
class Line:
    description: str
    amount: TaxedAmount


def _today(now: dt.datetime) -> dt.date:
    """The provider's date at `now` (UK time): the tax point. Not the UTC date, which is a day
    behind after midnight in summer."""
    return timezone.localdate(now)


def _next_number(kind: str) -> str:
    """The next number of the series, under the series row's lock. Taken in the transaction
    that issues the document, so a rollback returns it: no number is lost or used twice."""
    code = SERIES[kind]
    series = NumberSeries.objects.select_for_update().filter(code=code).first()
    if series is None:
        # The migration creates both series; should one be missing, the first document makes
        # it. Two first documents at once: one creates it, the other finds it.
        with contextlib.suppress(IntegrityError), transaction.atomic():
            NumberSeries.objects.create(code=code, prefix=f"{code}-")
        series = NumberSeries.objects.select_for_update().get(code=code)
    number = series.next_number
    NumberSeries.objects.filter(pk=series.pk).update(next_number=F("next_number") + 1)
    return f"{series.prefix}{number:06d}"


def _total(lines: Sequence[Line]) -> TaxedAmount:
    total = lines[0].amount
    for line in lines[1:]:
        total = total + line.amount
    return total


@dataclass(frozen=True)
class _Supplier:
    name: str
    address: str
    vat_number: str
    payment_terms_days: int
    details: PaymentDetails | None

    @classmethod
    def of(cls, provider: Provider) -> _Supplier:
        return cls(provider.name, provider.address, provider.vat_number,
                   provider.payment_terms_days,
                   PaymentDetails.objects.filter(provider=provider).first())


def _create(
    *, kind: str, supplier: _Supplier, customer: Customer, lines: Sequence[Line], now: dt.datetime,
    participant: tuple[int | None, str], credits: Invoice | None, note: str, actor: User | None,
) -> Invoice:
    if not lines:
        raise ValidationError("An invoice needs at least one line.")
    if (customer.person_id is None) == (customer.organisation_id is None):
        raise ValidationError("An invoice needs one customer: a person or an organisation.")
    total = _total(lines)
    number = _next_number(kind)
    is_invoice = kind == DocumentKind.INVOICE
    details = supplier.details
    invoice = Invoice.objects.create(
        kind=kind, number=number, credits=credits, issued_at=now, tax_point=_today(now),
        supplier_name=supplier.name, supplier_address=supplier.address,
        supplier_vat_number=supplier.vat_number,
        customer_person_id=customer.person_id, customer_organisation_id=customer.organisation_id,
        customer_name=customer.name, customer_address=customer.address,
        customer_email=customer.email, purchase_order=customer.purchase_order,
        participant_id=participant[0], participant_name=participant[1],
        payment_terms=(f"Payment due within {supplier.payment_terms_days} days of the date of issue"
                       if is_invoice else ""),
        how_to_pay=details.how_to_pay(number) if details and is_invoice else "",
        due_date=_today(now) + dt.timedelta(days=supplier.payment_terms_days) if is_invoice else None,
        total_net=total.net, total_vat=total.vat, total_gross=total.gross, note=note,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=invoice, position=i, description=line.description, quantity=1,
                    unit_net=line.amount.net, vat_rate=line.amount.rate, net=line.amount.net,
                    vat=line.amount.vat, gross=line.amount.gross)
        for i, line in enumerate(lines, start=1)
    )
    log_action(actor, f"invoicing.{kind}.issued", invoice, after=snapshot(invoice))
    events.emit(events.INVOICE_ISSUED if is_invoice else events.CREDIT_NOTE_ISSUED,
                {"invoice_id": invoice.pk})
    return invoice


@transaction.atomic
def issue_invoice(
    *, supplier: Provider, customer: Customer, lines: Sequence[Line], now: dt.datetime,
    participant: User | None = None, note: str = "", actor: User | None = None,
) -> Invoice:
    """A full VAT invoice from `supplier` to `customer` for these lines, numbered next in the
    gapless series, with the supplier's payment details and terms copied onto it."""
    return _create(kind=DocumentKind.INVOICE, supplier=_Supplier.of(supplier), customer=customer,
                   lines=lines, now=now, credits=None, note=note, actor=actor,
                   participant=(participant.pk, participant.full_name) if participant else (None, ""))


@transaction.atomic
def issue_credit_note(*, invoice: Invoice, reason: str, now: dt.datetime,
                      actor: User | None = None) -> Invoice:
    """A credit note for the whole of an invoice, made out to the invoice's customer (even if
    their details changed since) and referring to it by number. Reads nothing but the invoice's
    lines (prefetched by a caller crediting many); the database refuses a second credit note."""
    if invoice.is_credit_note:
        raise ValidationError("A credit note cannot itself be credited.")
    supplier = _Supplier(invoice.supplier_name, invoice.supplier_address,
                         invoice.supplier_vat_number, payment_terms_days=0, details=None)
    customer = Customer(
        name=invoice.customer_name, address=invoice.customer_address, email=invoice.customer_email,
        person_id=invoice.customer_person_id, organisation_id=invoice.customer_organisation_id,
        purchase_order=invoice.purchase_order,
    )
    lines = [Line(f"Credit for invoice {invoice.number}: {line.description}",
                  TaxedAmount(net=line.net, vat=line.vat, gross=line.gross,
                              rate_percent=line.vat_rate))
             for line in invoice.lines.all()]
    try:
        with transaction.atomic():
            return _create(kind=DocumentKind.CREDIT_NOTE, supplier=supplier, customer=customer,
                           lines=lines, now=now, credits=invoice, note=reason, actor=actor,
                           participant=(invoice.participant_id, invoice.participant_name))
    except IntegrityError as exc:
        if "one_credit_note_per_invoice" in str(exc) or "credits_id" in str(exc):
            raise ValidationError(f"Invoice {invoice.number} has already been credited.") from exc
        raise


def record_payment(
    *, invoice: Invoice, amount: Decimal, received_on: dt.date, method: str, reference: str,
    actor: User, kind: str = PaymentKind.PAYMENT,
) -> Payment:
    """Record money received against an invoice, or a refund paid out against it. A payment
    may not exceed what is still owed on the invoice, nor a refund what was paid on it."""
    require_coordinator(actor, "record payments and refunds")
    errors: dict[str, str] = {}
    if kind not in PaymentKind.values:
        errors["kind"] = "Choose a payment received or a refund paid out."
    if method not in PaymentMethod.values:
        errors["method"] = "Choose how the money was paid."
    if amount <= 0:
        errors["amount"] = "Enter an amount greater than zero, like 250.00."
    elif amount > LARGEST_PAYMENT or amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = "Enter an amount in pounds and pence, like 250.00."
    if received_on > timezone.localdate() + dt.timedelta(days=1):
        errors["received_on"] = "The date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Locked so that two payments recorded at once cannot both fit under the balance.
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.is_credit_note:
            raise ValidationError("Record payments against an invoice, not a credit note.")
        annotated = Invoice.objects.with_balance().get(pk=locked.pk)
        figures: dict[str, Decimal] = {"balance": annotated.balance,  # type: ignore[attr-defined]
                                       "paid": annotated.paid}  # type: ignore[attr-defined]
        if kind == PaymentKind.PAYMENT and amount > figures["balance"]:
            owed = max(figures["balance"], Decimal(0))
            raise ValidationError({"amount": (
                f"That is more than the {format_gbp(owed, pence=True)} still owed on invoice "
                f"{locked.number}.")})
        if kind == PaymentKind.REFUND and amount > figures["paid"]:
            raise ValidationError({"amount": (
                f"That is more than the {format_gbp(figures['paid'], pence=True)} paid on "
                f"invoice {locked.number}.")})
        payment = Payment.objects.create(
            invoice=locked, kind=kind, amount=amount, received_on=received_on, method=method,
            reference=reference.strip(), recorded_by=actor,
        )
        log_action(actor, f"invoicing.{kind}.recorded", payment, after=snapshot(payment),
                   reason=payment.describe())
        return payment


def move_payments(*, from_invoices: Sequence[Invoice], to_invoice: Invoice,
                  actor: User | None) -> int:
    """Allocate the payments and refunds recorded against credited invoices to the invoice that
    replaced them (a booking transferred to another run): nothing paid is lost."""
    payments = Payment.objects.filter(invoice__in=from_invoices)
    moved = list(payments.values_list("pk", flat=True))
    if moved:
        payments.update(invoice=to_invoice)
        log_action(actor, "invoicing.payment.moved", to_invoice,
                   after={"payments": moved, "to_invoice": to_invoice.number},
                   reason=f"From {', '.join(i.number for i in from_invoices)}")
    return len(moved)
