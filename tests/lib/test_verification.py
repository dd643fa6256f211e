"""lib.verification: codes with a check character, reading what people type, the public page's
address, the QR code as a drawing, and the registry every issuing app answers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from trainingdesk.lib import verification
from trainingdesk.lib.verification import (
    CODE_ALPHABET,
    QRCode,
    Status,
    VerifiedDocument,
    is_well_formed,
    new_code,
    normalise_code,
)


def test_a_new_code_is_twenty_characters_in_five_groups_of_four_with_a_check_that_holds():
    code = new_code()
    assert [len(group) for group in code.split("-")] == [4, 4, 4, 4, 4]
    assert is_well_formed(code)
    assert len({new_code() for _ in range(1000)}) == 1000


def test_the_random_part_has_at_least_80_bits():
    random_characters = len(new_code().replace("-", "")) - 1
    assert random_characters * (len(CODE_ALPHABET).bit_length() - 1) >= 80


def test_any_one_mistyped_character_fails_the_check():
    letters = new_code().replace("-", "")
    for position in range(len(letters)):
        for other in CODE_ALPHABET.replace(letters[position], ""):
            typo = letters[:position] + other + letters[position + 1:]
            assert not is_well_formed(typo), typo


def test_two_neighbours_swapped_fail_the_check_unless_they_are_0_and_z():
    letters = new_code().replace("-", "")
    for position in range(len(letters) - 1):
        a, b = letters[position], letters[position + 1]
        if a == b or {a, b} == {"0", "Z"}:
            continue
        swapped = letters[:position] + b + a + letters[position + 2:]
        assert not is_well_formed(swapped), swapped


@pytest.mark.parametrize("typed, read", [
    ("abcd efgh jkmn pqrs tvwx", "ABCD-EFGH-JKMN-PQRS-TVWX"),
    ("ABCDEFGHJKMNPQRSTVWX", "ABCD-EFGH-JKMN-PQRS-TVWX"),
    (" abcd-efgh-jkmn-pqrs-tvwx ", "ABCD-EFGH-JKMN-PQRS-TVWX"),
    ("O1LI-0000-0000-0000-0000", "0111-0000-0000-0000-0000"),  # O as 0, I and L as 1
])
def test_what_people_type_is_read_as_the_code(typed, read):
    assert normalise_code(typed) == read


@pytest.mark.parametrize("typed", ["", "not-a-code", "ABCD-EFGH-JKMN-PQRS-TVW", "ABCD-EFGH-JKMN-PQRS-TVWXY",
                                   "ABCD-EFGH-JKMN-PQRS-TVWU", "ABCD-EFGH-JKMN-PQRS-TVW\u202e"])
def test_what_cannot_be_a_code_is_none(typed):
    assert normalise_code(typed) is None


def test_the_verification_path_is_the_public_pages_url(settings):
    settings.SITE_URL = "https://training.example.org"
    code = new_code()
    assert verification.verification_path(code) == reverse("certificates:verify", args=[code])
    assert verification.verification_url(code) == f"https://training.example.org/verify/{code}/"


def test_the_qr_code_is_a_flowable_for_laid_out_documents():
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([QRCode("https://example.org/verify/X/", 90)])
    page = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    assert b" re\n" in page.get_contents().get_data()


class _Issuer:
    kind = "test_document"

    def __init__(self) -> None:
        self.code = new_code()
        self.revoked: list[tuple[str, str]] = []

    def find(self, code: str) -> VerifiedDocument | None:
        if code != self.code:
            return None
        return VerifiedDocument(kind=self.kind, code=code, title="Test", holder_name="Ada",
                                award="A test", issued_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                                status=Status.VALID, provider_name="Us")

    def revoke(self, *, code: str, reason: str, actor: object) -> None:
        self.revoked.append((code, reason))


@pytest.fixture
def issuer():
    issuer = _Issuer()
    verification.register(issuer)
    yield issuer
    verification._issuers.pop(issuer.kind)


def test_a_registered_issuer_answers_for_its_codes_however_typed(issuer, db):
    found = verification.find(issuer.code.lower().replace("-", " "))
    assert found is not None and found.kind == "test_document" and found.is_valid
    assert verification.find(new_code()) is None
    assert verification.find("nonsense") is None


def test_revoking_goes_to_the_issuer_of_the_document(issuer, db):
    document = verification.find(issuer.code)
    assert document is not None
    verification.revoke(document, reason="Because", actor=None)
    assert issuer.revoked == [(issuer.code, "Because")]


def test_a_plugged_in_kind_shows_on_the_public_page(issuer, client, db):
    page = client.get(reverse("certificates:verify", args=[issuer.code])).content.decode()
    assert "Ada" in page and "A test" in page and "Valid." in page
