"""Published examples that the credential tests check against (sources in fixtures/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"

W3C_EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
# W3C vc-di-eddsa TestVectors/keyPair.json.
W3C_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PRIVATE_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_ISSUER = "https://vc.example/issuers/5678"


def load(name: str) -> dict[str, Any]:
    document = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def w3c_signed() -> dict[str, Any]:
    """The W3C eddsa-rdfc-2022 test vector's signed credential."""
    return load("w3c-vc-di-eddsa-rdfc-2022-signed.json")


def w3c_contexts() -> dict[str, Any]:
    """The contexts the W3C test vector needs beyond the bundled ones."""
    return {W3C_EXAMPLES_CONTEXT: load("w3c-credentials-examples-v2.json")}


def w3c_controller_document() -> dict[str, Any]:
    """The test vector's issuer as a controller document: the key of keyPair.json, for assertions."""
    method_id = f"{W3C_ISSUER}#{W3C_PUBLIC_KEY}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": W3C_ISSUER,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": W3C_ISSUER,
                "publicKeyMultibase": W3C_PUBLIC_KEY,
            }
        ],
        "assertionMethod": [method_id],
    }


def ob3_basic() -> dict[str, Any]:
    return load("ob3-basic-openbadgecredential.json")


def ob3_full() -> dict[str, Any]:
    return load("ob3-full-openbadgecredential.json")


def ob3_contexts() -> dict[str, Any]:
    """The contexts the complete OB 3.0 example needs beyond the bundled ones."""
    return {OB_EXTENSIONS_CONTEXT: load("ob-v3p0-extensions.json")}
