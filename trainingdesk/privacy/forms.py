from django import forms
from django.utils.translation import gettext_lazy as _


class AskErasureForm(forms.Form):
    understood = forms.BooleanField(
        label=_("I understand that my account, bookings history, coursework and files will be "
                "erased, and that I will not be able to sign in again"),
        error_messages={"required": _("Tick the box to say you understand what erasure means.")},
    )


class ConfirmErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the request came from this person: erase their data now"),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class RefuseErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the request refused?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The person is told this reason. Name what the law requires you to keep, or "
                    "what must finish first."),
        error_messages={"required": _("Say why the request is refused.")},
    )


class FindPersonForm(forms.Form):
    q = forms.CharField(
        label=_("Name or email address"), min_length=2, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                      "spellcheck": "false"}),
        error_messages={"required": _("Enter part of the person's name or email address."),
                        "min_length": _("Enter at least 2 characters of the name or email "
                                        "address."),
                        "max_length": _("Enter at most 200 characters.")},
    )
