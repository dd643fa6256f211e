"""Back-office forms of the catalogue. They parse and check input with the pure rules in
`rules.py` and put each message beside the field it is about; the database constraints stay as
a backstop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from trainingdesk.catalogue.models import (
    CourseRun,
    Fee,
    PriceOption,
    RunStatus,
    TrainingDay,
    VatRate,
)
from trainingdesk.catalogue.rules import (
    DayPlan,
    booking_window_problems,
    day_problems,
    first_start,
    price_problem,
    schedule_problems,
    vat_rate_problem,
)
from trainingdesk.lib.zones import is_zone


def _https_links(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class CourseRunAdminForm(forms.ModelForm):
    """The run itself; checks of its days, which it cannot see, are in TrainingDayFormSet.

    Its status is not here: a new run is a draft, and publishing or cancelling a run goes through
    its services (the admin's actions), which check its days and tell the people booked. A change
    of places is saved through `bookings.services.change_capacity` by the admin.
    """

    class Meta:
        model = CourseRun
        formfield_callback = _https_links
        fields = (
            "level", "title", "delivery", "platform", "joining_link", "venue_name",
            "venue_address", "time_zone", "capacity", "booking_opens_at", "booking_closes_at",
            "notes",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The admin draws a date and time as two boxes with unlinked captions: label each.
        for name in ("booking_opens_at", "booking_closes_at"):
            field = self.fields.get(name)
            parts = getattr(field.widget, "widgets", None) if field else None
            if field and parts and len(parts) == 2:
                parts[0].attrs["aria-label"] = f"{field.label}: date"
                parts[1].attrs["aria-label"] = f"{field.label}: time"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for field, message in booking_window_problems(
            cleaned.get("booking_opens_at"), cleaned.get("booking_closes_at"), None
        ):
            self.add_error(field, message)
        return cleaned


def _plan(cleaned: dict[str, Any]) -> DayPlan | None:
    if any(cleaned.get(name) is None for name in ("number", "date", "start_time", "finish_time")):
        return None
    return DayPlan(
        number=cleaned["number"], date=cleaned["date"], start=cleaned["start_time"],
        finish=cleaned["finish_time"], arrival=cleaned.get("arrival_time"),
        break_minutes=cleaned.get("break_minutes") or 0,
    )


class TrainingDayForm(forms.ModelForm):
    class Meta:
        model = TrainingDay
        fields = ("number", "date", "arrival_time", "start_time", "finish_time", "break_minutes",
                  "break_description")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The days are a table whose column headings are not labels: name each box for people
        # using a screen reader, with the row it is in.
        row = (self.prefix or "").rpartition("-")[2]
        row_name = f"row {int(row) + 1}" if row.isdigit() else "new row"
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", f"{field.label} ({row_name})")

    def clean(self) -> dict[str, Any]:
        # Checked here, before the model's constraints, so that the message is the plain one
        # and sits beside the field (a field with an error skips the constraint check).
        super().clean()
        cleaned = self.cleaned_data
        plan = _plan(cleaned)
        if plan is not None:
            for field, message in day_problems(plan):
                self.add_error(field, message)
        return cleaned


PARKED_NUMBER = 30000
PARKED_DATE = dt.date(1900, 1, 1)


class TrainingDayFormSet(BaseInlineFormSet):
    """A run's days, checked as a schedule against the run as submitted.

    `self.instance` is the run with the values of the form being submitted (its new status,
    booking window and zone), because the admin validates the run's form first.
    """

    def clean(self) -> None:
        # Deliberately not super().clean(): its "duplicate data" checks are replaced by
        # schedule_problems', which name the days.
        forms_kept: list[forms.ModelForm[TrainingDay]] = []
        for form in self.forms:
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            if form.errors:
                return  # each day's own errors first; the schedule is checked once they are fixed
            if form.cleaned_data:
                forms_kept.append(form)
        plans = [p for p in (_plan(f.cleaned_data) for f in forms_kept) if p is not None]

        run = self.instance
        level = run.level if run.level_id else None
        publishing = run.status == RunStatus.PUBLISHED and level is not None
        days_required = level.days_required if level is not None else len(plans)
        errors: list[str] = []
        for problem in schedule_problems(plans, days_required, publishing=publishing):
            if problem.index is not None and problem.field:
                forms_kept[problem.index].add_error(problem.field, problem.message)
            else:
                errors.append(problem.message)

        if is_zone(run.time_zone):
            starts = first_start(plans, run.time_zone)
            for _field, message in booking_window_problems(None, run.booking_closes_at, starts):
                errors.append(message)
        if errors:
            raise ValidationError(errors)

    def save(self, commit: bool = True) -> list[TrainingDay]:
        if commit:
            self._park_moving_days()
        return super().save(commit)

    def _park_moving_days(self) -> None:
        """Rows are saved one at a time while (run, number) and (run, date) are unique, so
        moving every day one date later would collide with the next day halfway through. The
        rows that change number or date, or go, are first parked on a number and date no real
        day has; the save then writes their new values."""
        moving = [
            form.instance.pk for form in self.initial_forms
            if form.instance.pk is not None
            and (form.cleaned_data.get("DELETE") or {"number", "date"} & set(form.changed_data))
        ]
        for offset, pk in enumerate(moving, start=1):
            TrainingDay.objects.filter(pk=pk).update(
                number=PARKED_NUMBER + offset, date=PARKED_DATE + dt.timedelta(days=offset)
            )


class PriceOptionForm(forms.ModelForm):
    class Meta:
        model = PriceOption
        fields = ("name", "position", "description", "net_amount", "vat_category",
                  "supervision_hours", "audience", "available_until")

    def clean_net_amount(self) -> Decimal:
        return _checked_price(self.cleaned_data["net_amount"])


class FeeForm(forms.ModelForm):
    class Meta:
        model = Fee
        fields = ("programme", "name", "gross_amount", "vat_category", "charged_when")

    def clean_gross_amount(self) -> Decimal:
        return _checked_price(self.cleaned_data["gross_amount"])


class VatRateForm(forms.ModelForm):
    class Meta:
        model = VatRate
        fields = ("category", "percent", "valid_from")

    def clean_percent(self) -> Decimal:
        percent: Decimal = self.cleaned_data["percent"]
        problem = vat_rate_problem(percent)
        if problem:
            raise ValidationError(problem)
        return percent


def _checked_price(amount: Decimal) -> Decimal:
    problem = price_problem(amount)
    if problem:
        raise ValidationError(problem)
    return amount


class CopyRunForm(forms.Form):
    """Copy a run to new dates: the days keep their spacing from the new first day."""

    title = forms.CharField(
        label=_("Title of the copy"), max_length=200, help_text=_("For example, Summer 2023."),
    )
    first_date = forms.DateField(
        label=_("New date of Day 1"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The other days move by the same number of days."),
    )

    def new_dates(self, days: list[TrainingDay], first_date: dt.date | None) -> list[dt.date | None]:
        if not days or first_date is None:
            return [None for _ in days]
        shift = first_date - days[0].date
        return [d.date + shift for d in days]


class GuidelinesForm(forms.Form):
    """A new version of a programme's course guidelines. The file is checked by the service
    (`upload_guidelines`), whose message for an empty file is the one shown."""

    file = forms.FileField(
        label=_("Guidelines document"), allow_empty_file=True,
        error_messages={"required": _("Select the guidelines document to upload.")},
        help_text=_("A PDF or Word document (.docx). It replaces the current version on the "
                    "certification page; the link to it stays the same."),
        widget=forms.FileInput(attrs={
            "accept": ".pdf,.docx,application/pdf,"
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
    )
