"""Open Badges 3.0 credentials: eddsa-rdfc-2022 signing checked against the W3C test vector."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
from cachetools import LRUCache
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trainingdesk.lib import credentials

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
SITE = "training.example.org"


def _credential(**overrides: object) -> dict:
    fields: dict = {
        "issuer_did": credentials.did_web(SITE),
        "issuer_name": "PartnershipProjects",
        "subject_name": "Zoë Ødegård",
        "achievement_name": "Advanced Certificate in NVR Practice",
        "achievement_description": "Completed the Foundation and Advanced levels and passed the coursework.",
        "credential_id": "https://training.example.org/credentials/abc123",
        "valid_from": datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
    }
    fields.update(overrides)
    return credentials.build_credential(**fields)


def _signed(key: Ed25519PrivateKey = KEY) -> dict:
    return credentials.sign(
        _credential(),
        private_key=key,
        verification_method=credentials.verification_method_id(SITE),
        created=datetime(2026, 11, 30, 12, 0, 5, tzinfo=UTC),
    )


def test_builds_an_open_badge_credential():
    cred = _credential()
    assert cred["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert cred["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert cred["issuer"] == {
        "id": "did:web:training.example.org",
        "type": ["Profile"],
        "name": "PartnershipProjects",
    }
    assert cred["validFrom"] == "2026-11-30T12:00:00Z"
    subject = cred["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["name"] == "Zoë Ødegård"
    assert subject["achievement"]["type"] == ["Achievement"]
    assert subject["achievement"]["name"] == "Advanced Certificate in NVR Practice"
    assert "criteria" in subject["achievement"]


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        _credential(valid_from=datetime(2026, 11, 30, 12, 0))


def test_sign_then_verify():
    signed = _signed()
    assert credentials.verify(signed, public_key=KEY.public_key())
    assert "proof" not in _credential()


def test_proof_fields():
    proof = _signed()["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == "did:web:training.example.org#key-1"
    assert proof["created"] == "2026-11-30T12:00:05Z"
    assert proof["proofValue"].startswith("z")
    assert len(credentials.multibase_decode(proof["proofValue"])) == 64


def test_one_changed_character_in_the_name_fails():
    signed = _signed()
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["name"] = "Zoë Ødegårg"
    assert not credentials.verify(tampered, public_key=KEY.public_key())
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] += "."
    assert not credentials.verify(tampered, public_key=KEY.public_key())


def test_changed_proof_options_fail():
    tampered = _signed()
    tampered["proof"]["created"] = "2026-11-30T12:00:06Z"
    assert not credentials.verify(tampered, public_key=KEY.public_key())


def test_a_wrong_key_fails():
    other = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    assert not credentials.verify(_signed(), public_key=other.public_key())
    assert not credentials.verify(_signed(other), public_key=KEY.public_key())


def test_malformed_proofs_fail():
    signed = _signed()
    for change in [
        {"proofValue": "z1"},
        {"proofValue": "not-base58!"},
        {"cryptosuite": "eddsa-jcs-2022"},
        {"proofPurpose": "authentication"},
    ]:
        broken = copy.deepcopy(signed)
        broken["proof"].update(change)
        assert not credentials.verify(broken, public_key=KEY.public_key())
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    assert not credentials.verify(unsigned, public_key=KEY.public_key())


def test_an_unbundled_context_is_refused_not_fetched():
    signed = _signed()
    signed["@context"] = [*signed["@context"], "https://evil.example/context.json"]
    assert not credentials.verify(signed, public_key=KEY.public_key())
    with pytest.raises(credentials.ContextNotBundled):
        credentials._document_loader("https://evil.example/context.json")


def test_did_document():
    doc = credentials.did_document(SITE, KEY.public_key())
    assert doc["id"] == "did:web:training.example.org"
    (method,) = doc["verificationMethod"]
    assert method["type"] == "Multikey"
    assert method["id"] == "did:web:training.example.org#key-1"
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert credentials.public_key_from_multibase(method["publicKeyMultibase"]).public_bytes_raw() == (
        KEY.public_key().public_bytes_raw()
    )
    assert doc["assertionMethod"] == ["did:web:training.example.org#key-1"]
    assert credentials.did_web("localhost:8000") == "did:web:localhost%3A8000"


def test_base58_round_trip():
    for data in [b"", b"\0", b"\0\0\x01", bytes(range(256))]:
        assert credentials.b58decode(credentials.b58encode(data)) == data


# W3C "Data Integrity EdDSA Cryptosuites v1.0", test vectors for eddsa-rdfc-2022
# (TestVectors/keyPair.json and TestVectors/eddsa-rdfc-2022/signedDataInt.json in w3c/vc-di-eddsa).
W3C_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PRIVATE_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
W3C_UNSIGNED = {
    "@context": ["https://www.w3.org/ns/credentials/v2", W3C_EXAMPLES_CONTEXT],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
W3C_PROOF_VALUE = "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78WkzctnMX5W4CrzcKnHw8V6dvy5pgWYCU5e9"


def test_w3c_test_vector(monkeypatch):
    # The examples context is the spec's, for the test only: production bundles no such context.
    contexts = dict(credentials.CONTEXTS)
    contexts[W3C_EXAMPLES_CONTEXT] = {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}
    monkeypatch.setattr(credentials, "CONTEXTS", contexts)
    monkeypatch.setattr(credentials, "_context_cache", LRUCache(maxsize=10))
    key = credentials.private_key_from_multibase(W3C_PRIVATE_KEY)
    assert credentials.public_key_multibase(key.public_key()) == W3C_PUBLIC_KEY
    signed = credentials.sign(
        W3C_UNSIGNED,
        private_key=key,
        verification_method=f"https://vc.example/issuers/5678#{W3C_PUBLIC_KEY}",
        created="2023-02-24T23:36:38Z",
    )
    assert signed["proof"] == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": f"https://vc.example/issuers/5678#{W3C_PUBLIC_KEY}",
        "proofPurpose": "assertionMethod",
        "proofValue": W3C_PROOF_VALUE,
    }
    assert credentials.verify(signed, public_key=credentials.public_key_from_multibase(W3C_PUBLIC_KEY))
