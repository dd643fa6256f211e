"""Revoking a certificate (with a reason, by the coordinator) and reissuing it with a corrected
name: a new document with a new code; the old one superseded, and its page saying so."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.certificates.conftest import ISSUED_AT
from trainingdesk.audit.models import AuditEntry
from trainingdesk.certificates import services
from trainingdesk.certificates.models import Certificate


def test_the_coordinator_revokes_a_certificate_with_a_reason(certificate, coordinator, client):
    services.revoke_certificate(certificate=certificate, reason="Coursework plagiarised",
                                actor=coordinator, now=ISSUED_AT)
    certificate.refresh_from_db()
    assert certificate.revoked_at == ISSUED_AT and certificate.revoked_by == coordinator
    assert AuditEntry.objects.get(action="certificates.certificate.revoked").reason == \
        "Coursework plagiarised"
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert "Revoked." in page and "Valid." not in page
    assert "plagiarised" not in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_revocation_without_a_reason_is_refused_and_nothing_is_saved(certificate, coordinator,
                                                                       reason):
    with pytest.raises(ValidationError):
        services.revoke_certificate(certificate=certificate, reason=reason, actor=coordinator)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert not AuditEntry.objects.filter(action="certificates.certificate.revoked").exists()


def test_the_database_refuses_a_revocation_without_a_reason(certificate):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=ISSUED_AT)


def test_only_the_coordinator_may_revoke(certificate, trainer):
    with pytest.raises(PermissionDenied):
        services.revoke_certificate(certificate=certificate, reason="No", actor=certificate.participant)
    with pytest.raises(PermissionDenied):
        services.revoke_certificate(certificate=certificate, reason="No", actor=trainer)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_revoking_twice_is_refused(certificate, coordinator):
    services.revoke_certificate(certificate=certificate, reason="Error", actor=coordinator)
    with pytest.raises(ValidationError):
        services.revoke_certificate(certificate=certificate, reason="Again", actor=coordinator)


def test_a_reissue_makes_a_new_certificate_and_supersedes_the_old_one(certificate, coordinator,
                                                                      client):
    new = services.reissue_certificate(certificate=certificate, holder_name="Patricia  Participant",
                                       reason="Name misspelt", actor=coordinator, now=ISSUED_AT)
    certificate.refresh_from_db()
    assert new.code != certificate.code
    assert new.holder_name == "Patricia Participant"
    assert new.replaces == certificate and new.status_index != certificate.status_index
    assert new.levels == certificate.levels and new.award_name == certificate.award_name
    assert certificate.revoked_at == ISSUED_AT and certificate.revocation_reason == "Name misspelt"
    assert Certificate.objects.standing().get() == new
    old_page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert "Revoked and replaced." in old_page and new.code in old_page
    new_page = client.get(reverse("certificates:verify", args=[new.code])).content.decode()
    assert "Valid." in new_page and "Patricia Participant" in new_page
    assert {e.action for e in AuditEntry.objects.filter(action__startswith="certificates.")} >= {
        "certificates.certificate.superseded", "certificates.certificate.reissued"}


def test_a_reissue_without_a_reason_or_a_name_is_refused_and_nothing_is_saved(certificate,
                                                                             coordinator):
    for name, reason in [("Patricia", ""), ("  ", "Name misspelt")]:
        with pytest.raises(ValidationError):
            services.reissue_certificate(certificate=certificate, holder_name=name, reason=reason,
                                         actor=coordinator)
    assert Certificate.objects.count() == 1
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_a_revoked_certificate_cannot_be_reissued(certificate, coordinator):
    services.revoke_certificate(certificate=certificate, reason="Error", actor=coordinator)
    with pytest.raises(ValidationError):
        services.reissue_certificate(certificate=certificate, holder_name="Pat", reason="x",
                                     actor=coordinator)
    assert Certificate.objects.count() == 1


def test_the_coordinator_reissues_through_the_page(certificate, coordinator, client):
    client.force_login(coordinator)
    response = client.post(reverse("certificates:reissue", args=[certificate.code]),
                           {"holder_name": "Patricia Participant", "reason": "Name misspelt"})
    new = Certificate.objects.standing().get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[new.code])


def test_the_reissue_page_shows_a_missing_reason_beside_its_field(certificate, coordinator, client):
    client.force_login(coordinator)
    response = client.post(reverse("certificates:reissue", args=[certificate.code]),
                           {"holder_name": "Patricia Participant", "reason": ""})
    assert response.status_code == 200
    assert "Error:" in response.content.decode()
    assert Certificate.objects.count() == 1
