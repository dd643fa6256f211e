"""The coursework's forms: they parse; the services decide (and say why not)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from trainingdesk.accounts.models import User
from trainingdesk.bookings.models import Payer
from trainingdesk.coursework.models import Outcome
from trainingdesk.coursework.services import MAX_TEXT
from trainingdesk.lib.wordcount import WHAT_IS_COUNTED


class DraftForm(forms.Form):
    """A part's draft: a Word document or PDF, or the text written here."""

    file = forms.FileField(
        label=_("Upload a file"), required=False,
        help_text=_("A Word document (.docx) or a PDF with text, up to 10 MB. Counted: %(counted)s.")
        % {"counted": WHAT_IS_COUNTED},
        widget=forms.ClearableFileInput(attrs={
            "accept": ".docx,.pdf,application/pdf,"
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
    )
    text = forms.CharField(label=_("Or write it here"), required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 18}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("file") and (data.get("text") or "").strip():
            raise forms.ValidationError(_("Upload a file or write the text, not both."))
        if not data.get("file") and not (data.get("text") or "").strip():
            self.add_error("file", _("Choose a file to upload, or write the text below."))
        return data


class ReadingForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_("I have read everything on the required reading list"),
        error_messages={"required": _("Confirm that you have read the required reading.")})


class SubmitForm(forms.Form):
    payer = forms.ChoiceField(label=_("Who is the fee invoiced to?"), choices=Payer.choices, required=False,
                              initial=Payer.SELF, widget=forms.RadioSelect)
    purchase_order = forms.CharField(label=_("Purchase-order number"), required=False, max_length=50)
    declaration = forms.BooleanField(
        label=_("This coursework is my own work, and I understand it cannot be changed once submitted"),
        error_messages={"required": _("Confirm that this coursework is your own work.")})

    def __init__(self, *args: object, employer: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if employer is None:
            del self.fields["payer"]
            del self.fields["purchase_order"]
        else:
            self.fields["payer"].choices = [  # type: ignore[attr-defined]
                (Payer.SELF, _("Invoice me")),
                (Payer.EMPLOYER, _("Invoice my employer, %(name)s") % {"name": employer})]


class MarkingForm(forms.Form):
    """Pass or refer for each submitted part, with feedback; and the overall outcome."""

    outcome = forms.ChoiceField(label=_("Overall outcome"), choices=Outcome.choices,
                                widget=forms.RadioSelect, required=False)
    feedback = forms.CharField(label=_("Overall feedback"), required=False, max_length=10_000,
                               widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: object, parts: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.part_names: list[tuple[str, str]] = []
        for piece_id, title in parts:
            self.fields[f"part_{piece_id}"] = forms.ChoiceField(
                label=_("%(part)s: outcome") % {"part": title}, choices=Outcome.choices,
                widget=forms.RadioSelect, required=False)
            self.fields[f"feedback_{piece_id}"] = forms.CharField(
                label=_("%(part)s: feedback") % {"part": title}, required=False, max_length=10_000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("Needed when the part is referred."))
            self.part_names.append((f"part_{piece_id}", f"feedback_{piece_id}"))
        # The parts first, as the page shows them, so the error summary lists them in order.
        self.order_fields([name for pair in self.part_names for name in pair])

    def part_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[outcome], self[feedback]) for outcome, feedback in self.part_names]


class AllocateForm(forms.Form):
    assessor = forms.ModelChoiceField(label=_("Assessor"), queryset=User.objects.none(),
                                      error_messages={"required": _("Choose an assessor.")})
    moderator = forms.ModelChoiceField(
        label=_("Moderator (second marking)"), queryset=User.objects.none(), required=False,
        help_text=_("Optional: a second assessor who confirms or changes the outcome."))

    def __init__(self, *args: object, markers: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assessor"].queryset = markers  # type: ignore[attr-defined]
        self.fields["moderator"].queryset = markers  # type: ignore[attr-defined]


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Days more"), min_value=1, max_value=366,
                              error_messages={"required": _("Enter how many more days.")})
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept in the audit log."),
                             error_messages={"required": _("Enter the reason for the extension.")})
