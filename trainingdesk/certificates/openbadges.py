"""Our Open Badges 3.0 credentials: who we are as an issuer, and what each document says as one.

The building, signing and verifying are `lib.credentials`' (and the status list `lib.status_list`'s);
this module supplies what only the site knows: its did:web (the host of `SITE_URL`), the signing
key (`settings.CREDENTIAL_SIGNING_KEY`, from the environment, never the database), the revocation
list's address, and the words of each credential. No database access here: the services pass in
the rows.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.urls import reverse

from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.lib import credentials, status_list
from trainingdesk.lib.verification import verification_url

# Each credential's status list position is drawn from [0, LIST_LENGTH): the spec's minimum,
# 131,072 positions, room for far more documents than a training provider issues.
LIST_LENGTH = status_list.MIN_LENGTH


def site_host() -> str:
    """'training.example.co.uk' (with ':port' where SITE_URL names one)."""
    return urlsplit(settings.SITE_URL).netloc


def issuer_did() -> str:
    return credentials.did_web(site_host())


def verification_method() -> str:
    return credentials.verification_method_id(site_host())


@cache
def _key(multibase: str) -> Ed25519PrivateKey:
    return credentials.private_key_from_multibase(multibase)


def signing_key() -> Ed25519PrivateKey:
    return _key(settings.CREDENTIAL_SIGNING_KEY)


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def did_document() -> dict[str, Any]:
    """What /.well-known/did.json serves: our did:web and the public half of the signing key."""
    return credentials.did_document(site_host(), public_key())


def status_list_url() -> str:
    return f"{settings.SITE_URL}{reverse('certificates:status_list')}"


def sign(credential: dict[str, Any], *, created: dt.datetime) -> dict[str, Any]:
    return credentials.sign(credential, private_key=signing_key(),
                            verification_method=verification_method(), created=created)


def certificate_credential(*, code: str, holder_name: str, award_name: str, provider_name: str,
                           programme_name: str, award_requirements: str, issued_at: dt.datetime,
                           status_index: int) -> dict[str, Any]:
    """The signed credential of a certificate, as issued: its id is the verification page."""
    description = (f"Awarded by {provider_name} on completing {programme_name}: both levels' "
                   f"training, supervision and assessed coursework.")
    credential = credentials.build_credential(
        issuer_did=issuer_did(), issuer_name=provider_name, issuer_url=settings.SITE_URL,
        subject_name=holder_name, achievement_name=award_name,
        achievement_description=description,
        criteria_narrative=award_requirements.strip() or description,
        achievement_type="Certificate",
        credential_id=verification_url(code), valid_from=issued_at,
        credential_status=status_list.status_entry(status_list_url(), status_index),
    )
    return sign(credential, created=issued_at)


def confirmation_credential(confirmation: AttendanceConfirmation, *, status_index: int) -> dict[str, Any]:
    """An Attendance Confirmation as a credential, built from its immutable record: the same
    record and position always give the same document (Ed25519 signatures are deterministic)."""
    description = (f"Attended every day of the {confirmation.level_name} Level training of "
                   f"{confirmation.programme_name}.")
    credential = credentials.build_credential(
        issuer_did=issuer_did(), issuer_name=confirmation.provider_name,
        issuer_url=settings.SITE_URL, subject_name=confirmation.holder_name,
        achievement_name=confirmation.title, achievement_description=description,
        achievement_type="Certificate",
        credential_id=verification_url(confirmation.code), valid_from=confirmation.issued_at,
        credential_status=status_list.status_entry(status_list_url(), status_index),
    )
    return sign(credential, created=confirmation.issued_at)


def status_list_credential(revoked: list[int], *, now: dt.datetime) -> dict[str, Any]:
    """The signed revocation list with the bits at `revoked` set."""
    unsigned = status_list.status_list_credential(
        list_url=status_list_url(), issuer_did=issuer_did(),
        encoded_list=status_list.encode(revoked, LIST_LENGTH), valid_from=now)
    return sign(unsigned, created=now)
