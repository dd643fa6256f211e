"""The credentials lib.credentials signs, verified by an implementation that is not ours: Digital
Bazaar's @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite (tests/verifier)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from cachetools import LRUCache
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.lib import published_examples as examples
from tests.verifier import independent
from tests.verifier.independent import independent_verify, published_contexts
from trainingdesk.lib import credentials, status_list

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
SITE = "training.example.org"
DID_DOCUMENT = credentials.did_document(SITE, KEY.public_key())
LIST_URL = "https://training.example.org/credentials/status/1"
CREATED = datetime(2026, 11, 30, 12, 0, 5, tzinfo=UTC)

NAMES = {
    "Latin with diacritics": "Zoë Ødegård-Łukasiewicz",
    "Arabic": "فاطمة الزهراء بن علي",
    "Chinese": "王秀英",
    "Greek": "Αικατερίνη Παπαδοπούλου",
}


def _badge(subject_name: str = NAMES["Latin with diacritics"], **overrides: object) -> dict:
    fields: dict = {
        "issuer_did": credentials.did_web(SITE),
        "issuer_name": "PartnershipProjects",
        "subject_name": subject_name,
        "achievement_name": "Advanced Certificate in NVR Practice",
        "achievement_description": "Completed the Foundation and Advanced levels and passed the coursework.",
        "credential_id": "https://training.example.org/credentials/abc123",
        "valid_from": datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
    }
    fields.update(overrides)
    return credentials.build_credential(**fields)


def _sign(document: dict, key: Ed25519PrivateKey = KEY) -> dict:
    method = credentials.verification_method_id(SITE)
    return credentials.sign(document, private_key=key, verification_method=method, created=CREATED)


def _list(revoked: set[int]) -> dict:
    return _sign(
        status_list.status_list_credential(
            list_url=LIST_URL,
            issuer_did=credentials.did_web(SITE),
            encoded_list=status_list.encode(revoked),
            valid_from=datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
        )
    )


@pytest.mark.parametrize("script", list(NAMES))
def test_a_badge_we_sign_is_verified_by_the_independent_verifier(script):
    signed = _sign(_badge(NAMES[script]))
    assert credentials.verify(signed, public_key=KEY.public_key())
    assert independent_verify(signed, DID_DOCUMENT) == (True, "")


def test_a_badge_with_every_optional_field_is_verified_by_the_independent_verifier():
    signed = _sign(
        _badge(
            NAMES["Arabic"],
            valid_until=datetime(2031, 11, 30, 12, 0, tzinfo=UTC),
            achievement_id="https://training.example.org/achievements/nvr-advanced",
            criteria_narrative="Both levels, 12 hours of supervision and a passed portfolio.",
            achievement_type="Certificate",
            subject_id="did:example:holder-17",
            issuer_url="https://training.example.org/",
            credential_status=status_list.status_entry(LIST_URL, 94567),
        )
    )
    assert independent_verify(signed, DID_DOCUMENT) == (True, "")


def test_a_badge_with_a_status_entry_is_verified_and_its_entry_is_covered_by_the_proof():
    signed = _sign(_badge(credential_status=status_list.status_entry(LIST_URL, 94567)))
    assert independent_verify(signed, DID_DOCUMENT) == (True, "")
    moved = copy.deepcopy(signed)
    moved["credentialStatus"]["statusListIndex"] = "94568"
    verified, error = independent_verify(moved, DID_DOCUMENT)
    assert not verified
    assert error


@pytest.mark.parametrize("script", ["Arabic", "Chinese", "Greek"])
def test_one_changed_character_fails_the_independent_verifier(script):
    signed = _sign(_badge(NAMES[script]))
    name = signed["credentialSubject"]["name"]
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["name"] = name[:-1] + chr(ord(name[-1]) + 1)
    verified, error = independent_verify(tampered, DID_DOCUMENT)
    assert not verified
    assert "Verification error" in error or "Invalid signature" in error


def test_a_changed_achievement_or_date_fails_the_independent_verifier():
    signed = _sign(_badge())
    for path, value in [
        (("credentialSubject", "achievement", "name"), "Advanced Certificate in NVR Practise"),
        (("validFrom",), "2026-11-30T12:00:01Z"),
        (("issuer", "name"), "PartnershipProjects Ltd"),
    ]:
        tampered = copy.deepcopy(signed)
        node = tampered
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        assert independent_verify(tampered, DID_DOCUMENT)[0] is False, path


def test_a_badge_signed_by_another_key_fails_the_independent_verifier():
    verified, error = independent_verify(_sign(_badge(), OTHER_KEY), DID_DOCUMENT)
    assert not verified
    assert error


def test_the_independent_verifier_fetches_nothing_not_even_an_unbundled_context():
    signed = _sign(_badge())
    signed["@context"] = [*signed["@context"], "https://evil.example/context.json"]
    verified, error = independent_verify(signed, DID_DOCUMENT)
    assert not verified
    assert "https://evil.example/context.json" in error


def test_the_w3c_eddsa_rdfc_2022_test_vector_is_verified_by_the_independent_verifier():
    controller, contexts = examples.w3c_controller_document(), examples.w3c_contexts()
    assert independent_verify(examples.w3c_signed(), controller, contexts=contexts) == (True, "")
    tampered = examples.w3c_signed()
    tampered["credentialSubject"]["alumniOf"] = "The School of Examplez"
    verified, _ = independent_verify(tampered, controller, contexts=contexts)
    assert not verified


def test_the_complete_1edtech_ob3_example_signed_by_us_is_verified_by_the_independent_verifier(monkeypatch):
    """Every term of OB 3.0 the spec's complete example uses, canonicalized alike by both."""
    example = examples.ob3_full()
    example["issuer"]["id"] = credentials.did_web(SITE)
    contexts = examples.ob3_contexts()
    monkeypatch.setattr(credentials, "CONTEXTS", {**credentials.CONTEXTS, **contexts})
    monkeypatch.setattr(credentials, "_context_cache", LRUCache(maxsize=10))
    signed = _sign(example)
    assert independent_verify(signed, DID_DOCUMENT, contexts=contexts) == (True, "")
    signed["credentialSubject"]["creditsEarned"] = 42.5
    assert independent_verify(signed, DID_DOCUMENT, contexts=contexts)[0] is False


