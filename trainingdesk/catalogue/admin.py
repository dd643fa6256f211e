"""The catalogue in the back office: provider, programme, levels, VAT, fees, runs and their days.

Every admin here is audited (`AuditedAdmin`). A run's days are checked as a schedule by
`forms.TrainingDayFormSet`; copying and publishing a run go through `services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from trainingdesk.accounts.models import Role, User
from trainingdesk.audit.admin_mixins import AuditedAdmin
from trainingdesk.catalogue import services
from trainingdesk.catalogue.forms import (
    CopyRunForm,
    CourseRunAdminForm,
    FeeForm,
    PriceOptionForm,
    TrainingDayForm,
    TrainingDayFormSet,
    VatRateForm,
)
from trainingdesk.catalogue.models import (
    CourseRun,
    CourseworkComponent,
    Fee,
    Level,
    PriceOption,
    Programme,
    Provider,
    TrainingDay,
    VatRate,
)
from trainingdesk.lib.zones import format_day, format_short_day

HTTPS_LINKS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"widget": widgets.AdminURLFieldWidget, "assume_scheme": "https"},
}


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ("name", "email", "vat_number")
    search_fields = ("name",)


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ("name", "provider", "award_name")
    list_select_related = ("provider",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = ("course_guidelines",)

    @admin.display(description=_("course guidelines"))
    def course_guidelines(self, programme: Programme) -> str:
        """Versions are uploaded in the control area, where each is checked and kept."""
        if programme.pk is None:
            return str(_("Save the programme first, then upload its guidelines."))
        url = reverse("catalogue:guidelines_upload", args=[programme.slug])
        return format_html('<a href="{}">{}</a>', url, _("Upload or see the course guidelines' versions"))


class CourseworkComponentInline(admin.TabularInline):
    model = CourseworkComponent
    extra = 0
    fields = ("position", "title", "kind", "quantity", "words", "guidance", "reading_list")


@admin.register(Level)
class LevelAdmin(AuditedAdmin):
    list_display = ("name", "programme", "accreditation", "days_required", "position")
    list_select_related = ("programme",)
    list_filter = ("programme",)
    search_fields = ("name", "accreditation", "programme__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("prerequisite",)
    inlines = (CourseworkComponentInline,)
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    fieldsets = (
        (None, {"fields": ("programme", "name", "slug", "position", "accreditation", "summary",
                           "contents")}),
        (_("Training days"), {"fields": ("days_required", "hours_per_day", "attendance_earns",
                                         "attendance_completion_months")}),
        (_("Admission"), {"fields": (
            "prerequisite", "prerequisite_within_months", "external_prerequisite_accepted",
            "recommended_gap_months", "requires_professional_registration", "accepted_bodies",
            "covering_letter_accepted", "requires_approved_application", "entry_requirements",
        )}),
        (_("Supervision"), {"fields": (
            "supervision_hours", "supervision_session_hours", "supervision_interval_months",
            "supervision_starts_weeks_after", "supervision_terms",
        )}),
        (_("Coursework"), {"fields": (
            "coursework_due_months", "coursework_terms", "assessment_fee",
            "coursework_word_tolerance_percent", "coursework_anonymous_marking",
            "coursework_resubmission_weeks", "resubmission_fee",
        )}),
    )


@admin.register(VatRate)
class VatRateAdmin(AuditedAdmin):
    form = VatRateForm
    list_display = ("category", "percent", "valid_from")
    list_filter = ("category",)


@admin.register(Fee)
class FeeAdmin(AuditedAdmin):
    form = FeeForm
    list_display = ("name", "programme", "gross_amount", "vat_category")
    list_select_related = ("programme",)


class TrainingDayInline(admin.TabularInline):
    model = TrainingDay
    form = TrainingDayForm
    formset = TrainingDayFormSet
    extra = 0
    fields = ("number", "date", "arrival_time", "start_time", "finish_time", "break_minutes",
              "break_description")
    ordering = ("number",)
    verbose_name_plural = _("days (times in the run's time zone)")

    def get_extra(self, request: HttpRequest, obj: CourseRun | None = None, **kwargs: Any) -> int:
        return 1 if obj is None else 0


class PriceOptionInline(admin.StackedInline):
    model = PriceOption
    form = PriceOptionForm
    extra = 0
    fields = (("name", "position"), "description", ("net_amount", "vat_category"),
              ("supervision_hours", "audience", "available_until"))


@admin.register(CourseRun)
class CourseRunAdmin(AuditedAdmin):
    form = CourseRunAdminForm
    formfield_overrides = HTTPS_LINKS
    list_display = ("title", "level", "status", "first_day", "days", "capacity")
    list_filter = ("status", "level")
    search_fields = ("title", "level__name", "level__programme__name")
    inlines = (TrainingDayInline, PriceOptionInline)
    actions = ("copy_to_new_dates", "publish")
    save_on_top = True
    # The status changes only through the action "Publish", which checks the days, and the
    # run's bookings page, which cancels it with its bookings and tells people. A new run is a
    # draft. Its places, once it exists, change on the bookings page too.
    readonly_fields = ("status",)
    fieldsets = (
        (None, {"fields": ("level", "title", "status"),
                "description": _("A new run is a draft. To publish a run, choose it in the list "
                                 "of runs and use the action “Publish the selected runs”. "
                                 "A run's places and cancelling it are on its bookings page "
                                 "(“Bookings and places” above).")}),
        (_("Where"), {"fields": ("delivery", "platform", "joining_link", "venue_name",
                                 "venue_address", "time_zone")}),
        (_("Places and booking"), {"fields": ("capacity", "booking_opens_at",
                                              "booking_closes_at")}),
        (_("For participants"), {"fields": ("notes",)}),
        (_("Trainers"), {"fields": ("trainers",)}),
    )
    filter_horizontal = ("trainers",)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "trainers":
            # Only people who hold the trainer role keep registers.
            kwargs["queryset"] = User.objects.filter(groups__name=Role.TRAINER.value).order_by(
                "full_name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CourseRun]:
        # First day and number of days come from one annotated query, not a query a row.
        qs = super().get_queryset(request)
        return qs.with_dates().select_related("level")  # type: ignore[attr-defined, no-any-return]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A run's places change on its bookings page (control), which checks them against the
        # seats taken under the run's lock and offers new places to the waitlist first.
        return ("status", "capacity") if obj is not None else ("status",)

    @admin.display(description=_("first day"), ordering="first_date")
    def first_day(self, run: CourseRun) -> str:
        first = getattr(run, "first_date", None)
        return format_short_day(first) if first else "—"

    @admin.display(description=_("days"), ordering="day_count")
    def days(self, run: CourseRun) -> str:
        count = getattr(run, "day_count", 0)
        return f"{count} of {run.level.days_required}"

    # --- Copy a run to new dates --------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        copy = path(
            "<path:object_id>/copy/", self.admin_site.admin_view(self.copy_view),
            name="catalogue_courserun_copy",
        )
        return [copy, *super().get_urls()]

    @admin.action(description=_("Copy the selected run to new dates"), permissions=["add"])
    def copy_to_new_dates(
        self, request: HttpRequest, queryset: QuerySet[CourseRun]
    ) -> HttpResponse | None:
        runs = list(queryset.values_list("pk", flat=True)[:2])
        if len(runs) != 1:
            self.message_user(request, _("Choose one run to copy."), messages.ERROR)
            return None
        return HttpResponseRedirect(reverse("admin:catalogue_courserun_copy", args=[runs[0]]))

    def copy_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        run = get_object_or_404(CourseRun.objects.select_related("level"), pk=object_id)
        if not (self.has_view_permission(request, run) and self.has_add_permission(request)):
            raise PermissionDenied
        days = list(run.days.order_by("number"))
        if request.method == "POST":
            form = CopyRunForm(request.POST)
            if form.is_valid() and "_preview" not in request.POST:
                try:
                    copy = services.copy_run(
                        run=run, first_date=form.cleaned_data["first_date"],
                        title=form.cleaned_data["title"], actor=request.user,  # type: ignore[arg-type]
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    self.message_user(
                        request,
                        _("Copied to a draft run, %(title)s, from %(date)s. Check it, then "
                          "publish it.") % {"title": copy.title,
                                            "date": format_day(form.cleaned_data["first_date"])},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:catalogue_courserun_change", args=[copy.pk])
                    )
            first_date = form.cleaned_data.get("first_date") if form.is_bound else None
        else:
            # The same weekday a year on, as the brochure's runs recur.
            suggested = days[0].date + dt.timedelta(weeks=52) if days else None
            form = CopyRunForm(initial={"title": "", "first_date": suggested})
            first_date = suggested
        context = {
            **self.admin_site.each_context(request),
            "title": _("Copy %(run)s to new dates") % {"run": run},
            "opts": self.opts,
            "original": run,
            "form": form,
            "rows": [
                {"number": d.number, "old": format_day(d.date),
                 "new": format_day(new) if new else "—"}
                for d, new in zip(days, form.new_dates(days, first_date), strict=True)
            ],
            "has_days": bool(days),
        }
        return TemplateResponse(request, "admin/catalogue/courserun/copy_run.html", context)

    # --- Publish ------------------------------------------------------------------------------

    @admin.action(description=_("Publish the selected runs"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[CourseRun]) -> None:
        published = 0
        for run in queryset:
            if run.is_published:
                self.message_user(request, _("%(run)s is already published.") % {"run": run},
                                  messages.WARNING)
                continue
            try:
                services.publish_run(run=run, actor=request.user)  # type: ignore[arg-type]
            except ValidationError as exc:
                self.message_user(
                    request,
                    _("%(run)s was not published: %(reasons)s")
                    % {"run": run, "reasons": " ".join(exc.messages)},
                    messages.ERROR,
                )
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("Published %(count)d run.", "Published %(count)d runs.", published)
                % {"count": published},
                messages.SUCCESS,
            )

