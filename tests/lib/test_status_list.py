"""W3C Bitstring Status List v1.0: the encoded list, the credential's entry and the signed list."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trainingdesk.lib import credentials, status_list

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
SITE = "training.example.org"
LIST_URL = "https://training.example.org/credentials/status/1"

# The spec's "Example BitstringStatusListCredential" (W3C Bitstring Status List v1.0, section 2.2,
# index.html of w3c/vc-bitstring-status-list): a list of 131,072 entries, none set.
W3C_EXAMPLE_ENCODED_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _multibase(compressed: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def _raw(encoded: str) -> bytes:
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_an_empty_list_encodes_exactly_as_the_spec_example():
    assert status_list.encode([]) == W3C_EXAMPLE_ENCODED_LIST


def test_the_spec_example_decodes_to_16_kb_of_unset_bits():
    assert status_list.decode(W3C_EXAMPLE_ENCODED_LIST) == bytes(16384)
    assert not status_list.is_set(W3C_EXAMPLE_ENCODED_LIST, 0)
    assert not status_list.is_set(W3C_EXAMPLE_ENCODED_LIST, status_list.MIN_LENGTH - 1)


def test_revoked_indexes_round_trip_and_no_others_are_set():
    revoked = {0, 1, 7, 8, 94567, status_list.MIN_LENGTH - 1}
    encoded = status_list.encode(revoked)
    assert encoded.startswith("u") and "=" not in encoded
    assert "+" not in encoded and "/" not in encoded
    bits = status_list.decode(encoded)
    assert len(bits) * 8 == status_list.MIN_LENGTH
    set_bits = {i for i in range(len(bits) * 8) if bits[i // 8] & (0x80 >> (i % 8))}
    assert set_bits == revoked
    assert all(status_list.is_set(encoded, i) for i in revoked)
    assert not status_list.is_set(encoded, 2)
    assert not status_list.is_set(encoded, 94566)


def test_index_zero_is_the_most_significant_bit_of_the_first_byte():
    assert _raw(status_list.encode([0]))[:2] == b"\x80\x00"
    assert _raw(status_list.encode([7]))[:2] == b"\x01\x00"
    assert _raw(status_list.encode([8]))[:2] == b"\x00\x80"
    assert _raw(status_list.encode([status_list.MIN_LENGTH - 1]))[-1:] == b"\x01"


def test_a_longer_list_keeps_its_length():
    encoded = status_list.encode([200000], length=2 * status_list.MIN_LENGTH)
    assert len(status_list.decode(encoded)) == 2 * 16384
    assert status_list.is_set(encoded, 200000)


def test_a_list_shorter_than_the_spec_minimum_is_refused():
    assert status_list.MIN_LENGTH == 131072
    with pytest.raises(status_list.StatusListError):
        status_list.encode([], length=status_list.MIN_LENGTH - 8)
    with pytest.raises(status_list.StatusListError):
        status_list.encode([], length=status_list.MIN_LENGTH + 1)
    with pytest.raises(status_list.StatusListError):
        status_list.decode(_multibase(gzip.compress(bytes(1024), mtime=0)))


@pytest.mark.parametrize("index", [-1, status_list.MIN_LENGTH, 10**9])
def test_an_index_outside_the_list_is_refused(index):
    with pytest.raises(status_list.StatusListError):
        status_list.encode([index])
    with pytest.raises(status_list.StatusListError):
        status_list.is_set(W3C_EXAMPLE_ENCODED_LIST, index)


def test_an_index_that_is_not_an_integer_is_refused():
    for index in ["3", 3.0, True]:
        with pytest.raises(status_list.StatusListError):
            status_list.encode([index])  # type: ignore[list-item]
        with pytest.raises(status_list.StatusListError):
            status_list.status_entry(LIST_URL, index)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param("", id="empty"),
        pytest.param(W3C_EXAMPLE_ENCODED_LIST[1:], id="no multibase prefix"),
        pytest.param("z" + W3C_EXAMPLE_ENCODED_LIST[1:], id="base58btc prefix"),
        pytest.param(W3C_EXAMPLE_ENCODED_LIST + "==", id="padded"),
        pytest.param(_multibase(b"not gzip at all"), id="not gzip"),
        pytest.param(W3C_EXAMPLE_ENCODED_LIST[:-6], id="truncated"),
        pytest.param(
            "u" + base64.b64encode(gzip.compress(bytes([0xFB]) * 16384, mtime=0)).decode().rstrip("="),
            id="base64 with + and /",
        ),
    ],
)
def test_a_malformed_encoded_list_is_refused(encoded):
    with pytest.raises(status_list.StatusListError):
        status_list.decode(encoded)


def test_a_list_that_expands_beyond_the_maximum_is_refused():
    bomb = _multibase(gzip.compress(bytes(status_list.MAX_BYTES + 1), mtime=0))
    with pytest.raises(status_list.StatusListError):
        status_list.decode(bomb)


def test_the_status_entry_names_the_list_and_the_index():
    assert status_list.status_entry(LIST_URL, 94567) == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    with pytest.raises(status_list.StatusListError):
        status_list.status_entry("ftp://training.example.org/status/1", 1)
    with pytest.raises(status_list.StatusListError):
        status_list.status_entry(f"{LIST_URL}#list", 1)


def _list_credential(revoked: set[int]) -> dict:
    return status_list.status_list_credential(
        list_url=LIST_URL,
        issuer_did=credentials.did_web(SITE),
        encoded_list=status_list.encode(revoked),
        valid_from=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
    )


def _sign(document: dict) -> dict:
    return credentials.sign(
        document,
        private_key=KEY,
        verification_method=credentials.verification_method_id(SITE),
        created=datetime(2026, 12, 1, 9, 30, 1, tzinfo=UTC),
    )


def test_the_status_list_credential_has_the_spec_shape():
    document = _list_credential({5})
    assert document == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:web:training.example.org",
        "validFrom": "2026-12-01T09:30:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": status_list.encode({5}),
        },
    }
    with pytest.raises(status_list.StatusListError):
        status_list.status_list_credential(
            list_url=LIST_URL,
            issuer_did=credentials.did_web(SITE),
            encoded_list="not an encoded list",
            valid_from=datetime(2026, 12, 1, tzinfo=UTC),
        )


def test_the_status_list_credential_canonicalizes_with_every_term_defined():
    nquads = credentials._canonize(_list_credential({5}))
    assert "<https://www.w3.org/ns/credentials/status#encodedList>" in nquads
    assert "<https://www.w3.org/ns/credentials/status#statusPurpose>" in nquads
    assert "<https://www.w3.org/ns/credentials/status#BitstringStatusList>" in nquads
    assert "<https://www.w3.org/ns/credentials/status#BitstringStatusListCredential>" in nquads


def test_a_signed_status_list_credential_verifies_and_fails_after_one_changed_character():
    signed = _sign(_list_credential({5, 94567}))
    assert credentials.verify(signed, public_key=KEY.public_key())
    encoded = signed["credentialSubject"]["encodedList"]
    changed = encoded[:-1] + ("B" if encoded[-1] != "B" else "C")
    tampered = {**signed, "credentialSubject": {**signed["credentialSubject"], "encodedList": changed}}
    assert not credentials.verify(tampered, public_key=KEY.public_key())
    fewer = status_list.encode({5})
    unrevoked = {**signed, "credentialSubject": {**signed["credentialSubject"], "encodedList": fewer}}
    assert not credentials.verify(unrevoked, public_key=KEY.public_key())


def test_a_badge_with_a_status_entry_signs_verifies_and_its_entry_is_covered_by_the_proof():
    entry = status_list.status_entry(LIST_URL, 94567)
    badge = credentials.build_credential(
        issuer_did=credentials.did_web(SITE),
        issuer_name="PartnershipProjects",
        subject_name="Zoë Ødegård",
        achievement_name="Foundation Certificate in NVR Practice",
        achievement_description="Completed the Foundation level.",
        credential_id="https://training.example.org/credentials/abc123",
        valid_from=datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
        credential_status=entry,
    )
    assert badge["credentialStatus"] == entry
    assert badge["credentialStatus"] is not entry
    nquads = credentials._canonize(badge)
    assert "<https://www.w3.org/2018/credentials#credentialStatus>" in nquads
    assert '<https://www.w3.org/ns/credentials/status#statusListIndex> "94567"' in nquads
    assert f"<https://www.w3.org/ns/credentials/status#statusListCredential> <{LIST_URL}>" in nquads
    signed = _sign(badge)
    assert credentials.verify(signed, public_key=KEY.public_key())
    moved = {**signed, "credentialStatus": {**signed["credentialStatus"], "statusListIndex": "94568"}}
    assert not credentials.verify(moved, public_key=KEY.public_key())
