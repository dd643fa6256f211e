from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

import trainingdesk
from trainingdesk.attendance.services import revoke_confirmation
from trainingdesk.lib.verification import is_well_formed, new_code


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_anyone_can_see_who_holds_a_confirmation_and_that_it_is_valid(client, confirmation):
    response = client.get(reverse("certificates:verify", args=[confirmation.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Pat Participant" in page
    assert "Attendance Confirmation: Foundation Level (NVRA Level 1)" in page
    assert "Tuesday 21 June 2022" in page and "Thursday 15 September 2022" in page
    assert "Valid." in page


def test_the_page_shows_nothing_else_about_the_person(client, confirmation):
    page = client.get(reverse("certificates:verify", args=[confirmation.code])).content.decode()
    assert "pat@example.org" not in page
    assert confirmation.booking.reference not in page


def test_a_revoked_confirmation_says_so(client, confirmation, coordinator):
    revoke_confirmation(confirmation=confirmation, reason="Issued in error", actor=coordinator)
    page = client.get(reverse("certificates:verify", args=[confirmation.code])).content.decode()
    assert "Revoked." in page
    assert "Valid." not in page
    assert "Issued in error" not in page


def test_an_unknown_code_says_only_not_found(client, confirmation):
    response = client.get(reverse("certificates:verify", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"]))
    assert response.status_code == 404
    assert "No document has that code" in response.content.decode()
    assert "Pat Participant" not in response.content.decode()


def test_a_code_typed_in_lower_case_with_spaces_is_found(client, confirmation):
    typed = confirmation.code.lower().replace("-", " ")
    response = client.get(reverse("certificates:verify_form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[confirmation.code])


def test_a_code_that_cannot_be_one_gets_a_message_at_the_field(client, db):
    response = client.get(reverse("certificates:verify_form"), {"code": "not-a-code"})
    assert response.status_code == 200
    assert "Enter the code as printed" in response.content.decode()


# The limit counts within each minute: the clock is held still so no test straddles two.
STILL = time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, 10, tzinfo=dt.UTC), tick=False)


@STILL
@override_settings(VERIFY_RATE_LIMIT_PER_MINUTE=5)
def test_checking_too_many_codes_in_a_minute_is_refused(client, confirmation):
    url = reverse("certificates:verify", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"])
    statuses = [client.get(url).status_code for _ in range(6)]
    assert statuses == [404] * 5 + [429]
    assert client.get(reverse("certificates:verify", args=[confirmation.code])).status_code == 429


def test_codes_have_at_least_80_bits_of_randomness(confirmation):
    from trainingdesk.attendance.models import new_verification_code
    from trainingdesk.certificates.selectors import CODE_ALPHABET

    code = new_verification_code().replace("-", "")
    assert len(code) * (len(CODE_ALPHABET).bit_length() - 1) >= 80
    assert len({new_verification_code() for _ in range(1000)}) == 1000


@STILL
@override_settings(VERIFY_RATE_LIMIT_PER_MINUTE=3)
def test_the_limit_is_counted_across_workers_in_the_database(client, confirmation):
    from django.core.cache import caches

    url = reverse("certificates:verify", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"])
    for _ in range(3):
        client.get(url)
    caches["default"].clear()  # not in anyone's cache: a row every worker and server counts on
    assert client.get(url).status_code == 429


def test_a_code_with_a_mistyped_character_is_said_to_look_mistyped(client, confirmation):
    letters = confirmation.code.replace("-", "")
    typo = letters[:5] + ("A" if letters[5] != "A" else "B") + letters[6:]
    typed = "-".join(typo[i:i + 4] for i in range(0, 20, 4))
    response = client.get(reverse("certificates:verify", args=[typed]))
    assert response.status_code == 404
    assert "One of its characters looks mistyped" in response.content.decode()
    unknown = client.get(reverse("certificates:verify", args=[new_code()])).content.decode()
    assert "No document has that code" in unknown and "looks mistyped" not in unknown


def test_a_code_issued_before_codes_had_a_check_character_still_verifies(client, confirmation):
    from trainingdesk.attendance.models import AttendanceConfirmation

    old = "ABCD-EFGH-JKMN-PQRS-TVWX"  # 20 random characters, as codes were: its check fails
    assert not is_well_formed(old)
    AttendanceConfirmation.objects.filter(pk=confirmation.pk).update(code=old)
    response = client.get(reverse("certificates:verify", args=[old]))
    assert response.status_code == 200 and "Valid." in response.content.decode()
    assert client.get(reverse("certificates:verify_form"), {"code": "abcd efgh jkmn pqrs tvwx"}
                      )["Location"] == reverse("certificates:verify", args=[old])


def test_the_qr_code_and_the_emails_link_to_the_public_page(confirmation, settings):
    from trainingdesk.attendance.documents import confirmation_pdf

    settings.SITE_URL = "https://training.example.org"
    url = "https://training.example.org" + reverse("certificates:verify", args=[confirmation.code])
    assert confirmation.get_absolute_url() == reverse("certificates:verify", args=[confirmation.code])
    assert url in _pdf_text(confirmation_pdf(confirmation))


LOWER_APPS = ["lib", "audit", "accounts", "catalogue", "bookings", "attendance", "notifications"]


@pytest.mark.parametrize("app", LOWER_APPS)
def test_no_app_below_certificates_imports_it_or_names_its_urls_in_python(app):
    root = Path(trainingdesk.__file__).parent / app
    for source in root.rglob("*.py"):
        text = source.read_text()
        assert "trainingdesk.certificates" not in text, source
        assert "certificates:" not in text, source
