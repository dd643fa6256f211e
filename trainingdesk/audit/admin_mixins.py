"""Every change made in the back office goes into the audit log, with the values before and after.

`AuditedAdmin` is the base of every ModelAdmin. It writes through `log_action` only, with dotted
action names: "catalogue.courserun.changed", "catalogue.trainingday.added", ... The admin's
change and delete views run in a transaction, so an entry is written with its change or not at
all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from trainingdesk.audit.log import log_action, snapshot


def action_name(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"


def _many_to_many(obj: models.Model, names: list[str], form: ModelForm | None = None) -> dict[str, Any]:
    """Sorted primary keys of many-to-many fields: as stored, or as the form will store them."""
    values: dict[str, Any] = {}
    for name in names:
        if form is not None:
            chosen = form.cleaned_data.get(name)
            values[name] = sorted(o.pk for o in chosen) if chosen is not None else []
        elif obj.pk is not None:
            values[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        else:
            values[name] = []
    return values


class AuditedAdmin(admin.ModelAdmin):
    """Log additions, changes and deletions of the record and of its inline rows."""

    def _form_many_to_many(self, form: ModelForm) -> list[str]:
        opts = self.model._meta
        return [f.name for f in opts.many_to_many if f.name in form.cleaned_data]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        m2m = self._form_many_to_many(form)
        before: dict[str, Any] | None = None
        if change:
            # `obj` already holds the submitted values: read the stored row for "before".
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                before = {**(snapshot(stored) or {}), **_many_to_many(stored, m2m)}
        super().save_model(request, obj, form, change)
        # Read back, so that "after" holds what the database stores ("500.00", not "500").
        saved = type(obj)._default_manager.get(pk=obj.pk)
        after = {**(snapshot(saved) or {}), **_many_to_many(obj, m2m, form)}
        if change and before == after:
            return
        log_action(request.user, action_name(obj, "changed" if change else "added"), obj,
                   before=before, after=after)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        log_action(request.user, action_name(obj, "deleted"), obj, before=snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        # The bulk "delete selected" action is not wrapped in a transaction by the admin.
        with transaction.atomic():
            objects = list(queryset)
            for obj in objects:
                log_action(request.user, action_name(obj, "deleted"), obj, before=snapshot(obj))
            # A plain queryset: the changelist's may carry annotations that delete() refuses.
            plain = queryset.model._default_manager.filter(pk__in=[o.pk for o in objects])
            super().delete_queryset(request, plain)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        stored = self._stored_rows(formset)
        for deleted in formset.deleted_forms:
            row = stored.get(deleted.instance.pk)
            if row is not None:
                log_action(request.user, action_name(row, "deleted"), row, before=snapshot(row))
        super().save_formset(request, form, formset, change)
        # Read back, so that "after" holds what the database stores ("500.00", not "500").
        saved = self._saved_rows(formset)
        for obj, _fields in formset.changed_objects:
            before, after = snapshot(stored.get(obj.pk)), snapshot(saved.get(obj.pk))
            if before != after:
                log_action(request.user, action_name(obj, "changed"), obj, before=before,
                           after=after)
        for obj in formset.new_objects:
            log_action(request.user, action_name(obj, "added"), obj,
                       after=snapshot(saved.get(obj.pk)))

    @staticmethod
    def _saved_rows(formset: BaseModelFormSet[Any, Any]) -> dict[Any, models.Model]:
        pks = [o.pk for o, _ in formset.changed_objects] + [o.pk for o in formset.new_objects]
        if not pks or formset.model is None:
            return {}
        return formset.model._default_manager.in_bulk(pks)

    @staticmethod
    def _stored_rows(formset: BaseModelFormSet[Any, Any]) -> dict[Any, models.Model]:
        """The stored rows that this save will change or delete, read in one query."""
        pks = [
            f.instance.pk for f in formset.initial_forms
            if f.instance.pk is not None and (f in formset.deleted_forms or f.has_changed())
        ]
        if not pks or formset.model is None:
            return {}
        return formset.model._default_manager.in_bulk(pks)


class ViewOnlyMixin:
    """No adding, changing or deleting, for anyone."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
