"""Forms of the attendance pages: they parse what was sent; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from trainingdesk.attendance import zoom
from trainingdesk.attendance.models import MarkStatus
from trainingdesk.catalogue.models import TrainingDay
from trainingdesk.lib.zones import format_day

MISSES_MINUTES = (MarkStatus.LATE, MarkStatus.LEFT_EARLY)
MAX_ROW_ERRORS_SHOWN = 20


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form: at the field it names, at the top otherwise."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class MarkForm(forms.Form):
    """One participant's mark on one day's register, as a row posts it. It validates only: the
    register draws its rows as plain HTML (views.MarkRow), with the ids this form's auto_id
    gives, so that the error summary's links reach the fields."""

    booking = forms.IntegerField()
    status = forms.ChoiceField(label=_("Attendance"), choices=MarkStatus.choices,
                               error_messages={"required": _("Choose present, late, left early or absent.")})
    minutes_missed = forms.IntegerField(label=_("Minutes missed"), required=False, min_value=0,
                                        max_value=600)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)

    def __init__(self, *args: Any, booking_id: int, needs_reason: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"b{booking_id}-%s")
        super().__init__(*args, **kwargs)
        self.booking_id = booking_id
        if not needs_reason:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = _(
                "Say why a closed register is being changed.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status, minutes = data.get("status"), data.get("minutes_missed")
        # Ask for the minutes only when none were given: a number out of range says so already.
        if status in MISSES_MINUTES and not minutes and "minutes_missed" not in self.errors:
            self.add_error("minutes_missed", _("Enter how many minutes they missed."))
        if status not in MISSES_MINUTES:
            data["minutes_missed"] = 0
        return data


class ZoomUploadForm(forms.Form):
    report = forms.FileField(
        label=_("Zoom participant report (CSV)"),
        help_text=_("In Zoom: Reports, Usage, the meeting's Participants, Export. A report with "
                    "the meeting's details above the participants is fine."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": _("Choose the report's CSV file.")},
    )

    def __init__(self, *args: Any, max_bytes: int, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes, self.zone = max_bytes, zone
        self.rows: list[zoom.ZoomRow] = []

    def clean_report(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["report"]
        if upload.size is not None and upload.size > self.max_bytes:
            raise ValidationError(_("The file is %(size)s: reports up to %(limit)s can be uploaded.")
                                  % {"size": zoom.describe_size(upload.size),
                                     "limit": zoom.describe_size(self.max_bytes)})
        upload.seek(0)
        data = upload.read(self.max_bytes + 1)
        try:
            rows, errors = zoom.parse_zoom_report(data, max_bytes=self.max_bytes, zone=self.zone)
        except zoom.ZoomReportError as exc:
            raise ValidationError(str(exc)) from exc
        if errors:
            shown = errors[:MAX_ROW_ERRORS_SHOWN]
            if len(errors) > len(shown):
                shown.append(str(_("… and %(count)s more rows that cannot be read.")
                                 % {"count": len(errors) - len(shown)}))
            raise ValidationError([str(_("Nothing was imported. Correct these rows and upload "
                                         "the report again:")), *shown])
        self.rows = rows
        return upload


class ZoomDecisionForm(forms.Form):
    """The coordinator's decisions on a preview: who each unmatched row belongs to (or to
    ignore it), and a reason when the register is closed."""

    def __init__(self, *args: Any, unmatched: list[zoom.ZoomRow], people: list[tuple[int, str]],
                 needs_reason: bool, confirming: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Not decided yet")), (zoom.IGNORE, _("Ignore this row")),
                   *[(str(pk), label) for pk, label in people]]
        for row in unmatched:
            self.fields[f"row_{row.line}"] = forms.ChoiceField(
                label=_("Row %(line)s: %(name)s") % {"line": row.line, "name": row.name or "?"},
                choices=choices, required=confirming,
                error_messages={"required": _("Choose who this row is, or ignore it.")},
            )
        if needs_reason:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the change"), max_length=500, required=confirming,
                help_text=_("The register is closed: say why these marks change."),
                error_messages={"required": _("Say why a closed register is being changed.")},
            )

    def decisions(self) -> dict[int, int | str]:
        chosen: dict[int, int | str] = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith("row_") or not value:
                continue
            chosen[int(name.removeprefix("row_"))] = value if value == zoom.IGNORE else int(value)
        return chosen


class MakeUpDayChoiceField(forms.ModelChoiceField[TrainingDay]):
    def label_from_instance(self, obj: TrainingDay) -> str:
        return f"Day {obj.number}, {format_day(obj.date)}: {obj.run.title}"


class MakeUpDayForm(forms.Form):
    day = MakeUpDayChoiceField(
        label=_("Make-up day"), queryset=TrainingDay.objects.none(), empty_label=_("Choose a day"),
        help_text=_("The same-numbered day of a later run of the same level."),
        error_messages={"required": _("Choose the day they will make up."),
                        "invalid_choice": _("Choose one of the days listed.")},
    )

    def __init__(self, *args: Any, days: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].queryset = days  # type: ignore[attr-defined]
