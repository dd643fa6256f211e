from django import forms
from django.utils.translation import gettext_lazy as _

from trainingdesk.lib.verification import normalise_code


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"), max_length=40,
        help_text=_("The 20 letters and numbers printed under the QR code, like "
                    "ABCD-EFGH-JKMN-PQRS-TVWX."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("Enter the code as printed: 20 letters and numbers, like ABCD-EFGH-JKMN-PQRS-TVWX.")
            )
        return code


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why is it revoked?"), widget=forms.Textarea(attrs={"rows": 4}),
                             max_length=2000,
                             help_text=_("Kept in the audit log. The public page says only that it "
                                         "is revoked, and when."))


class ReissueForm(forms.Form):
    holder_name = forms.CharField(
        label=_("The name as the new certificate should print it"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    reason = forms.CharField(
        label=_("Why is it reissued?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text=_("Kept in the audit log. The old certificate's page says it was replaced, not why."))
