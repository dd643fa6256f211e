"""Invoices and credit notes: as JSON (lines, net, VAT, gross, what is still owed) and as the
PDF, under the same rule as `invoicing:pdf` (the customer, the participant it is about, the
coordinator) and, for an organisation's token, the documents made out to the organisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from trainingdesk.api.access import one_or_404, visible_invoices
from trainingdesk.api.auth import TokenAuth, caller_of
from trainingdesk.api.models import Scope
from trainingdesk.api.pagination import PageParams, filtered, paginate
from trainingdesk.api.problems import COMMON
from trainingdesk.api.schemas import Money, Price, Time, TimeIn
from trainingdesk.invoicing.documents import invoice_pdf
from trainingdesk.invoicing.models import DocumentKind, Invoice, InvoiceQuerySet
from trainingdesk.lib.money import TaxedAmount

router = Router(tags=["Invoices"], auth=TokenAuth())


class LineOut(Schema):
    description: str
    quantity: int
    unit_net: Money
    price: Price


class InvoiceOut(Schema):
    number: str = Field(..., examples=["INV-000123"])
    kind: DocumentKind
    credits: str | None = Field(..., description="A credit note's invoice number.")
    credited_by: list[str] = Field(..., description="An invoice's credit notes' numbers.")
    issued_at: Time
    tax_point: dt.date
    due_date: dt.date | None
    customer_name: str
    customer_organisation_id: int | None
    participant_name: str
    purchase_order: str
    lines: list[LineOut]
    total: Price
    paid: Money
    balance: Money = Field(..., description="Still owed on an invoice (0 for a credit note).")
    pdf: str = Field(..., description="The PDF's URL.")


class InvoicePage(Schema):
    items: list[InvoiceOut]
    next: str | None


def _rows(invoices: InvoiceQuerySet) -> InvoiceQuerySet:
    return (invoices.select_related("credits").prefetch_related("lines", "credit_notes")
            .with_balance())


def _out(request: HttpRequest, invoice: Invoice) -> InvoiceOut:
    return InvoiceOut(
        number=invoice.number, kind=DocumentKind(invoice.kind),
        credits=invoice.credits.number if invoice.credits else None,
        credited_by=[note.number for note in invoice.credit_notes.all()],
        issued_at=invoice.issued_at, tax_point=invoice.tax_point, due_date=invoice.due_date,
        customer_name=invoice.customer_name,
        customer_organisation_id=invoice.customer_organisation_id,
        participant_name=invoice.participant_name, purchase_order=invoice.purchase_order,
        lines=[LineOut(description=line.description, quantity=line.quantity,
                       unit_net=Money.of(line.unit_net),
                       price=Price.of(TaxedAmount(net=line.net, vat=line.vat, gross=line.gross,
                                                  rate_percent=line.vat_rate)))
               for line in invoice.lines.all()],
        total=Price.of(_total(invoice)),
        paid=Money.of(invoice.paid),  # type: ignore[attr-defined]  # with_balance()
        balance=Money.of(invoice.balance),  # type: ignore[attr-defined]
        pdf=request.build_absolute_uri(f"/api/v1/invoices/{invoice.number}.pdf"),
    )


def _total(invoice: Invoice) -> TaxedAmount:
    rates = {line.vat_rate for line in invoice.lines.all()}
    rate: Decimal | None = rates.pop() if len(rates) == 1 else None
    return TaxedAmount(net=invoice.total_net, vat=invoice.total_vat, gross=invoice.total_gross,
                       rate_percent=rate)


class InvoiceFilters(PageParams):
    issued_after: TimeIn | None = Field(None, description="Issued after this time.")
    issued_before: TimeIn | None = Field(None, description="Issued before this time.")
    kind: DocumentKind | None = None


@router.get("/invoices", response={200: InvoicePage, **COMMON},
            summary="Invoices and credit notes this token may see, oldest first",
            description="Scope: read:invoices.")
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilters]) -> InvoicePage:
    caller = caller_of(request)
    caller.require(Scope.READ_INVOICES)
    invoices = filtered(visible_invoices(caller), filters, {
        "issued_after": "issued_at__gt", "issued_before": "issued_at__lt", "kind": "kind"})
    page = paginate(request, _rows(invoices), order="issued_at", kind=dt.datetime, params=filters)
    return InvoicePage(items=[_out(request, i) for i in page.items], next=page.next)


def _visible(request: HttpRequest, number: str) -> Invoice:
    caller = caller_of(request)
    caller.require(Scope.READ_INVOICES)
    return one_or_404(_rows(visible_invoices(caller)), "invoice", number=number)


PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
       "description": "The document as a PDF."}


@router.get("/invoices/{number}.pdf", response={200: None, **COMMON},
            openapi_extra={"responses": {200: PDF}},
            summary="An invoice or credit note as its PDF", description="Scope: read:invoices.")
def invoice_as_pdf(request: HttpRequest, number: str) -> HttpResponse:
    invoice = _visible(request, number)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response


@router.get("/invoices/{number}", response={200: InvoiceOut, **COMMON},
            summary="An invoice or credit note", description="Scope: read:invoices.")
def get_invoice(request: HttpRequest, number: str) -> InvoiceOut:
    return _out(request, _visible(request, number))
