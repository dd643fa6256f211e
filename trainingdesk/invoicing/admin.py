"""Invoices, credit notes and payments in the back office: to look at, never to change.

Issued documents are immutable: nobody may add, change or delete one here, superusers
included; payments are recorded on the control pages, which check and audit them. What the
coordinator edits here is configuration: the payment details printed on invoices, audited.
"""

from __future__ import annotations

from django.contrib import admin

from trainingdesk.audit.admin_mixins import AuditedAdmin, ViewOnlyMixin
from trainingdesk.invoicing.models import Invoice, InvoiceLine, NumberSeries, Payment, PaymentDetails


class InvoiceLineInline(ViewOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = InvoiceLine
    extra = 0
    fields = ("position", "description", "quantity", "unit_net", "vat_rate", "net", "vat", "gross")
    readonly_fields = fields


class InvoicePaymentInline(ViewOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Payment
    extra = 0
    fields = ("received_on", "kind", "amount", "method", "reference", "recorded_by")
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(ViewOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("number", "kind", "issued_at", "customer_name", "purchase_order",
                    "total_net", "total_vat", "total_gross", "credits")
    list_select_related = ("credits",)
    list_filter = ("kind", "tax_point")
    search_fields = ("number", "customer_name", "customer_email", "purchase_order",
                     "participant_name")
    date_hierarchy = "issued_at"
    inlines = (InvoiceLineInline, InvoicePaymentInline)


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ViewOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("invoice", "position", "description", "net", "vat", "gross")
    list_select_related = ("invoice",)
    search_fields = ("invoice__number", "description")


@admin.register(Payment)
class PaymentAdmin(ViewOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Payments are recorded on the control pages, which check and audit them."""

    list_display = ("received_on", "invoice", "kind", "amount", "method", "reference",
                    "recorded_by")
    list_select_related = ("invoice", "recorded_by")
    list_filter = ("kind", "method", "received_on")
    search_fields = ("invoice__number", "invoice__customer_name", "reference")
    date_hierarchy = "received_on"


@admin.register(NumberSeries)
class NumberSeriesAdmin(ViewOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "prefix", "next_number")


@admin.register(PaymentDetails)
class PaymentDetailsAdmin(AuditedAdmin):
    """How to pay, printed on invoices issued from now on (issued ones keep theirs)."""

    list_display = ("provider", "account_name", "sort_code", "account_number")
