"""Safe retries of a POST: with an `Idempotency-Key` header, the same key and the same request
get the first answer back (its status and body) and nothing is done twice.

The record is inserted first, in the same transaction as the work. A second request with the
key, arriving while the first is still at work, waits on the unique constraint (PostgreSQL: the
index entry's lock; SQLite: the IMMEDIATE transaction's write lock) and then finds the committed
answer. When the work is refused (an error), the transaction rolls back with the record, so the
key may be used again for a corrected request.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from trainingdesk.api.models import ApiToken, IdempotencyRecord
from trainingdesk.api.problems import Problem

HEADER = "Idempotency-Key"
MAX_KEY = 255
CONTENT_TYPE = "application/json; charset=utf-8"


def fingerprint(request: HttpRequest) -> str:
    body = hashlib.sha256(request.body).hexdigest()
    return hashlib.sha256(f"{request.method} {request.path} {body}".encode()).hexdigest()


def _answer(status: int, body: str, *, replayed: bool) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPE)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def once(request: HttpRequest, token: ApiToken,
         work: Callable[[], tuple[int, dict[str, Any]]]) -> HttpResponse:
    """Do `work` (which answers a status and a JSON-ready body) at most once per key."""
    key = request.headers.get(HEADER, "")
    if not key:
        status, body = work()
        return _answer(status, json.dumps(body), replayed=False)
    if len(key) > MAX_KEY or not key.isprintable():
        raise Problem(422, f"An {HEADER} is 1 to {MAX_KEY} printable characters.",
                      kind="validation", title="The request is not valid",
                      errors=[{"field": HEADER, "pointer": None, "message": "Not a valid key."}])
    print_ = fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    token=token, key=key, fingerprint=print_, created_at=timezone.now())
        except IntegrityError:
            record = None
        if record is None:
            earlier = IdempotencyRecord.objects.get(token=token, key=key)
            if earlier.fingerprint != print_:
                raise Problem(422, f"This {HEADER} was used with a different request.",
                              kind="idempotency-key-reused", title="The key was used before")
            return _answer(earlier.status_code, earlier.response_body, replayed=True)
        status, body = work()
        record.status_code = status
        record.response_body = json.dumps(body)
        record.save(update_fields=["status_code", "response_body"])
    return _answer(status, record.response_body, replayed=False)
