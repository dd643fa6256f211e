"""API tokens and the answers kept for idempotent writes.

A token belongs to a person (it acts as them) or to an organisation (an employer's HR system:
it sees the bookings and invoices its organisation pays for). Only the SHA-256 of its secret is
kept; the secret is shown once, when the token is made. Rows change only through `api.services`
(tokens) and `api.idempotency` (answers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trainingdesk.accounts.models import Organisation


class Scope(models.TextChoices):
    """What a token may do. Each operation of the API checks exactly one."""

    READ_CATALOGUE = "read:catalogue", _("Read the catalogue")
    BOOK = "book", _("Book and cancel places")
    READ_BOOKINGS = "read:bookings", _("Read bookings")
    READ_INVOICES = "read:invoices", _("Read invoices and credit notes")
    READ_ATTENDANCE = "read:attendance", _("Read attendance")
    READ_CERTIFICATES = "read:certificates", _("Read confirmations and certificates")
    READ_APPLICATIONS = "read:applications", _("Read applications")
    READ_SUPERVISION = "read:supervision", _("Read supervision")


TOKEN_PREFIX = "td"  # noqa: S105 - the tokens' visible prefix, not a secret


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self, now: dt.datetime) -> ApiTokenQuerySet:
        """Not revoked and not expired at `now`."""
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A bearer token for the API: `td_<prefix>_<secret>`. The prefix (8 characters, shown in
    lists so people can tell their tokens apart) is kept as it is; the whole token only as its
    SHA-256."""

    name = models.CharField(_("name"), max_length=100,
                            help_text=_("What uses it, such as “HR system”."))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="api_tokens")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # A list of Scope values (JSON: the same on SQLite and PostgreSQL).
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(max_length=8, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))

    objects: ClassVar[ApiTokenQuerySet] = ApiTokenQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, organisation__isnull=True)
                | Q(user__isnull=True, organisation__isnull=False),
                name="api_token_has_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}_{self.prefix}…)"

    @property
    def owner_name(self) -> str:
        return str(self.organisation or self.user)

    def audit_note(self) -> dict[str, object]:
        """What a write's audit entry says of the token it came through."""
        return {"api_token": self.pk, "token": str(self), "on_behalf_of": self.owner_name}

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def is_live(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in Scope.values if s in self.scopes]


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key`: the same key and request
    again get it back instead of doing the work twice. Inserted first, in the transaction that
    does the work, so a second request with the key waits on the unique constraint and then
    reads the committed answer (or, when the first rolled back, does the work itself)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # The method, path and SHA-256 of the body: another request under the same key is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="one_answer_a_key_a_token"),
        ]

    def __str__(self) -> str:
        return self.key
