"""Supervisors and groups in the back office, audited; sessions and allocations are looked at
here and changed through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from trainingdesk.audit.admin_mixins import AuditedAdmin, ViewOnlyMixin
from trainingdesk.supervision import services
from trainingdesk.supervision.models import (
    Allocation,
    OwnSupervisor,
    SupervisionGroup,
    SupervisionSession,
    Supervisor,
)


@admin.register(Supervisor)
class SupervisorAdmin(AuditedAdmin):
    list_display = ("user", "accreditation")
    autocomplete_fields = ("user",)


class SessionInline(ViewOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = SupervisionSession
    extra = 0
    fields = ("number", "starts_at", "ends_at", "status")
    readonly_fields = fields


class SupervisionGroupForm(forms.ModelForm):  # type: ignore[type-arg]
    joining_link = forms.URLField(label=_("online joining link"), max_length=500,
                                  assume_scheme="https")

    class Meta:
        model = SupervisionGroup
        fields = ("name", "level", "supervisor", "capacity", "weekday", "start_time", "time_zone",
                  "country", "subdivision", "joining_link", "runs")

    def clean_capacity(self) -> Any:
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and self.instance.pk:
            members = self.instance.allocations.count()
            if capacity < members:
                raise ValidationError(
                    _("The group has %(members)d members: its places cannot be fewer.")
                    % {"members": members})
        return capacity


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(AuditedAdmin):
    form = SupervisionGroupForm
    list_display = ("name", "level", "supervisor", "weekday", "start_time", "time_zone", "capacity")
    list_filter = ("level",)
    filter_horizontal = ("runs",)
    inlines = (SessionInline,)
    actions = ("plan",)

    @admin.action(description=_("Plan the sessions of the selected groups"))
    def plan(self, request: HttpRequest, queryset: QuerySet[SupervisionGroup]) -> None:
        for group in queryset:
            try:
                sessions = services.plan_sessions(group=group, actor=request.user)  # type: ignore[arg-type]
            except ValidationError as error:
                self.message_user(request, f"{group}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(group)s: %(count)d sessions planned.")
                                  % {"group": group, "count": len(sessions)}, messages.SUCCESS)


@admin.register(Allocation)
class AllocationAdmin(ViewOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("booking", "group", "allocated_at", "allocated_by")
    list_select_related = ("booking__participant", "group", "allocated_by")


@admin.register(OwnSupervisor)
class OwnSupervisorAdmin(ViewOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("booking", "name", "accreditation", "contact")
