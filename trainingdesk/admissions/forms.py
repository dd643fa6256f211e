"""The application form, the coordinator's decision and the applicant's answer. They parse
what was typed; `admissions.services` decides, and its field-keyed refusals are put back beside
the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from trainingdesk.admissions.services import Answers
from trainingdesk.lib.forms import add_service_errors
from trainingdesk.lib.text import refuse_bidi_controls

# A text field with its format in the hint, not the browser's date picker: a completion date is one
# the person knows, and a native date input is a row of segments Tab walks one by one that screen
# readers announce unevenly (GOV.UK's advice for dates people know).
DATE = forms.DateInput(format="%Y-%m-%d",
                       attrs={"class": "input--short", "autocomplete": "off", "spellcheck": "false"})


class ApplicationForm(forms.Form):
    external_provider = forms.CharField(
        label=_("Who provided it?"), max_length=200, required=False,
        validators=[refuse_bidi_controls],
    )
    external_completed_on = forms.DateField(
        label=_("When did you complete it?"), required=False, widget=DATE,
        help_text=_("Year, month and day, for example 2023-06-23."),
        error_messages={"invalid": _("Enter a real date, like 2023-06-23.")},
    )
    prerequisite_file = forms.FileField(
        label=_("Your attendance confirmation"), required=False,
        help_text=_("A PDF, a photo or scan (JPEG or PNG), or a Word document; 10 MB at most."),
    )
    registration_body = forms.ChoiceField(label=_("Professional body"), required=False)
    registration_number = forms.CharField(label=_("Registration number"), max_length=50,
                                          required=False)
    covering_letter = forms.CharField(
        label=_("Covering letter"), required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("If you are not registered with one of these bodies: your experience of "
                    "working with children, young people and families."),
    )
    covering_letter_file = forms.FileField(
        label=_("Or upload your covering letter"), required=False,
        help_text=_("A PDF or a Word document; 10 MB at most."),
    )

    def __init__(self, *args: Any, bodies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body = self.fields["registration_body"]
        assert isinstance(body, forms.ChoiceField)
        body.choices = [("", _("Not registered with any of these")), *bodies]

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            external_provider=data.get("external_provider", ""),
            external_completed_on=data.get("external_completed_on"),
            registration_body=data.get("registration_body", ""),
            registration_number=data.get("registration_number", ""),
            covering_letter=data.get("covering_letter", ""),
        )

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, renamed={"prerequisite": "prerequisite_file",
                                                 "covering_letter": "covering_letter_file"})


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"), widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("refuse", _("Refuse, with the reason")),
                 ("ask", _("Ask for more information"))],
        error_messages={"required": _("Choose approve, refuse or ask for more information.")},
    )
    reason = forms.CharField(
        label=_("Reason, or your question"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed to refuse or to ask; the applicant is emailed it."),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write your answer to the coordinator's question.")},
    )
