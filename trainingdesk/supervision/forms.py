"""Forms of the supervision pages. They parse what was typed; the services decide, and their
refusals come back onto these fields with `add_service_errors`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trainingdesk.supervision.models import Allocation, OwnSupervisor


class OwnSupervisorForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = OwnSupervisor
        fields = ("name", "accreditation", "contact")
        help_texts = {"accreditation": _("For example: NVRA accredited supervisor.")}


class MoveSessionForm(forms.Form):
    """A new date and a local start time in the group's zone. The field for the date is named
    after the service's `new_start`, so that its refusals (the past, another session, a time the
    clocks skip) are said at the date."""

    new_start = forms.DateField(
        label=_("New date"), input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("Year-month-day, for example 2023-02-21."),
        error_messages={"required": _("Enter the new date."),
                        "invalid": _("Enter the date as year-month-day, for example 2023-02-21.")})
    start_time = forms.TimeField(
        label=_("Start time"), input_formats=["%H:%M", "%H.%M"],
        error_messages={"required": _("Enter the start time."),
                        "invalid": _("Enter the time on the 24-hour clock, for example 19:00.")})

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_time"].help_text = _(
            "On the 24-hour clock in the group's time zone (%(zone)s), for example 19:00."
        ) % {"zone": zone}
        for field in self.fields.values():
            field.widget.attrs["class"] = "input--short"


class GuestForm(forms.Form):
    allocation = forms.ModelChoiceField(
        label=_("Who makes up a missed session here"), queryset=Allocation.objects.none(),
        empty_label=_("Choose a person"),
        error_messages={"required": _("Choose who makes up a session here."),
                        "invalid_choice": _("Choose one of the people listed.")})

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["allocation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
        field.label_from_instance = lambda a: (  # type: ignore[method-assign,assignment]
            f"{a.booking.participant.full_name} ({a.group.name})")


PRESENT, ABSENT = "present", "absent"


class RegisterForm(forms.Form):
    """One choice a row of the register: present, absent, or not yet marked."""

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            initial = None if row.mark is None else (PRESENT if row.mark.present else ABSENT)
            self.fields[f"m{row.allocation.pk}"] = forms.ChoiceField(
                label=row.allocation.booking.participant.full_name, required=False,
                choices=[(PRESENT, _("Present")), (ABSENT, _("Absent"))],
                widget=forms.RadioSelect, initial=initial)

    def marks(self) -> dict[int, bool]:
        return {row.allocation.pk: self.cleaned_data[f"m{row.allocation.pk}"] == PRESENT
                for row in self.rows if self.cleaned_data.get(f"m{row.allocation.pk}")}

    def bound_rows(self) -> list[tuple[Any, forms.BoundField]]:
        return [(row, self[f"m{row.allocation.pk}"]) for row in self.rows]

