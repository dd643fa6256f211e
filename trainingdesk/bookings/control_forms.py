"""The coordinator's forms: they parse input; the rules are the services' (`bookings.services`),
whose field-keyed errors come back onto these fields with `add_service_errors`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trainingdesk.bookings.control_selectors import OWED, PAST, REFUND_DUE, SETTLED, UPCOMING
from trainingdesk.bookings.models import BookingStatus, Payer
from trainingdesk.catalogue.models import CourseRun, Level, PriceOption, RunStatus
from trainingdesk.invoicing.models import Invoice, PaymentKind, PaymentMethod
from trainingdesk.lib.money import format_gbp
from trainingdesk.lib.zones import format_short_day

# --- filters ---------------------------------------------------------------------------------

class RunFilterForm(forms.Form):
    when = forms.ChoiceField(
        label=_("Dates"), required=False,
        choices=[("", _("All runs")), (UPCOMING, _("Upcoming and running")), (PAST, _("Past"))],
    )
    level = forms.ModelChoiceField(label=_("Level"), required=False, empty_label=_("All levels"),
                                   queryset=Level.objects.select_related("programme"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *RunStatus.choices])


class BookingFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *BookingStatus.choices])
    payer = forms.ChoiceField(
        label=_("Who pays"), required=False,
        choices=[("", _("Anyone")), (Payer.SELF, _("The participant")),
                 (Payer.EMPLOYER, _("An employer"))],
    )
    balance = forms.ChoiceField(
        label=_("Balance"), required=False,
        choices=[("", _("Any balance")), (OWED, _("Money owed")), (REFUND_DUE, _("Refund due")),
                 (SETTLED, _("Settled"))],
    )


# --- actions ---------------------------------------------------------------------------------

class CancelBookingForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the booking cancelled?"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the booking's history and written on the credit note."),
        error_messages={"required": _("Enter the reason for cancelling.")},
    )
    full_refund = forms.BooleanField(
        label=_("Refund in full, whatever the cancellation terms say"), required=False,
        help_text=_("Otherwise the provider's cancellation terms decide how much is refunded."),
    )


class PlacesForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, max_value=10000,
        help_text=_("Not fewer than the places already taken. New places are offered to the "
                    "waitlist first, in order."),
        error_messages={"required": _("Enter how many places the run has."),
                        "invalid": _("Enter a whole number of places, like 24."),
                        "min_value": _("A run needs at least one place."),
                        "max_value": _("Enter at most 10,000 places.")},
    )


class CancelRunForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the run cancelled?"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone booked or waiting is emailed this reason."),
        error_messages={"required": _("Enter the reason for cancelling the run.")},
    )
    confirm = forms.BooleanField(
        label=_("Yes, cancel the run and every booking on it"),
        error_messages={"required": _("Tick the box to confirm that the run is cancelled.")},
    )


def _run_label(run: CourseRun) -> str:
    first: dt.date | None = getattr(run, "first_date", None)
    when = format_short_day(first) if first else _("no dates yet")
    free: int = getattr(run, "free_seats", 0)
    return f"{run.level.name}: {run.title} ({when}), {free} of {run.capacity} places free"


class TransferForm(forms.Form):
    """The lists show only suitable runs (published, same level, not started, a seat free); the
    service checks again under lock, and its message is the one shown."""

    to_run = forms.ModelChoiceField(
        label=_("Move to run"), queryset=CourseRun.objects.all(),
        error_messages={"required": _("Choose the run to move the booking to."),
                        "invalid_choice": _("Choose a run from the list.")},
    )
    to_option = forms.ModelChoiceField(
        label=_("Option on the new run"), queryset=PriceOption.objects.all(), required=False,
        empty_label=_("The same option as now"),
        help_text=_("Leave as it is to keep the option of the same name."),
        error_messages={"invalid_choice": _("Choose an option from the list.")},
    )

    def __init__(self, *args: Any, targets: list[CourseRun], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        run_field = self.fields["to_run"]
        option_field = self.fields["to_option"]
        assert isinstance(run_field, forms.ModelChoiceField)
        assert isinstance(option_field, forms.ModelChoiceField)
        run_field.widget.choices = [("", _("Choose a run")),
                                    *((r.pk, _run_label(r)) for r in targets)]
        option_field.widget.choices = [("", _("The same option as now")), *(
            (f"{r.level.name}: {r.title}", [(o.pk, o.name) for o in r.options.all()])
            for r in targets
        )]


class PaymentForm(forms.Form):
    """A payment received, or a refund paid out, against one of the booking's invoices."""

    kind = forms.ChoiceField(
        label=_("Money received or paid back?"), choices=PaymentKind.choices,
        initial=PaymentKind.PAYMENT,
        error_messages={"required": _("Choose whether money was received or paid back.")},
    )
    invoice = forms.ChoiceField(
        label=_("Invoice"), error_messages={"required": _("Choose the invoice it is for."),
                                            "invalid_choice": _("Choose one of this booking's invoices.")},
    )
    received_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the date the money was received or paid back."),
                        "invalid": _("Enter a real date, like 2027-04-01.")},
    )
    amount = forms.DecimalField(
        label=_("Amount (£)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"),
        help_text=_("Part-payments are fine. A refund is entered as the amount paid back, "
                    "like 100.00."),
        error_messages={"required": _("Enter the amount."),
                        "min_value": _("Enter an amount greater than zero, like 250.00."),
                        "max_digits": _("That amount is too large."),
                        "max_decimal_places": _("Enter an amount in pounds and pence, like 396.00."),
                        "invalid": _("Enter an amount in pounds, like 396.00.")},
    )
    method = forms.ChoiceField(label=_("How was it paid?"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("The bank's or the payer's reference."))

    def __init__(self, *args: Any, invoices: list[Invoice], **kwargs: Any) -> None:
        """`invoices`: the booking's documents, annotated `with_balance()`."""
        super().__init__(*args, **kwargs)
        payable = [i for i in invoices if not i.is_credit_note]
        invoice_field = self.fields["invoice"]
        assert isinstance(invoice_field, forms.ChoiceField)
        invoice_field.choices = [
            (i.number, _("%(number)s: %(owed)s owed, %(paid)s paid") % {
                "number": i.number, "owed": format_gbp(i.balance, pence=True),  # type: ignore[attr-defined]
                "paid": format_gbp(i.paid, pence=True)})  # type: ignore[attr-defined]
            for i in payable
        ]
        owing = [i for i in payable if i.balance > 0]  # type: ignore[attr-defined]
        if owing or payable:
            self.fields["invoice"].initial = (owing or payable)[-1].number
