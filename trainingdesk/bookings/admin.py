"""Bookings in the back office.

Bookings change through `bookings.services` (the control area at /control/ calls them); here
they can be looked at, with their invoices (kept in `invoicing`). What the coordinator edits
here is configuration: discount codes and cancellation terms, audited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from trainingdesk.audit.admin_mixins import AuditedAdmin, ViewOnlyMixin
from trainingdesk.bookings.models import Booking, BookingInvoice, CancellationTerm, DiscountCode

# --- bookings --------------------------------------------------------------------------------

class BookingInvoiceInline(ViewOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    """The booking's invoices and credit notes; each opens with its lines and payments."""

    model = BookingInvoice
    extra = 0
    fields = ("invoice",)
    readonly_fields = fields


@admin.register(Booking)
class BookingAdmin(AuditedAdmin):
    """The billing contact may be corrected here (for documents issued from now on); the run,
    status and price change only through the control area's actions."""

    list_display = ("reference", "participant", "run", "option_name", "status", "payer", "gross",
                    "created_at")
    list_select_related = ("participant", "run__level")
    list_filter = ("status", "payer", "run__level", "run")
    search_fields = ("reference", "participant__full_name", "participant__email", "billing_name",
                     "purchase_order")
    date_hierarchy = "created_at"
    readonly_fields = (
        "reference", "run", "participant", "option", "status",
        "option_name", "supervision_hours", "unit_net", "discount_code", "discount_net",
        "vat_rate", "net", "vat", "gross", "payer", "organisation",
        "created_at", "confirmed_at", "waitlisted_at", "offer_expires_at", "cancelled_at",
        "cancellation_reason",
    )
    fieldsets = (
        (None, {"fields": ("reference", "run", "participant", "status")}),
        (_("Price as booked"), {"fields": ("option", "option_name", "supervision_hours", "unit_net",
                                           "discount_code", "discount_net", "vat_rate", "net",
                                           "vat", "gross")}),
        (_("Who pays"), {"fields": ("payer", "organisation", "billing_name", "billing_address",
                                    "billing_postcode", "invoice_email", "purchase_order")}),
        (_("History"), {"fields": ("created_at", "confirmed_at", "waitlisted_at",
                                   "offer_expires_at", "cancelled_at", "cancellation_reason")}),
    )
    inlines = (BookingInvoiceInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # bookings are made through the booking form

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancelled, never deleted: invoices and payments refer to them


# --- configuration: discount codes and cancellation terms ------------------------------------

class DiscountCodeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DiscountCode
        fields = ("code", "description", "percent_off", "amount_off", "level", "valid_until",
                  "max_uses")

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip().upper()
        if DiscountCode.objects.filter(code__iexact=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("There is already a discount code %(code)s."),
                                        params={"code": code})
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        percent, amount = data.get("percent_off"), data.get("amount_off")
        if (percent is None) == (amount is None):
            message = _("Enter either a percentage or an amount off, not both.")
            self.add_error("percent_off" if percent is not None else "amount_off", message)
        max_uses = data.get("max_uses")
        if max_uses is not None and max_uses < self.instance.times_used:
            self.add_error("max_uses", _("It has already been used %(n)d times.")
                           % {"n": self.instance.times_used})
        return data


@admin.register(DiscountCode)
class DiscountCodeAdmin(AuditedAdmin):
    form = DiscountCodeForm
    list_display = ("code", "description", "percent_off", "amount_off", "level", "valid_until",
                    "times_used", "max_uses")
    list_select_related = ("level",)
    list_filter = ("level", "valid_until")
    search_fields = ("code", "description")
    readonly_fields = ("times_used",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A code that bookings used stays, so their price can be explained; expire it instead.
        if obj is not None and obj.times_used:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(CancellationTerm)
class CancellationTermAdmin(AuditedAdmin):
    list_display = ("provider", "days_notice", "refund_percent")
    list_select_related = ("provider",)
    list_filter = ("provider",)
