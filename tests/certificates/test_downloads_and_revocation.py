from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from trainingdesk.audit.models import AuditEntry


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_holder_downloads_their_confirmation_pdf(client, confirmation, participant):
    client.force_login(participant)
    response = client.get(reverse("certificates:confirmation_pdf", args=[confirmation.code]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for expected in ("Attendance Confirmation", "Pat Participant", "Foundation", "NVRA Level 1",
                     "21 June 2022", "15 September 2022", "24.00", "PartnershipProjects",
                     confirmation.code):
        assert expected in text


@pytest.mark.parametrize("who", ["outsider", "trainer"])
def test_someone_else_gets_not_found_for_the_pdf(client, confirmation, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("certificates:confirmation_pdf", args=[confirmation.code]))
    assert response.status_code == 404


def test_anonymous_people_are_asked_to_sign_in_for_the_pdf(client, confirmation):
    response = client.get(reverse("certificates:confirmation_pdf", args=[confirmation.code]))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_coordinator_revokes_with_a_reason_and_it_is_audited(client, confirmation, coordinator):
    client.force_login(coordinator)
    url = reverse("certificates:revoke", args=[confirmation.code])
    response = client.post(url, {"reason": ""})
    assert "This field is required" in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.revoked_at is None
    client.post(url, {"reason": "Attendance recorded in error"})
    confirmation.refresh_from_db()
    assert confirmation.revoked_at is not None
    entry = AuditEntry.objects.get(action="attendance.confirmation.revoked")
    assert entry.reason == "Attendance recorded in error"
    assert entry.actor == coordinator


@pytest.mark.parametrize("who", ["participant", "outsider", "trainer"])
def test_only_the_coordinator_may_revoke(client, confirmation, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("certificates:revoke", args=[confirmation.code]),
                           {"reason": "no"})
    assert response.status_code == 403
    confirmation.refresh_from_db()
    assert confirmation.revoked_at is None


def test_revoking_emails_the_holder_with_the_reason(client, confirmation, coordinator, participant):
    from tests.emails import send_waiting_emails

    client.force_login(coordinator)
    client.post(reverse("certificates:revoke", args=[confirmation.code]),
                {"reason": "Attendance recorded in error"})
    (message,) = [m for m in send_waiting_emails() if "revoked" in m.subject]
    assert message.to == [participant.email]
    assert message.subject.startswith("Your Attendance Confirmation has been revoked")
    assert "The reason given: Attendance recorded in error" in message.body
    assert confirmation.code in message.body


def test_a_revoked_confirmation_downloads_marked_revoked(client, confirmation, coordinator, participant):
    client.force_login(coordinator)
    client.post(reverse("certificates:revoke", args=[confirmation.code]), {"reason": "In error"})
    client.force_login(participant)
    text = _pdf_text(client.get(reverse("certificates:confirmation_pdf", args=[confirmation.code])).content)
    assert "REVOKED: this confirmation is no longer valid." in text
