"""Who is calling: `Authorization: Bearer td_<prefix>_<secret>`, or nobody.

`TokenAuth` (ninja's HttpBearer, so the contract says how to authenticate) answers a `Caller`:
the token and whom it acts for, or an anonymous caller where the operation allows one. It also
refuses bodies over API_MAX_BODY_BYTES (413) or without a length (411), and counts the request
against the rate limit, per token or, for anonymous callers, per client address (429 with
Retry-After). Each operation then asks `caller.require(Scope.X)`: a token without the scope is
refused with 403.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from trainingdesk.accounts.models import Organisation, User
from trainingdesk.api.models import ApiToken, hash_secret
from trainingdesk.api.problems import Problem, length_required, too_large, unauthorised
from trainingdesk.lib import ratelimit
from trainingdesk.lib.clientip import client_address

RATE_WINDOW_SECONDS = 60
# The last use is written at most this often, so a busy token is not a write a request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Caller:
    """The token making the request (None: anonymous) and whom it acts for."""

    token: ApiToken | None

    @property
    def user(self) -> User | None:
        return self.token.user if self.token is not None else None

    @property
    def organisation(self) -> Organisation | None:
        return self.token.organisation if self.token is not None else None

    @property
    def is_coordinator(self) -> bool:
        user = self.user
        return user is not None and user.is_coordinator

    def require(self, scope: str) -> ApiToken:
        """The token, when it has `scope`; else 401 (no token) or 403 (not this scope)."""
        if self.token is None:
            raise unauthorised(f"This needs a token with the scope {scope}: "
                               "Authorization: Bearer <token>.")
        if not self.token.allows(scope):
            raise Problem(403, f"This token may not {scope}.", kind="scope",
                          title="The token lacks the scope")
        return self.token

    @property
    def actor(self) -> User | None:
        """Whom the audit log names for a write: the token's person, or, for an organisation's
        token, whoever made it (None once their account is gone). It is not what the token may
        do: an organisation's token acts as its employer (`bookings.services.book`)."""
        if self.token is None:
            return None
        return self.token.user or self.token.created_by


def caller_of(request: HttpRequest) -> Caller:
    caller = getattr(request, "auth", None)
    assert isinstance(caller, Caller), "an operation without TokenAuth"
    return caller


class TokenAuth(HttpBearer):
    def __init__(self, *, anonymous: bool = False) -> None:
        super().__init__()
        self.anonymous = anonymous

    def __call__(self, request: HttpRequest) -> Caller:
        _check_size(request)
        header = request.headers.get("Authorization", "")
        if not header:
            if not self.anonymous:
                raise unauthorised("Send a token: Authorization: Bearer <token>.")
            _count(f"api:anon:{client_address(request) or 'unknown'}")
            return Caller(token=None)
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise unauthorised("Send the token as Authorization: Bearer <token>.")
        token = self.authenticate(request, value.strip())
        _count(f"api:token:{token.pk}")
        return Caller(token=token)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        now = timezone.now()
        found = (ApiToken.objects.select_related("user", "organisation", "created_by")
                 .filter(secret_hash=hash_secret(token)).first())
        if found is None:
            raise unauthorised("This token is not known.")
        if found.revoked_at is not None:
            raise unauthorised("This token has been revoked.")
        if not found.is_live(now):
            raise unauthorised("This token has expired.")
        if found.user is not None and not found.user.is_active:
            raise unauthorised("This token's person can no longer sign in.")
        if found.last_used_at is None or found.last_used_at < now - LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found


def _check_size(request: HttpRequest) -> None:
    """Refuse a body over the limit before anything reads it. Django reads only as many bytes
    as Content-Length says, so a body sent in chunks without one would be taken for an empty
    body (a cancellation without its reason): refuse it with 411 instead."""
    declared = request.META.get("CONTENT_LENGTH")
    if not declared and request.META.get("HTTP_TRANSFER_ENCODING"):
        raise length_required()
    try:
        length = int(declared or 0)
    except ValueError:
        length = 0
    if length > settings.API_MAX_BODY_BYTES:
        raise too_large()


def _count(key: str) -> None:
    if not ratelimit.allow(key, limit=settings.API_RATE_LIMIT_PER_MINUTE, per=RATE_WINDOW_SECONDS):
        retry = RATE_WINDOW_SECONDS - int(time.time() % RATE_WINDOW_SECONDS)
        raise Problem(429, f"Too many requests: at most {settings.API_RATE_LIMIT_PER_MINUTE} a "
                      f"minute. Try again in {retry} seconds.", kind="rate-limited",
                      headers={"Retry-After": str(max(1, retry))})
