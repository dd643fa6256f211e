"""Writing an email out, in its task rather than in the transaction that queues it: the context
is kept as JSON until then, rows by reference (read again when the email is written out), dates,
times and amounts by value.

    freeze({"booking": booking, "charge": None, "expires_at": when})
    -> {"booking": {"$row": "bookings.booking", "pk": 7}, "charge": None, "expires_at": {"$datetime": "..."}}
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.template import Context
from django.template.loader import get_template


def freeze(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"$row": value._meta.label_lower, "pk": value.pk}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dict):
        return {str(key): freeze(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [freeze(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(
        f"An email's context cannot hold {type(value).__name__}: pass rows, dates, amounts or text."
    )


def thaw(value: Any) -> Any:
    if isinstance(value, list):
        return [thaw(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "$row" in value:
        return apps.get_model(value["$row"])._default_manager.get(pk=value["pk"])
    if "$datetime" in value:
        return dt.datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return dt.date.fromisoformat(value["$date"])
    if "$decimal" in value:
        return Decimal(value["$decimal"])
    return {key: thaw(item) for key, item in value.items()}


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of a plain-text template whose first line is the subject. Nothing is
    HTML-escaped: "O'Brien & Co" and a joining link's "&" stay as written."""
    text = get_template(template).template.render(  # type: ignore[attr-defined]
        Context({"site_url": settings.SITE_URL, **context}, autoescape=False)
    ).strip()
    subject, _sep, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"
