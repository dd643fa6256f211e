"""Making and revoking API tokens: the only writes to `ApiToken` besides its last use.

A person makes tokens for themselves; the coordinator makes them for anyone and for any
organisation. The secret is returned once, by `create_token`, and only its SHA-256 is kept.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from trainingdesk.accounts.models import Organisation, User
from trainingdesk.api.models import TOKEN_PREFIX, ApiToken, Scope, hash_secret
from trainingdesk.audit.log import log_action, snapshot
from trainingdesk.lib.access import require_coordinator


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole bearer token, td_<prefix>_<secret>: shown once, never stored


def _check(name: str, scopes: Iterable[str], expires_at: dt.datetime | None,
           now: dt.datetime) -> list[str]:
    errors: dict[str, str] = {}
    chosen = [s for s in Scope.values if s in set(scopes)]
    unknown = set(scopes) - set(Scope.values)
    if not name.strip():
        errors["name"] = "Enter a name for the token, such as “HR system”."
    if unknown:
        errors["scopes"] = f"Unknown scopes: {', '.join(sorted(unknown))}."
    elif not chosen:
        errors["scopes"] = "Choose at least one thing the token may do."
    if expires_at is not None and expires_at <= now:
        errors["expires_at"] = "Choose an expiry date in the future."
    if errors:
        raise ValidationError(errors)
    return chosen


def create_token(
    *, actor: User, name: str, scopes: Iterable[str], user: User | None = None,
    organisation: Organisation | None = None, expires_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> NewToken:
    """A token for `user` (by default the actor) or for `organisation` (the coordinator only).
    Someone who is not the coordinator may make tokens only for themselves. Audited."""
    now = now or timezone.now()
    if organisation is not None and user is not None:
        raise ValueError("A token belongs to a person or to an organisation, not both")
    if organisation is None and user is None:
        user = actor
    if organisation is not None or (user is not None and user.pk != actor.pk):
        require_coordinator(actor, "make API tokens for someone else or for an organisation")
    chosen = _check(name, list(scopes), expires_at, now)
    for _attempt in range(5):
        prefix = secrets.token_hex(4)  # 8 characters
        secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    name=name.strip(), user=user, organisation=organisation, created_by=actor,
                    scopes=chosen, prefix=prefix, secret_hash=hash_secret(secret),
                    expires_at=expires_at, created_at=now)
                log_action(actor, "api.token.created", token, after=snapshot(token))
            return NewToken(token=token, secret=secret)
        except IntegrityError:  # the one-in-four-billion prefix already taken: draw again
            continue
    raise RuntimeError("Could not draw an unused token prefix")


def may_manage(actor: User, token: ApiToken) -> bool:
    """The token's own person, or the coordinator."""
    return actor.is_coordinator or (token.user_id is not None and token.user_id == actor.pk)


def revoke_token(*, actor: User, token: ApiToken, now: dt.datetime | None = None) -> ApiToken:
    """Revoke a token at once (its next request is refused). Revoking a revoked token changes
    nothing. The person who owns it, or the coordinator. Audited."""
    if not may_manage(actor, token):
        raise PermissionDenied("Only the token's owner or the coordinator can revoke it.")
    now = now or timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        before = snapshot(token)
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        log_action(actor, "api.token.revoked", token, before=before, after=snapshot(token))
    return token
