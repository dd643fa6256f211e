"""One way to write the audit log: `log_action(actor, "catalogue.run.published", run, ...)`."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile

from trainingdesk.audit.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model | None) -> dict[str, Any] | None:
    """The stored values of a record's own fields, ready for JSON."""
    if obj is None or obj.pk is None:
        return None
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"password"}:
            continue
        data[field.name] = _jsonable(field.value_from_object(obj))
    return data


def log_action(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Record one change. Call it inside the transaction that makes the change."""
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    transaction.on_commit(_forget_cached_version)
    return AuditEntry.objects.create(
        actor_id=actor_id,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
    )


VERSION_KEY = "audit:latest-change"
# How long a version read from the database is trusted without asking again. Every commit that
# audits a change forgets it at once; only a read racing a commit can keep the older version,
# for this long at most.
VERSION_SECONDS = 5


def _forget_cached_version() -> None:
    cache.delete(VERSION_KEY)


def latest_change() -> int:
    """The id of the newest audit entry: it grows with every audited change, so it serves as
    a version number of everything the product shows. Kept in the shared cache (every commit
    that audits a change forgets it), else one index-only query."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _latest_change_in_database()
        cache.add(VERSION_KEY, version, VERSION_SECONDS)
    return int(version)


def _latest_change_in_database() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {AuditEntry._meta.db_table}")  # noqa: S608 - a model's own table name
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0
