from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from trainingdesk.lib import events
from trainingdesk.webhooks.services import check_url

EVENT_LABELS = {
    events.BOOKING_CONFIRMED: _("A booking is confirmed (booked with a seat, or an offer taken)"),
    events.BOOKING_CANCELLED: _("A booking is cancelled (or someone leaves the waitlist)"),
    events.WAITLIST_OFFER_MADE: _("A place is offered to someone on the waitlist"),
    events.INVOICE_ISSUED: _("An invoice is issued"),
    events.CREDIT_NOTE_ISSUED: _("A credit note is issued"),
    events.CONFIRMATION_ISSUED: _("An Attendance Confirmation is issued"),
    events.CONFIRMATION_REVOKED: _("An Attendance Confirmation is revoked"),
    events.APPLICATION_DECIDED: _("An application is approved or refused"),
    events.CERTIFICATE_ISSUED: _("A certificate is issued"),
    events.CERTIFICATE_REVOKED: _("A certificate is revoked (or replaced by a reissue)"),
}


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Address"), max_length=500,
        help_text=_("Where to send the events: an https:// address of the receiving system."),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the endpoint's address, like "
                                      "https://hr.example.org/webhooks/training."),
                        "max_length": _("The address can be at most 500 characters long.")})
    description = forms.CharField(
        label=_("Name"), max_length=200, required=False,
        help_text=_("What receives them, such as “HR system”."))
    event_types = forms.MultipleChoiceField(
        label=_("Events to send"), choices=[(t, f"{EVENT_LABELS[t]} ({t})") for t in events.EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event to send."),
                        "invalid_choice": _("There is no event called %(value)s.")})

    def clean_url(self) -> str:
        """The service's rule, asked here too, so that every mistake shows at once."""
        try:
            return check_url(self.cleaned_data["url"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["url"]) from None
