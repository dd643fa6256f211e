"""The participant's booking forms. They parse what was typed and say, in one pass, everything
that is missing or malformed, each message naming its field; `services.book` still decides
under its locks (a code's last use, a seat), and its field-keyed refusals are put back beside
the fields here."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from trainingdesk.accounts.models import Organisation, User
from trainingdesk.bookings import pricing
from trainingdesk.bookings.models import DiscountCode, Payer
from trainingdesk.bookings.services import PayerDetails, discount_rule, looks_like_postcode
from trainingdesk.lib.forms import add_service_errors
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

@dataclass(frozen=True)
class _PayerBlock:
    """The part of the form one kind of payer fills in, and the messages that name its fields."""

    required: dict[str, StrOrPromise]  # field: the message when it is left empty
    email: str
    malformed_email: StrOrPromise
    postcode: str


_BLOCKS = {
    Payer.SELF: _PayerBlock(
        required={
            "billing_name": _("Enter the name to put on the invoice."),
            "billing_address": _("Enter your billing address."),
            "invoice_email": _("Enter the email address to send the invoice to."),
        },
        email="invoice_email",
        malformed_email=_("Enter an email address for the invoice, like name@example.org."),
        postcode="billing_postcode",
    ),
    Payer.EMPLOYER: _PayerBlock(
        required={
            "organisation_name": _("Enter your employer's name, or choose your employer from "
                                   "the list."),
            "organisation_address": _("Enter your employer's billing address."),
            "organisation_email": _("Enter the email address for your employer's invoice."),
        },
        email="organisation_email",
        malformed_email=_("Enter an email address for your employer's invoice, like "
                          "name@example.org."),
        postcode="organisation_postcode",
    ),
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

    def __init__(self, *args: Any, option_ids: list[int], level_id: int | None = None,
                 today: dt.date | None = None, **kwargs: Any) -> None:
        """`level_id` and `today`: to say at once whether a discount code can be used here."""
        super().__init__(*args, **kwargs)
        self.level_id, self.today = level_id, today
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

    def clean(self) -> dict[str, Any]:
        """Every check that needs more than one field, in the same pass as the fields' own, so
        that a participant sees every problem at once rather than one round after another."""
        data = super().clean() or {}
        payer = data.get("payer")
        organisation = data.get("organisation") if payer == Payer.EMPLOYER else None
        if organisation is not None:
            # Its details come from its record; only its purchase order may be missing.
            if organisation.requires_purchase_order and not data.get("purchase_order", "").strip():
                self._refuse("purchase_order", _("%(name)s requires a purchase-order number.")
                             % {"name": organisation.name})
        elif payer in _BLOCKS and "organisation" not in self.errors:
            self._check_block(_BLOCKS[payer], data)
        self._check_discount(data.get("discount_code", ""))
        return data

    def _check_block(self, block: _PayerBlock, data: dict[str, Any]) -> None:
        for name, message in block.required.items():
            if not data.get(name, "").strip():
                self._refuse(name, message)
        email = data.get(block.email, "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self._refuse(block.email, block.malformed_email)
        postcode = data.get(block.postcode, "").strip().upper()
        if postcode and not looks_like_postcode(postcode):
            self._refuse(block.postcode, _("Enter a real postcode, like SW1A 1AA."))

    def _refuse(self, name: str, message: StrOrPromise) -> None:
        if name not in self.errors:  # one message a field: its own check has spoken already
            self.add_error(name, message)

    def _check_discount(self, code: str) -> None:
        """Whether the code can be used, as the service will judge it; the service takes the
        use under the code's lock, so a last use taken meanwhile is still refused there."""
        code = code.strip()
        if not code or self.level_id is None or self.today is None:
            return
        discount = DiscountCode.objects.filter(code__iexact=code).first()
        refusal = pricing.discount_refusal(discount_rule(discount) if discount else None,
                                           today=self.today, level_id=self.level_id)
        if refusal:
            self._refuse("discount_code", refusal)

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
        employer = self.cleaned_data.get("payer") == Payer.EMPLOYER
        add_service_errors(self, error, renamed=_EMPLOYER_FIELDS if employer else None)


class BookForSomeoneForm(BookingForm):
    """The coordinator's booking for someone else (a phone booking, or each of an employer's
    staff): the same form, with who the place is for, and the terms read to them."""

    participant_email = forms.CharField(
        label=_("Their email address"), max_length=254,
        help_text=_("If they have no account, one is made: they can set a password with "
                    "“Forgot your password?”."),
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={"required": _("Enter the email address of the person the place is for.")},
    )
    participant_name = forms.CharField(
        label=_("Their full name"), max_length=200, required=False,
        validators=[refuse_bidi_controls],
        help_text=_("Needed only when they have no account yet."),
    )
    field_order = ["participant_email", "participant_name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept_terms"].label = _(
            "They have been told the cancellation terms above and accept them")
        self.fields["accept_terms"].error_messages["required"] = _(
            "Tell them the cancellation terms, and tick the box when they accept them.")
        self.fields["organisation"].label = _("Their employer")
        self.fields["organisation"].help_text = _(
            "If their employer has booked with us before, choose it from the list.")
        payer = self.fields["payer"]
        assert isinstance(payer, forms.ChoiceField)
        payer.choices = [(Payer.SELF, _("They are paying themselves")),
                         (Payer.EMPLOYER, _("Their employer is paying"))]

    def clean_participant_email(self) -> str:
        email: str = self.cleaned_data["participant_email"].strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError(_("Enter an email address like name@example.org.")) from error
        return email


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you cancelling?"), required=False, max_length=1000,
        help_text=_("This helps us plan future runs."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
