"""Requests to erase a person's data, and what each erasure left behind.

A participant asks (`ErasureRequest`, status requested); the coordinator confirms, and
`privacy.services.erase_person` erases, or refuses with a reason. The retention job erases
accounts inactive for INACTIVE_ACCOUNT_KEEP_DAYS through the same service, with a request of its
own (source "retention"). Rows change only through `privacy.services`.

Nothing here names the person once they are erased: the request points at the (anonymised)
account row, and `__str__` says only the request's number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the coordinator")
    REFUSED = "refused", _("Refused")
    ERASED = "erased", _("Erased")


class ErasureSource(models.TextChoices):
    PARTICIPANT = "participant", _("Asked by the participant")
    COORDINATOR = "coordinator", _("Asked by email, recorded by the coordinator")
    RETENTION = "retention", _("Inactive account, erased by the retention schedule")


class ErasureRequest(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="erasure_requests")
    source = models.CharField(max_length=12, choices=ErasureSource.choices,
                              default=ErasureSource.PARTICIPANT)
    status = models.CharField(max_length=10, choices=ErasureStatus.choices,
                              default=ErasureStatus.REQUESTED)
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    refusal_reason = models.TextField(_("reason"), blank=True)
    # The invoices and credit notes kept as issued (HMRC), to anonymise once their time is up.
    kept_invoices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="requested"),
                                    name="one_waiting_erasure_request_a_person"),
            # Erased once: a second erasure (two retention jobs at once) fails here.
            models.UniqueConstraint(fields=["person"], condition=Q(status="erased"),
                                    name="erased_once"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(refusal_reason=""),
                                   name="a_refused_erasure_has_a_reason"),
            models.CheckConstraint(condition=Q(status="requested") | Q(decided_at__isnull=False),
                                   name="a_decided_erasure_has_a_date"),
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.pk}"


class FileToDelete(models.Model):
    """A private file to delete from storage once the transaction that let go of it commits (an
    erasure, the retention schedule). Written in that transaction, so it is deleted only if the
    change commits; removed with the file. A storage failure leaves the row here, with the error,
    for the periodic job to try again: no one's file is left behind silently."""

    name = models.CharField(max_length=500)
    created_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
