"""Open Badges 3.0 credentials: eddsa-rdfc-2022 signing checked against the W3C test vector."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
from cachetools import LRUCache
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.lib import published_examples as examples
from trainingdesk.lib import credentials, status_list

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


def _sign(credential: dict, key: Ed25519PrivateKey = KEY) -> dict:
    return credentials.sign(
        credential,
        private_key=key,
        verification_method=credentials.verification_method_id(SITE),
        created=datetime(2026, 11, 30, 12, 0, 5, tzinfo=UTC),
    )


def _signed(key: Ed25519PrivateKey = KEY) -> dict:
    return _sign(_credential(), key)


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


def _with_contexts(monkeypatch: pytest.MonkeyPatch, extra: dict) -> None:
    """Contexts a test's published example names beyond the bundled ones, for that test only."""
    monkeypatch.setattr(credentials, "CONTEXTS", {**credentials.CONTEXTS, **extra})
    monkeypatch.setattr(credentials, "_context_cache", LRUCache(maxsize=10))


def test_w3c_test_vector(monkeypatch):
    # W3C "Data Integrity EdDSA Cryptosuites v1.0", test vectors for eddsa-rdfc-2022
    # (TestVectors/keyPair.json and TestVectors/eddsa-rdfc-2022/signedDataInt.json in w3c/vc-di-eddsa).
    _with_contexts(monkeypatch, examples.w3c_contexts())
    published = examples.w3c_signed()
    unsigned = {k: v for k, v in published.items() if k != "proof"}
    key = credentials.private_key_from_multibase(examples.W3C_PRIVATE_KEY)
    assert credentials.public_key_multibase(key.public_key()) == examples.W3C_PUBLIC_KEY
    signed = credentials.sign(
        unsigned,
        private_key=key,
        verification_method=published["proof"]["verificationMethod"],
        created=published["proof"]["created"],
    )
    assert signed == published
    assert credentials.verify(published, public_key=key.public_key())


# --- every term defined: what the contexts leave undefined, a proof would not cover ---


def test_an_undefined_property_is_neither_signed_nor_verified():
    credential = _credential()
    credential["credentialSubject"]["favouriteColour"] = "green"
    assert credentials.undefined_terms(credential) == ["property 'favouriteColour'"]
    with pytest.raises(credentials.TermNotDefined):
        _sign(credential)
    signed = _signed()
    signed["credentialSubject"]["favouriteColour"] = "green"
    assert not credentials.verify(signed, public_key=KEY.public_key())


def test_an_undefined_type_and_a_relative_id_are_refused_not_resolved_against_a_made_up_base():
    credential = _credential(subject_id="holder-17")
    credential["type"].append("NvrCertificate")
    assert set(credentials.undefined_terms(credential)) == {"id 'holder-17'", "type 'NvrCertificate'"}
    with pytest.raises(credentials.TermNotDefined):
        _sign(credential)


def test_our_badge_its_status_entry_and_the_status_list_leave_nothing_undefined():
    list_url = "https://training.example.org/credentials/status/1"
    assert credentials.undefined_terms(_credential()) == []
    assert credentials.undefined_terms(_signed()) == []
    entry = status_list.status_entry(list_url, 7)
    assert credentials.undefined_terms(_credential(credential_status=entry)) == []
    status_list_credential = status_list.status_list_credential(
        list_url=list_url,
        issuer_did=credentials.did_web(SITE),
        encoded_list=status_list.encode([7]),
        valid_from=datetime(2026, 11, 30, tzinfo=UTC),
    )
    assert credentials.undefined_terms(status_list_credential) == []


def test_every_term_of_the_1edtech_basic_ob3_example_is_defined_by_the_bundled_contexts():
    example = examples.ob3_basic()
    assert example["@context"] == credentials.CREDENTIAL_CONTEXT
    assert credentials.undefined_terms(example) == []
    nquads = credentials._canonize(example)
    assert "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential>" in nquads
    assert "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement>" in nquads
    assert '"Teamwork"' in nquads


def test_every_term_of_the_1edtech_complete_ob3_example_is_defined_with_its_extensions_context(monkeypatch):
    _with_contexts(monkeypatch, examples.ob3_contexts())
    example = examples.ob3_full()
    assert credentials.undefined_terms(example) == []
    # The check bites: without the extensions context, the 1EdTech service types are undefined.
    example["@context"] = credentials.CREDENTIAL_CONTEXT
    assert set(credentials.undefined_terms(example)) == {
        "type '1EdTechJsonSchemaValidator2019'",
        "type '1EdTechRevocationList'",
        "type '1EdTechCredentialRefresh'",
    }


def test_the_complete_ob3_example_signs_and_verifies(monkeypatch):
    _with_contexts(monkeypatch, examples.ob3_contexts())
    example = examples.ob3_full()
    example["issuer"]["id"] = credentials.did_web(SITE)
    signed = _sign(example)
    assert credentials.verify(signed, public_key=KEY.public_key())
    signed["credentialSubject"]["creditsEarned"] = 42.5
    assert not credentials.verify(signed, public_key=KEY.public_key())


def _types(node: dict) -> list:
    kind = node.get("type", [])
    return kind if isinstance(kind, list) else [kind]


def test_build_credential_gives_every_field_that_ob3_requires():
    """OB 3.0 AchievementCredential, AchievementSubject, Achievement, Profile and Criteria: the
    fields the spec's data model marks required ([1] multiplicity)."""
    badge = _credential()
    example = examples.ob3_basic()
    for credential in (badge, example):
        assert credential["@context"][:2] == credentials.CREDENTIAL_CONTEXT
        assert credential["id"].startswith(("https://", "http://", "urn:"))
        assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(_types(credential))
        assert credential["name"]
        assert credential["issuer"]["id"]
        assert "Profile" in _types(credential["issuer"])
        assert credential["validFrom"].endswith("Z")
        subject = credential["credentialSubject"]
        assert "AchievementSubject" in _types(subject)
        assert subject.get("id") or subject.get("identifier")
        achievement = subject["achievement"]
        assert "Achievement" in _types(achievement)
        for field in ("id", "name", "description"):
            assert achievement[field]
        assert achievement["criteria"].get("narrative") or achievement["criteria"].get("id")
    identity = badge["credentialSubject"]["identifier"][0]
    assert identity["type"] == "IdentityObject"
    assert {"identityHash", "identityType", "hashed"} <= set(identity)
