"""The Advanced Certificate as an issued document, and the revocation list's positions.

- `Certificate`: immutable once issued. Everything it states (the holder's name, the award, the
  levels completed, the supervision) is copied onto it, with the signed Open Badges credential as
  issued. Only a revocation (with its reason) is added later; a corrected name is a new
  certificate that `replaces` the old one, which is then revoked (superseded). A participant has
  at most one standing certificate of a programme.
- `StatusListEntry`: which position of the revocation status list (W3C Bitstring Status List)
  each credential we issue was given, for certificates and, when the provider chooses, Attendance
  Confirmations, keyed by the document's code, so that no two credentials share a bit and the
  confirmations' own rows are never changed.

Every row here is written by `certificates.services`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trainingdesk.catalogue.models import Programme
from trainingdesk.certificates.documents import CertificateData, LevelCompleted
from trainingdesk.coursework.models import Portfolio
from trainingdesk.lib import verification


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def standing(self) -> CertificateQuerySet:
        """Not revoked (and so not superseded either)."""
        return self.filter(revoked_at__isnull=True)

    def for_display(self) -> CertificateQuerySet:
        """With what `status` and `as_data` read: the replacement, if any."""
        return self.select_related("replaced_by")


class Certificate(models.Model):
    code = models.CharField(_("verification code"), max_length=24, unique=True,
                            default=verification.new_code, editable=False)
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="certificates")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="+",
                                  help_text=_("The passed coursework it was issued on."))
    holder_name = models.CharField(_("name"), max_length=200)
    award_name = models.CharField(max_length=200)
    provider_name = models.CharField(max_length=200)
    provider_accreditation = models.CharField(max_length=300, blank=True)
    # A level done with another provider, accepted as equivalent, also has its 'provider'.
    levels = models.JSONField(
        help_text="[{'name', 'accreditation', 'completed_on'}], from the Attendance Confirmations")
    supervision_hours = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(0))
    own_supervisor = models.BooleanField(default=False)
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revocation_reason = models.TextField(blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by",
        help_text=_("The certificate this one was reissued in place of (a corrected name)."))
    status_index = models.PositiveIntegerField(
        unique=True, help_text=_("Its bit in the revocation status list."))
    credential = models.JSONField(help_text="The signed Open Badges 3.0 credential, as issued.")

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="a_certificate_revocation_has_a_reason",
            ),
            models.UniqueConstraint(
                fields=["participant", "programme"], condition=Q(revoked_at__isnull=True),
                name="one_standing_certificate_a_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"Certificate {self.code}"

    def get_absolute_url(self) -> str:
        """Its public verification page."""
        return verification.verification_path(self.code)

    @property
    def replacement(self) -> Certificate | None:
        try:
            return self.replaced_by  # type: ignore[no-any-return]
        except Certificate.DoesNotExist:
            return None

    @property
    def status(self) -> verification.Status:
        """Valid; revoked; or superseded (revoked and reissued). Reading `replaced_by` is a query
        unless selected (`Certificate.objects.for_display()`)."""
        if self.revoked_at is None:
            return verification.Status.VALID
        if self.replacement is not None:
            return verification.Status.SUPERSEDED
        return verification.Status.REVOKED

    @property
    def levels_completed(self) -> tuple[LevelCompleted, ...]:
        return tuple(LevelCompleted(name=level["name"], accreditation=level.get("accreditation", ""),
                                    completed_on=dt.date.fromisoformat(level["completed_on"]),
                                    provider=level.get("provider", ""))
                     for level in self.levels)

    def as_data(self) -> CertificateData:
        """What the PDF prints: the record as issued, marked if no longer valid."""
        status = self.status
        return CertificateData(
            holder_name=self.holder_name, award_name=self.award_name,
            provider_name=self.provider_name, provider_accreditation=self.provider_accreditation,
            issued_on=timezone.localtime(self.issued_at).date(), code=self.code,
            levels=self.levels_completed, supervision_hours=self.supervision_hours,
            own_supervisor=self.own_supervisor,
            superseded=status == verification.Status.SUPERSEDED,
            revoked=status == verification.Status.REVOKED,
        )


class StatusListEntry(models.Model):
    """A credential's position in the revocation status list. Positions are drawn at random (the
    spec's advice: neighbouring positions say nothing about when, or to whom, they were issued)
    and never reused."""

    index = models.PositiveIntegerField(unique=True)
    code = models.CharField(max_length=24, unique=True,
                            help_text=_("The verification code of the document it belongs to."))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["index"]
        verbose_name_plural = "status list entries"

    def __str__(self) -> str:
        return f"Status list entry {self.index} ({self.code})"
