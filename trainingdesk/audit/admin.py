"""The audit log in the back office: read by the coordinator, changed by nobody."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from trainingdesk.audit.models import AuditEntry


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value or '""'
    return json.dumps(value, ensure_ascii=False)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_repr")
    list_select_related = ("actor",)
    list_filter = ("action",)
    search_fields = ("action", "object_repr", "actor__email", "actor__full_name")
    date_hierarchy = "at"
    fields = ("at", "actor", "action", "record", "reason", "changed", "values")
    readonly_fields = fields
    show_full_result_count = False

    # Nobody adds, edits or deletes an entry, not even a superuser: the log is a record.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    @admin.display(description=_("record"))
    def record(self, entry: AuditEntry) -> str:
        ct = entry.content_type
        if ct is None:
            return entry.object_repr or "—"
        label = f"{entry.object_repr} ({ct.app_label}.{ct.model} {entry.object_id})"
        try:
            url = reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[entry.object_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("changed fields"))
    def changed(self, entry: AuditEntry) -> str:
        return ", ".join(entry.changed_fields()) or "—"

    @admin.display(description=_("before and after"))
    def values(self, entry: AuditEntry) -> SafeString | str:
        before, after = entry.before or {}, entry.after or {}
        if not before and not after:
            return "—"
        changed = set(entry.changed_fields())
        rows = format_html_join(
            "\n",
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (name, _shown(before.get(name)) if before else "—",
                 _shown(after.get(name)) if after else "—",
                 format_html("<strong>{}</strong>", _("changed")) if name in changed else "")
                for name in sorted(set(before) | set(after))
            ),
        )
        return format_html(
            '<table class="audit-values"><caption>{}</caption><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            _("Values before and after this change"), _("field"), _("before"), _("after"),
            _("changed?"), rows,
        )
