"""Every URL this work adds, for every persona: anonymous, the holder, another participant, the
run's trainer, a supervisor, an assessor and the coordinator. A refused POST is checked in the
database afterwards: nothing revoked, nothing reissued."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trainingdesk.certificates.models import Certificate

PERSONAS = ["anonymous", "holder", "another participant", "trainer", "supervisor", "assessor",
            "coordinator"]


def _log_in(client, request, persona, certificate):
    fixture = {"holder": None, "another participant": "outsider", "trainer": "trainer",
               "supervisor": "supervisor_user", "assessor": "assessor",
               "coordinator": "coordinator"}
    if persona == "anonymous":
        return
    user = certificate.participant if persona == "holder" else request.getfixturevalue(fixture[persona])
    client.force_login(user)


def _run_id(certificate) -> int:
    return certificate.participant.bookings.get(run__level=certificate.portfolio.level).run_id


# persona -> (PDF, credential JSON, run ZIP, revoke form, reissue form)
DOWNLOADS_AND_FORMS = {
    "anonymous": (302, 302, 302, 302, 302),
    "holder": (200, 200, 403, 403, 403),
    "another participant": (404, 404, 403, 403, 403),
    "trainer": (404, 404, 403, 403, 403),
    "supervisor": (404, 404, 403, 403, 403),
    "assessor": (404, 404, 403, 403, 403),
    "coordinator": (200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_downloads_and_forms_admit_only_the_holder_or_the_coordinator(client, request, certificate,
                                                                      persona):
    _log_in(client, request, persona, certificate)
    code = certificate.code
    statuses = (
        client.get(reverse("certificates:certificate_pdf", args=[code])).status_code,
        client.get(reverse("certificates:certificate_credential", args=[code])).status_code,
        client.get(reverse("certificates:run_certificates", args=[_run_id(certificate)])).status_code,
        client.get(reverse("certificates:revoke", args=[code])).status_code,
        client.get(reverse("certificates:reissue", args=[code])).status_code,
    )
    assert statuses == DOWNLOADS_AND_FORMS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_pages_are_open_to_everyone(client, request, certificate, persona):
    _log_in(client, request, persona, certificate)
    code = certificate.code
    assert client.get(reverse("certificates:verify", args=[code])).status_code == 200
    assert client.get(reverse("certificates:verify_credential", args=[code])).status_code == 200
    assert client.get(reverse("certificates:did_json")).status_code == 200
    assert client.get(reverse("certificates:status_list")).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_revokes_a_certificate(client, request, certificate, persona):
    _log_in(client, request, persona, certificate)
    response = client.post(reverse("certificates:revoke", args=[certificate.code]),
                           {"reason": "Issued in error"})
    assert response.status_code == {"anonymous": 302, "coordinator": 302}.get(persona, 403)
    certificate.refresh_from_db()
    assert (certificate.revoked_at is not None) == (persona == "coordinator")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_reissues_a_certificate(client, request, certificate, persona):
    _log_in(client, request, persona, certificate)
    response = client.post(reverse("certificates:reissue", args=[certificate.code]),
                           {"holder_name": "Patricia Participant", "reason": "Name misspelt"})
    assert response.status_code == {"anonymous": 302, "coordinator": 302}.get(persona, 403)
    certificate.refresh_from_db()
    reissued = persona == "coordinator"
    assert (certificate.revoked_at is not None) == reissued
    assert Certificate.objects.count() == (2 if reissued else 1)


def test_an_unknown_code_is_not_found_for_the_coordinator_either(client, coordinator, certificate):
    client.force_login(coordinator)
    for name in ("certificate_pdf", "certificate_credential", "verify_credential", "reissue"):
        assert client.get(reverse(f"certificates:{name}", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"])
                          ).status_code == 404
