"""Supervisors and groups in the back office, audited; sessions and allocations are looked at
here and changed through the services."""

from __future__ import annotations

from django.contrib import admin

from trainingdesk.audit.admin_mixins import AuditedAdmin, ViewOnlyMixin
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


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(AuditedAdmin):
    list_display = ("name", "level", "supervisor", "weekday", "start_time", "time_zone", "capacity")
    list_filter = ("level",)
    inlines = (SessionInline,)


@admin.register(Allocation)
class AllocationAdmin(ViewOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("booking", "group", "allocated_at", "allocated_by")
    list_select_related = ("booking__participant", "group", "allocated_by")


@admin.register(OwnSupervisor)
class OwnSupervisorAdmin(ViewOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("booking", "name", "accreditation", "contact")
