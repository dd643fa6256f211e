"""W3C Bitstring Status List v1.0: revocation of issued credentials, as pure functions.

An issued credential names one position (its `statusListIndex`) in a list published as a
`BitstringStatusListCredential`; the bit at that position is set once the credential is revoked.
The list is a bitstring of at least 131,072 entries (16 KB, so that any one credential hides among
many), index 0 being the most significant bit of the first byte, GZIP-compressed and written as
multibase base64url without padding (a "u" prefix).

No database here: the caller says which indexes are revoked and signs the list credential with
`lib.credentials.sign`, whose bundled VC 2.0 context defines every term used below.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from trainingdesk.lib.credentials import VC_V2_CONTEXT, xsd_datetime

# The spec's minimum length, in entries (bits): 16 KB of them, for herd privacy.
MIN_LENGTH = 131072
# The most a list may expand to when decoded (1,048,576 bytes, 8,388,608 entries): a published list
# is at most a few hundred bytes compressed, and a hostile one must not expand into gigabytes.
MAX_BYTES = 1 << 20
STATUS_PURPOSE = "revocation"
ENTRY_TYPE = "BitstringStatusListEntry"
LIST_TYPE = "BitstringStatusList"
LIST_CREDENTIAL_TYPE = ["VerifiableCredential", "BitstringStatusListCredential"]
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class StatusListError(ValueError):
    """An encoded list, a length or an index that the spec does not allow."""


def _check_length(length: int) -> None:
    if length < MIN_LENGTH:
        raise StatusListError(f"a status list has at least {MIN_LENGTH} entries, not {length}")
    if length % 8:
        raise StatusListError(f"a status list's length is a whole number of bytes, not {length} bits")
    if length > MAX_BYTES * 8:
        raise StatusListError(f"a status list has at most {MAX_BYTES * 8} entries, not {length}")


def encode(revoked: Iterable[int], length: int = MIN_LENGTH) -> str:
    """The `encodedList` of a list of `length` entries with the bits at `revoked` set."""
    _check_length(length)
    bits = bytearray(length // 8)
    for index in revoked:
        if isinstance(index, bool) or not isinstance(index, int):
            raise StatusListError(f"a status list index is an integer, not {index!r}")
        if not 0 <= index < length:
            raise StatusListError(f"index {index} is outside the list's [0, {length})")
        bits[index // 8] |= 0x80 >> (index % 8)
    # GZIP (RFC 1952) with zlib's default level and a zero timestamp: the same list always encodes
    # to the same text, byte for byte what the spec's example and Digital Bazaar's library give.
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    compressed = compressor.compress(bytes(bits)) + compressor.flush()
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode(encoded: str) -> bytes:
    """The uncompressed bitstring of an `encodedList`; refused if shorter than the spec's minimum."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("an encodedList is multibase base64url: it starts with 'u'")
    body = encoded[1:]
    if not _BASE64URL.fullmatch(body):
        raise StatusListError("an encodedList is base64url without padding")
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except binascii.Error:
        raise StatusListError("an encodedList is base64url without padding") from None
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        bits = decompressor.decompress(compressed, MAX_BYTES)
    except zlib.error:
        raise StatusListError("an encodedList is GZIP-compressed") from None
    if decompressor.unconsumed_tail:
        raise StatusListError(f"a status list has at most {MAX_BYTES * 8} entries")
    if not decompressor.eof or decompressor.unused_data:
        raise StatusListError("an encodedList is exactly one complete GZIP member")
    if len(bits) * 8 < MIN_LENGTH:
        raise StatusListError(f"a status list has at least {MIN_LENGTH} entries, not {len(bits) * 8}")
    return bits


def is_set(encoded: str, index: int) -> bool:
    """Whether the bit at `index` of an `encodedList` is set (for revocation: revoked)."""
    bits = decode(encoded)
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(bits) * 8:
        raise StatusListError(f"index {index!r} is outside the list's [0, {len(bits) * 8})")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _check_url(list_url: str) -> None:
    if not isinstance(list_url, str) or not list_url.startswith(("https://", "http://")) or "#" in list_url:
        raise StatusListError(f"{list_url!r} is not the URL of a status list credential")


def status_entry(list_url: str, index: int) -> dict[str, Any]:
    """The `credentialStatus` of a credential whose revocation is the bit at `index` of `list_url`."""
    _check_url(list_url)
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise StatusListError(f"a status list index is an integer of at least 0, not {index!r}")
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    *, list_url: str, issuer_did: str, encoded_list: str, valid_from: datetime
) -> dict[str, Any]:
    """An unsigned `BitstringStatusListCredential` published at `list_url`; sign it with
    `lib.credentials.sign`."""
    _check_url(list_url)
    decode(encoded_list)
    return {
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": list(LIST_CREDENTIAL_TYPE),
        "issuer": issuer_did,
        "validFrom": xsd_datetime(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": LIST_TYPE,
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encoded_list,
        },
    }
