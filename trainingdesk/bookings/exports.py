"""CSV exports for accounting software and spreadsheets.

Plain UTF-8, ISO dates, amounts with two decimals and no currency symbol, credit notes as
negative amounts. Text that came from people (names, references, purchase orders) is guarded
against formula injection: a cell that starts with = + - @ (or a tab or carriage return) gets a
leading apostrophe, so a spreadsheet shows it as text instead of running it. Amounts are ours
and stay numeric, minus sign and all.

Each export reads its rows in a fixed number of queries (`select_related`), however many rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from trainingdesk.bookings.control_selectors import BookingRow
from trainingdesk.bookings.models import Booking
from trainingdesk.invoicing.models import Invoice, Payment
from trainingdesk.lib.csvfiles import amount, iso, text

# --- invoices and credit notes ---------------------------------------------------------------

INVOICE_HEADER = ["number", "kind", "date_of_issue", "tax_point", "customer", "purchase_order",
                  "net", "vat", "gross", "credits_invoice", "booking_reference"]


def invoices_rows(invoices: Iterable[Invoice]) -> Iterable[list[str]]:
    for inv in invoices:
        sign = -1 if inv.is_credit_note else 1
        yield [
            text(inv.number), inv.kind, iso(inv.issued_at), iso(inv.tax_point),
            text(inv.customer_name), text(inv.purchase_order),
            amount(sign * inv.total_net), amount(sign * inv.total_vat),
            amount(sign * inv.total_gross),
            text(inv.credits.number) if inv.credits else "",
            text(", ".join(b.reference for b in inv.bookings.all())),  # prefetched
        ]


def invoices_for_export(*, start: dt.date | None, end: dt.date | None) -> list[Invoice]:
    """Every invoice and credit note by tax point, oldest first: two queries."""
    invoices = (Invoice.objects.select_related("credits").prefetch_related("bookings")
                .order_by("tax_point", "number"))
    if start:
        invoices = invoices.filter(tax_point__gte=start)
    if end:
        invoices = invoices.filter(tax_point__lte=end)
    return list(invoices)


# --- payments --------------------------------------------------------------------------------

PAYMENT_HEADER = ["date", "kind", "booking_reference", "invoice_number", "customer", "amount",
                  "method", "reference", "recorded_by"]


def payments_rows(payments: Iterable[Payment]) -> Iterable[list[str]]:
    for p in payments:
        yield [
            iso(p.received_on), p.kind,
            text(", ".join(b.reference for b in p.invoice.bookings.all())),  # prefetched
            text(p.invoice.number), text(p.invoice.customer_name), amount(p.signed_amount),
            text(p.get_method_display()), text(p.reference),
            text(p.recorded_by.full_name) if p.recorded_by else "",
        ]


def payments_for_export(*, start: dt.date | None, end: dt.date | None) -> list[Payment]:
    """Every payment and refund (a negative amount) by date: two queries."""
    payments = (Payment.objects.select_related("invoice", "recorded_by")
                .prefetch_related("invoice__bookings").order_by("received_on", "id"))
    if start:
        payments = payments.filter(received_on__gte=start)
    if end:
        payments = payments.filter(received_on__lte=end)
    return list(payments)


# --- a run's bookings and the balances -------------------------------------------------------

BOOKING_HEADER = ["reference", "participant", "email", "option", "status", "waitlist_position",
                  "payer", "organisation", "invoice_to", "purchase_order", "documents",
                  "invoiced", "paid", "balance"]


def booking_rows(rows: Iterable[BookingRow]) -> Iterable[list[str]]:
    for row in rows:
        b = row.booking
        yield [
            text(b.reference), text(b.participant.full_name), text(b.participant.email),
            text(b.option_name), b.get_status_display(),
            str(row.waitlist_position) if row.waitlist_position else "",
            b.get_payer_display(), text(b.organisation.name) if b.organisation else "",
            text(b.billing_name), text(b.purchase_order),
            text(" ".join(d.number for d in row.documents)),
            amount(b.invoiced), amount(b.paid), amount(b.balance),  # type: ignore[attr-defined]
        ]


BALANCE_HEADER = ["reference", "run", "participant", "invoice_to", "invoice_email",
                  "purchase_order", "status", "invoiced", "paid", "balance", "direction"]


def balance_rows(bookings: Iterable[Booking]) -> Iterable[list[str]]:
    for b in bookings:
        balance: Decimal = b.balance  # type: ignore[attr-defined]
        yield [
            text(b.reference), text(str(b.run)), text(b.participant.full_name),
            text(b.billing_name), text(b.invoice_email), text(b.purchase_order),
            b.get_status_display(), amount(b.invoiced), amount(b.paid),  # type: ignore[attr-defined]
            amount(balance), "owed" if balance > 0 else "refund due",
        ]
