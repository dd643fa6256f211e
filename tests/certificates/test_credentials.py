"""Every certificate's Open Badges 3.0 credential: signed with the key from the settings, checked
with lib.credentials.verify against the did:web document we publish; a one-character change fails;
revocation sets its bit in the status list, which is itself signed."""

from __future__ import annotations

import copy
import json

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.certificates.conftest import ISSUED_AT
from trainingdesk.attendance.services import revoke_confirmation
from trainingdesk.catalogue.models import Provider
from trainingdesk.certificates import openbadges, services
from trainingdesk.certificates.models import StatusListEntry
from trainingdesk.lib import credentials, status_list


def _did_key(client):
    document = client.get("/.well-known/did.json").json()
    [method] = document["verificationMethod"]
    return document, credentials.public_key_from_multibase(method["publicKeyMultibase"])


def test_the_did_document_publishes_the_public_half_of_the_signing_key(client):
    document, key = _did_key(client)
    assert document["id"] == "did:web:" + settings.SITE_URL.split("://")[1].replace(":", "%3A")
    assert credentials.public_key_multibase(key) == credentials.public_key_multibase(
        credentials.private_key_from_multibase(settings.CREDENTIAL_SIGNING_KEY).public_key())


def test_a_certificate_s_credential_verifies_with_the_published_key(certificate, client):
    _document, key = _did_key(client)
    credential = certificate.credential
    assert credentials.verify(credential, public_key=key)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == openbadges.issuer_did()
    assert credential["proof"]["verificationMethod"] == openbadges.verification_method()
    subject = credential["credentialSubject"]
    assert subject["name"] == "Pat Participant"
    assert subject["achievement"]["name"] == "PartnershipProjects Advanced Certificate in NVR Practice"
    assert "12 hours of group supervision" in subject["achievement"]["criteria"]["narrative"]
    assert credential["credentialStatus"]["statusListIndex"] == str(certificate.status_index)


def test_a_credential_changed_by_one_character_fails(certificate):
    key = openbadges.public_key()
    tampered = copy.deepcopy(certificate.credential)
    tampered["credentialSubject"]["name"] = "Pat Participanu"
    assert not credentials.verify(tampered, public_key=key)
    text = json.dumps(certificate.credential)
    changed = text.replace("Advanced Certificate", "Advanced Certificatf", 1)
    assert not credentials.verify(json.loads(changed), public_key=key)


def test_a_credential_signed_with_another_key_fails(certificate):
    other = credentials.multibase_encode(b"\x80\x26" + bytes(range(32)))
    with override_settings(CREDENTIAL_SIGNING_KEY=other):
        assert not credentials.verify(certificate.credential, public_key=openbadges.public_key())


def _status_bit(client, credential) -> bool:
    entry = credential["credentialStatus"]
    response = client.get(entry["statusListCredential"].removeprefix(settings.SITE_URL))
    assert response.status_code == 200
    assert "max-age=300" in response["Cache-Control"]
    listed = json.loads(response.content)
    assert credentials.verify(listed, public_key=openbadges.public_key())
    return status_list.is_set(listed["credentialSubject"]["encodedList"], int(entry["statusListIndex"]))


def test_a_revoked_certificate_s_bit_is_set_in_the_signed_status_list(certificate, coordinator,
                                                                      client):
    assert _status_bit(client, certificate.credential) is False
    services.revoke_certificate(certificate=certificate, reason="Issued in error", actor=coordinator,
                                now=ISSUED_AT)
    assert _status_bit(client, certificate.credential) is True


def test_a_superseded_certificate_s_bit_is_set_and_its_replacement_s_is_not(certificate, coordinator,
                                                                          client):
    new = services.reissue_certificate(certificate=certificate, holder_name="Patricia Participant",
                                       reason="Name misspelt", actor=coordinator)
    assert _status_bit(client, certificate.credential) is True
    assert _status_bit(client, new.credential) is False
    assert credentials.verify(new.credential, public_key=openbadges.public_key())


def test_the_verification_page_links_the_public_credential(certificate, client):
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    url = reverse("certificates:verify_credential", args=[certificate.code])
    assert url in page
    assert client.get(url).json() == certificate.credential


def test_a_confirmation_has_no_credential_unless_its_provider_chooses(confirmation, client):
    url = reverse("certificates:verify_credential", args=[confirmation.code])
    assert client.get(url).status_code == 404
    page = client.get(reverse("certificates:verify", args=[confirmation.code])).content.decode()
    assert url not in page


def test_a_confirmation_s_credential_verifies_and_its_revocation_sets_its_bit(
        confirmation, coordinator, client):
    Provider.objects.update(open_badges_for_confirmations=True)
    url = reverse("certificates:verify_credential", args=[confirmation.code])
    assert url in client.get(reverse("certificates:verify", args=[confirmation.code])).content.decode()
    credential = client.get(url).json()
    assert credentials.verify(credential, public_key=openbadges.public_key())
    assert credential["credentialSubject"]["name"] == "Pat Participant"
    assert client.get(url).json() == credential  # the same document every time
    assert StatusListEntry.objects.filter(code=confirmation.code).count() == 1
    assert _status_bit(client, credential) is False
    revoke_confirmation(confirmation=confirmation, reason="Issued in error", actor=coordinator)
    assert _status_bit(client, credential) is True


def test_an_independent_verifier_accepts_a_certificate_and_refuses_it_once_revoked(
        certificate, coordinator, client):
    """Digital Bazaar's verifier (tests/verifier), given only what we publish: the DID document,
    the credential and the status list."""
    from tests.verifier.independent import independent_verify

    did_document = client.get(reverse("certificates:did_json")).json()
    listed = client.get(reverse("certificates:status_list")).json()
    assert independent_verify(certificate.credential, did_document,
                              status_list_credential=listed) == (True, "")
    services.revoke_certificate(certificate=certificate, reason="Issued in error", actor=coordinator)
    listed = client.get(reverse("certificates:status_list")).json()
    verified, why = independent_verify(certificate.credential, did_document,
                                       status_list_credential=listed)
    assert not verified and "revoked" in why
