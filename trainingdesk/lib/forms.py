"""One way to turn a service's refusal into a form's errors."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError, *,
                       renamed: Mapping[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: beside the field it names (through
    `renamed`, where the service's name for it is not the form's), at the top otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = (renamed or {}).get(name, name)
        form.add_error(field if field in form.fields else None, errors)
