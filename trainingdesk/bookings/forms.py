"""The participant's booking forms. They parse what was typed; `services.book` decides whether
it is acceptable, and its field-keyed refusals are put back beside the fields here."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from trainingdesk.accounts.models import Organisation, User
from trainingdesk.bookings.models import Payer
from trainingdesk.bookings.services import PayerDetails
from trainingdesk.lib.text import refuse_bidi_controls

# Where a field-keyed refusal from the service belongs on this form, by who pays. The form
# asks for the employer's details apart from the self-payer's, so that a self-payer's prefilled
# name never ends up on the employer's invoice.
_EMPLOYER_FIELDS = {
    "billing_name": "organisation_name",
    "billing_address": "organisation_address",
    "billing_postcode": "organisation_postcode",
    "invoice_email": "organisation_email",
}


class BookingForm(forms.Form):
    option = forms.TypedChoiceField(label=_("Choose an option"), coerce=int,
                                    widget=forms.RadioSelect)
    payer = forms.ChoiceField(label=_("Who is paying?"), choices=Payer.choices,
                              widget=forms.RadioSelect)

    # A self-payer's invoice details.
    billing_name = forms.CharField(
        label=_("Name on the invoice"), max_length=200, required=False, validators=[refuse_bidi_controls],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    billing_address = forms.CharField(
        label=_("Billing address"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    billing_postcode = forms.CharField(
        label=_("Postcode"), max_length=12, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "input--short"}),
    )
    invoice_email = forms.CharField(
        label=_("Email address for the invoice"), max_length=254, required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    # An employer's.
    organisation = forms.ModelChoiceField(
        label=_("Your employer"), queryset=Organisation.objects.order_by("name"), required=False,
        empty_label=_("Not in the list: enter its details below"),
        help_text=_("If your employer has booked with us before, choose it from the list."),
    )
    organisation_name = forms.CharField(
        label=_("Employer's name"), max_length=200, required=False, validators=[refuse_bidi_controls],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organisation_address = forms.CharField(
        label=_("Employer's billing address"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    organisation_postcode = forms.CharField(
        label=_("Employer's postcode"), max_length=12, required=False,
        widget=forms.TextInput(attrs={"class": "input--short"}),
    )
    organisation_email = forms.CharField(
        label=_("Email address for your employer's invoice"), max_length=254, required=False,
        help_text=_("Usually the finance or accounts payable team."),
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    purchase_order = forms.CharField(
        label=_("Purchase-order number"), max_length=50, required=False,
        help_text=_("Some employers require one: it will be printed on the invoice."),
    )

    discount_code = forms.CharField(
        label=_("Discount code"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "class": "input--short"}),
    )
    accept_terms = forms.BooleanField(
        label=_("I have read the cancellation terms above and accept them"),
        error_messages={"required": _("Read the cancellation terms and accept them to book a place.")},
    )
    # One per form as it was shown: a second submission of the same form finds the first booking.
    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, option_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        option = self.fields["option"]
        assert isinstance(option, forms.ChoiceField)
        option.choices = [(pk, str(pk)) for pk in option_ids]
        self.fields["option"].error_messages["required"] = _("Choose an option.")
        self.fields["option"].error_messages["invalid_choice"] = _("Choose one of this run's options.")
        self.fields["payer"].error_messages["required"] = _("Say who is paying.")
        self.fields["organisation"].error_messages["invalid_choice"] = _(
            "Choose your employer from the list.")

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        """A fresh form: a new token, and the self-payer's details from the profile."""
        return {
            "submission_token": uuid.uuid4(),
            "payer": Payer.SELF,
            "billing_name": user.full_name,
            "invoice_email": user.email,
        }

    def payer_details(self) -> PayerDetails:
        data = self.cleaned_data
        if data["payer"] == Payer.EMPLOYER:
            organisation = data.get("organisation")
            if organisation is not None:
                # The employer's own details come from its record.
                return PayerDetails(payer=Payer.EMPLOYER, organisation_id=organisation.pk,
                                    purchase_order=data.get("purchase_order", ""))
            return PayerDetails(
                payer=Payer.EMPLOYER,
                billing_name=data.get("organisation_name", ""),
                billing_address=data.get("organisation_address", ""),
                billing_postcode=data.get("organisation_postcode", ""),
                invoice_email=data.get("organisation_email", ""),
                purchase_order=data.get("purchase_order", ""),
            )
        return PayerDetails(
            payer=Payer.SELF,
            billing_name=data.get("billing_name", ""),
            billing_address=data.get("billing_address", ""),
            billing_postcode=data.get("billing_postcode", ""),
            invoice_email=data.get("invoice_email", ""),
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a refusal from the service beside the field it is about, or at the top."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        employer = self.cleaned_data.get("payer") == Payer.EMPLOYER
        for field, messages in error.message_dict.items():
            name = _EMPLOYER_FIELDS.get(field, field) if employer else field
            self.add_error(name if name in self.fields else None, messages)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you cancelling?"), required=False, max_length=1000,
        help_text=_("This helps us plan future runs."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
