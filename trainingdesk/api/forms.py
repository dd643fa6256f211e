from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trainingdesk.accounts.models import Organisation
from trainingdesk.api.models import Scope
from trainingdesk.lib.forms import add_service_errors

# What a person's own token may be given: what is about them. The coordinator's organisation
# tokens may have any scope.
PERSONAL_SCOPES = [Scope.READ_CATALOGUE, Scope.BOOK, Scope.READ_BOOKINGS, Scope.READ_INVOICES,
                   Scope.READ_ATTENDANCE, Scope.READ_CERTIFICATES, Scope.READ_APPLICATIONS,
                   Scope.READ_SUPERVISION]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What will use it, such as “HR system”."),
                           error_messages={"required": _("Enter a name for the token, such as “HR system”.")})
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"), choices=[(s.value, s.label) for s in PERSONAL_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one thing the token may do.")})
    expires_on = forms.DateField(
        label=_("Expires on"), required=False,
        help_text=_("For example, 31/12/2027. Leave empty for a token that does not expire."),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": _("Enter a date like 31/12/2027.")})

    def clean_expires_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("expires_on")
        if value is not None and value <= timezone.localdate():
            raise ValidationError(_("Choose an expiry date in the future."))
        return value

    def expires_at(self) -> dt.datetime | None:
        """The end of the expiry day, UK time."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, renamed={"expires_at": "expires_on"})


class OrganisationTokenForm(TokenForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"),
        error_messages={"required": _("Choose the organisation the token is for."),
                        "invalid_choice": _("Choose the organisation the token is for.")})

    field_order = ["organisation", "name", "scopes", "expires_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = self.fields["scopes"]
        assert isinstance(scopes, forms.MultipleChoiceField)
        scopes.choices = Scope.choices