def test_the_basic_1edtech_ob3_example_signed_by_us_is_verified_by_the_independent_verifier():
    example = examples.ob3_basic()
    example["issuer"]["id"] = credentials.did_web(SITE)
    assert independent_verify(_sign(example), DID_DOCUMENT) == (True, "")


# --- the status list, read by Digital Bazaar's @digitalbazaar/vc-bitstring-status-list ---


def test_our_status_list_credential_is_verified_by_the_independent_verifier():
    assert independent_verify(_list({5, 94567}), DID_DOCUMENT) == (True, "")


def test_a_revoked_badge_is_refused_and_an_unrevoked_one_accepted_by_the_independent_status_check():
    signed = _sign(_badge(credential_status=status_list.status_entry(LIST_URL, 94567)))
    # The neighbours of its bit set, its own not: the bit order is the spec's, as they read it.
    neighbours = _list({94566, 94568})
    assert independent_verify(signed, DID_DOCUMENT, status_list_credential=neighbours) == (True, "")
    verified, error = independent_verify(signed, DID_DOCUMENT, status_list_credential=_list({94567}))
    assert not verified
    assert error == "revoked: statusListIndex 94567 (revocation) is set"
    for index in [0, 7, 8, status_list.MIN_LENGTH - 1]:
        badge = _sign(_badge(credential_status=status_list.status_entry(LIST_URL, index)))
        assert independent_verify(badge, DID_DOCUMENT, status_list_credential=_list({index}))[0] is False
        assert independent_verify(badge, DID_DOCUMENT, status_list_credential=_list(set()))[0] is True


def test_a_status_list_with_a_changed_character_is_refused_by_the_independent_status_check():
    signed = _sign(_badge(credential_status=status_list.status_entry(LIST_URL, 3)))
    tampered = _list(set())
    tampered["credentialSubject"]["encodedList"] = status_list.encode({4})
    verified, error = independent_verify(signed, DID_DOCUMENT, status_list_credential=tampered)
    assert not verified
    assert "BitstringStatusListCredential" in error


def test_the_bundled_contexts_are_those_the_npm_packages_publish():
    published = published_contexts()
    for url, document in credentials.CONTEXTS.items():
        assert json.dumps(published[url], sort_keys=True) == json.dumps(document, sort_keys=True), url
    extensions = examples.OB_EXTENSIONS_CONTEXT
    assert published[extensions] == examples.ob3_contexts()[extensions]


def test_without_node_the_independent_verifier_fails_loudly_rather_than_skipping(monkeypatch):
    monkeypatch.setattr(independent, "_installed", False)
    monkeypatch.setattr(independent.shutil, "which", lambda name: None)
    with pytest.raises(independent.IndependentVerifierUnavailable, match="needs node"):
        independent_verify(_sign(_badge()), DID_DOCUMENT)
