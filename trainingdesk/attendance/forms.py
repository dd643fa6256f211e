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
from trainingdesk.lib.zones import UK, format_day, zone_names

MISSES_MINUTES = (MarkStatus.LATE, MarkStatus.LEFT_EARLY)
MAX_ROW_ERRORS_SHOWN = 20


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
    zone = forms.ChoiceField(
        label=_("Time zone of the Zoom account that downloaded the report"),
        help_text=_("Zoom writes a report's times in its account's zone, which may not be the "
                    "course's. We remember your choice for next time."),
        error_messages={"required": _("Choose the time zone of the Zoom account."),
                        "invalid_choice": _("Choose a time zone from the list, such as Europe/London.")},
    )
    date_order = forms.ChoiceField(
        label=_("How the report writes dates"), required=False,
        choices=[("", _("As the report shows (we ask if it cannot tell)")),
                 (zoom.DAY_FIRST, _("Day first: 07/06/2022 is 7 June 2022")),
                 (zoom.MONTH_FIRST, _("Month first: 06/07/2022 is 7 June 2022"))],
        help_text=_("Only needed when every date in the report could be read either way."),
    )

    def __init__(self, *args: Any, max_bytes: int, course_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes, self.course_zone = max_bytes, course_zone
        zone = self.fields["zone"]
        assert isinstance(zone, forms.ChoiceField)
        zone.choices = [(name, _("UK time (Europe/London)") if name == UK else name.replace("_", " "))
                        for name in zone_names()]
        self.parsed: zoom.ZoomReport | None = None

    def clean_report(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["report"]
        if upload.size is not None and upload.size > self.max_bytes:
            raise ValidationError(_("The file is %(size)s: reports up to %(limit)s can be uploaded.")
                                  % {"size": zoom.describe_size(upload.size),
                                     "limit": zoom.describe_size(self.max_bytes)})
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, zone = data.get("report"), data.get("zone")
        if upload is None or not zone:
            return data
        upload.seek(0)
        content = upload.read(self.max_bytes + 1)
        try:
            report = zoom.parse_zoom_report(content, max_bytes=self.max_bytes, zone=self.course_zone,
                                            report_zone=zone, date_order=data.get("date_order") or None)
        except zoom.ZoomReportError as exc:
            self.add_error("report", str(exc))
            return data
        if report.errors:
            shown = report.errors[:MAX_ROW_ERRORS_SHOWN]
            if len(report.errors) > len(shown):
                shown.append(str(_("… and %(count)s more rows that cannot be read.")
                                 % {"count": len(report.errors) - len(shown)}))
            self.add_error("report", ValidationError(
                [str(_("Nothing was imported. Correct these rows and upload the report again:")), *shown]))
            return data
        self.parsed = report
        return data


class ZoomDecisionForm(forms.Form):
    """The coordinator's decisions on a preview: for each person on the register the report
    does not name (by their email), who in the report is them, if anyone; and a reason when
    the register is closed. One field a person on the register, however long the report: a
    choice from the report's unknown people when they are few, else the number of one of
    their rows (the report's row number, as a spreadsheet shows it)."""

    LIST_UP_TO = 200  # unknown people in a list; more, and the row number is typed

    def __init__(self, *args: Any, missing: list[tuple[int, str]], unknown: list[zoom.Attendee],
                 needs_reason: bool, confirming: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unknown_lines = {a.line for a in unknown}
        self.listed = len(unknown) <= self.LIST_UP_TO
        choices = [("", _("Not in the report")),
                   *[(str(a.line), _describe_attendee(a)) for a in unknown]] if self.listed else []
        for booking_id, name in missing:
            label = _("Who in the report is %(name)s?") % {"name": name}
            if self.listed:
                self.fields[f"who_{booking_id}"] = forms.ChoiceField(
                    label=label, choices=choices, required=False,
                    error_messages={"invalid_choice": _("Choose someone from the list.")})
            else:
                self.fields[f"who_{booking_id}"] = forms.IntegerField(
                    label=label, required=False, min_value=1,
                    help_text=_("The row number of one of their rows in the report, as a "
                                "spreadsheet shows it. Leave it empty if they are not in it."),
                    widget=forms.NumberInput(attrs={"class": "input--short", "inputmode": "numeric"}),
                    error_messages={"invalid": _("Enter a row number, such as 12."),
                                    "min_value": _("Enter a row number, such as 12.")})
        if needs_reason:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the change"), max_length=500, required=confirming,
                help_text=_("The register is closed: say why these marks change."),
                error_messages={"required": _("Say why a closed register is being changed.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen: dict[int, int] = {}
        for name, value in list(data.items()):
            if not name.startswith("who_") or value in (None, ""):
                continue
            line = int(value)
            if line not in self.unknown_lines:
                self.add_error(name, _("Row %(line)s is not one of the rows that match nobody on "
                                       "the register.") % {"line": line})
            elif line in chosen.values():
                self.add_error(name, _("Row %(line)s is already chosen for someone else.")
                               % {"line": line})
            else:
                chosen[int(name.removeprefix("who_"))] = line
        return data

    def decisions(self) -> dict[int, int]:
        return {int(name.removeprefix("who_")): int(value) for name, value in self.cleaned_data.items()
                if name.startswith("who_") and value not in (None, "")}


def _describe_attendee(attendee: zoom.Attendee) -> str:
    """'Row 8: Sam's iPad, no email, 421 minutes'."""
    return _("Row %(line)s: %(name)s, %(email)s, %(minutes)s minutes") % {
        "line": attendee.line, "name": attendee.name or "?",
        "email": attendee.email or _("no email"), "minutes": attendee.minutes}


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
