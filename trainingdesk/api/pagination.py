"""Cursor pagination over (a time, the id): stable while rows are added, since a cursor names
the last row seen rather than an offset.

    page = paginate(request, queryset, order=("created_at", "id"), cursor=cursor, limit=limit)
    return {"items": [...page.items], "next": page.next}

Rows come oldest first. The cursor is opaque to clients (URL-safe base64 of the last row's
time and id); `next` is the whole URL of the next page, with the request's other parameters,
or null on the last page.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

from trainingdesk.api.problems import validation_problem
from trainingdesk.api.schemas import as_utc

M = TypeVar("M", bound=Model)
Rows = TypeVar("Rows", bound="QuerySet[Any]")

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class PageParams(Schema):
    """The query parameters of every list."""

    cursor: str | None = Field(None, description="From a page's `next`; absent for the first page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows a page, 1 to 100.")


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next: str | None


def _encode(value: Any, pk: int) -> str:
    text = value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
    raw = json.dumps([text, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, kind: type) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        text, pk = json.loads(raw)
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError(pk)
        if kind is dt.datetime:
            value: Any = as_utc(dt.datetime.fromisoformat(text))
        elif kind is dt.date:
            value = dt.date.fromisoformat(text)
        else:
            value = text
        return value, pk
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise validation_problem([{"field": "cursor", "pointer": None, "message":
                                   "This cursor is not one this API gave: start again without it."}]
                                 ) from exc


def filtered(rows: Rows, params: Schema, lookups: dict[str, str]) -> Rows:
    """`rows` narrowed by the list's filters that were given: each parameter named in `lookups`
    as its lookup (times arrive in UTC, checked by `schemas.TimeIn`)."""
    return rows.filter(**{lookup: value for name, lookup in lookups.items()
                          if (value := getattr(params, name)) is not None})


def paginate(request: HttpRequest, rows: QuerySet[M], *, order: str, kind: type,
             params: PageParams) -> Page[M]:
    """A page of `rows` ordered by (`order`, id), after `params.cursor`. `kind` is the type of
    `order`'s values (dt.datetime or dt.date): a cursor is read back as that type."""
    rows = rows.order_by(order, "id")
    if params.cursor:
        value, pk = _decode(params.cursor, kind)
        rows = rows.filter(Q(**{f"{order}__gt": value}) | Q(**{order: value, "id__gt": pk}))
    items = list(rows[: params.limit + 1])
    if len(items) <= params.limit:
        return Page(items, None)
    items = items[: params.limit]
    last = items[-1]
    query = request.GET.copy()
    query["cursor"] = _encode(getattr(last, order), last.pk)
    query["limit"] = str(params.limit)
    return Page(items, request.build_absolute_uri(f"{request.path}?{query.urlencode()}"))
