from django.contrib import admin

from trainingdesk.audit.admin_mixins import ViewOnlyMixin
from trainingdesk.notifications.models import Email


@admin.register(Email)
class EmailAdmin(ViewOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("subject", "status", "created_at", "sent_at", "attempts")
    list_filter = ("status",)
    search_fields = ("subject",)
    date_hierarchy = "created_at"
    readonly_fields = ("to", "subject", "body", "template", "context", "rendered", "attachments",
                       "message_id", "status",
                       "created_at", "queued_at", "next_attempt_at", "sent_at", "failed_at",
                       "attempts", "last_error")
