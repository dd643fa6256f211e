"""Every privacy URL for every persona: anonymous, the participant, another participant, a
trainer, a supervisor, an assessor and the coordinator. What each may do is checked in the
database after each POST, not only by the status code."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from trainingdesk.audit.models import AuditEntry
from trainingdesk.privacy import services
from trainingdesk.privacy.models import ErasureRequest, ErasureStatus

PERSONAS = ["anonymous", "the participant", "another participant", "trainer", "supervisor",
            "assessor", "coordinator"]
STAFF = {"trainer", "supervisor", "assessor", "coordinator"}


def log_in(client, request, persona):
    fixture = {"the participant": "participant", "another participant": "outsider",
               "trainer": "trainer", "supervisor": "supervisor_user", "assessor": "assessor",
               "coordinator": "coordinator"}.get(persona)
    if fixture is None:
        return None
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    return user


def exports() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="privacy.person.exported"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_my_data_gives_each_person_their_own_copy_and_nobody_else_s(client, request, participant,
                                                                    persona):
    user = log_in(client, request, persona)
    page = client.get(reverse("privacy:my_data"))
    response = client.post(reverse("privacy:my_data"))
    if user is None:
        assert (page.status_code, response.status_code) == (302, 302)
        assert exports() == []
        return
    assert (page.status_code, response.status_code) == (200, 200)
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert user.email.encode() in archive.read("profile.json")
        assert b"pat@example.org" not in archive.read("profile.json") or user == participant
    assert [(e.actor_id, e.after) for e in exports()] == [(user.pk, {"person": user.pk})]


@pytest.mark.parametrize("persona", PERSONAS)
def test_asking_for_erasure_records_a_request_for_oneself_only(client, request, participant,
                                                              persona):
    user = log_in(client, request, persona)
    page = client.get(reverse("privacy:ask_erasure"))
    response = client.post(reverse("privacy:ask_erasure"), {"understood": "on"})
    if user is None:
        assert (page.status_code, response.status_code) == (302, 302)
        assert not ErasureRequest.objects.exists()
        return
    assert page.status_code == 200
    if persona in STAFF:  # staff accounts are closed by the coordinator, not erased this way
        assert response.status_code == 400
        assert not ErasureRequest.objects.exists()
        return
    assert response.status_code == 302
    assert list(ErasureRequest.objects.values_list("person_id", "status")) == [
        (user.pk, ErasureStatus.REQUESTED)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_produces_a_copy_of_someone_else_s_data(client, request, participant,
                                                                     persona):
    log_in(client, request, persona)
    url = reverse("privacy:person_export", args=[participant.pk])
    statuses = (client.get(url).status_code, client.post(url).status_code)
    expected = {"anonymous": (302, 302), "coordinator": (200, 200)}.get(persona, (403, 403))
    assert statuses == expected
    assert len(exports()) == (1 if persona == "coordinator" else 0)


@pytest.fixture
def waiting(participant) -> ErasureRequest:
    return services.request_erasure(person=participant)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_sees_the_erasure_requests(client, request, waiting, persona):
    log_in(client, request, persona)
    statuses = (client.get(reverse("privacy:erasure_requests")).status_code,
                client.get(reverse("privacy:erasure_request", args=[waiting.pk])).status_code)
    expected = {"anonymous": (302, 302), "coordinator": (200, 200)}.get(persona, (403, 403))
    assert statuses == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_confirms_an_erasure(client, request, waiting, participant, persona):
    log_in(client, request, persona)
    response = client.post(reverse("privacy:confirm_erasure", args=[waiting.pk]), {"confirm": "on"})
    waiting.refresh_from_db()
    participant.refresh_from_db()
    if persona == "coordinator":
        assert response.status_code == 302
        assert waiting.status == ErasureStatus.ERASED and not participant.is_active
        assert participant.full_name == f"Erased person {participant.pk}"
    else:
        assert response.status_code == (302 if persona == "anonymous" else 403)
        assert waiting.status == ErasureStatus.REQUESTED
        assert participant.is_active and participant.full_name == "Pat Participant"
        assert not AuditEntry.objects.filter(action="privacy.person.erased").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_refuses_an_erasure(client, request, waiting, participant, persona):
    log_in(client, request, persona)
    response = client.post(reverse("privacy:refuse_erasure", args=[waiting.pk]),
                           {"reason": "We must keep your records while a complaint is open."})
    waiting.refresh_from_db()
    if persona == "coordinator":
        assert response.status_code == 302
        assert waiting.status == ErasureStatus.REFUSED
        assert waiting.refusal_reason == "We must keep your records while a complaint is open."
    else:
        assert response.status_code == (302 if persona == "anonymous" else 403)
        assert waiting.status == ErasureStatus.REQUESTED and waiting.refusal_reason == ""
        assert not AuditEntry.objects.filter(action="privacy.erasure.refused").exists()


def test_the_erasure_pages_answer_get_only_where_they_take_no_post(client, coordinator, waiting):
    client.force_login(coordinator)
    assert client.get(reverse("privacy:confirm_erasure", args=[waiting.pk])).status_code == 405
    assert client.get(reverse("privacy:refuse_erasure", args=[waiting.pk])).status_code == 405



@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_finds_people(client, request, participant, persona):
    log_in(client, request, persona)
    response = client.get(reverse("privacy:people"), {"q": "pat@"})
    expected = {"anonymous": 302, "coordinator": 200}.get(persona, 403)
    assert response.status_code == expected
    assert ("pat@example.org" in response.content.decode()) == (persona == "coordinator")
    assert client.post(reverse("privacy:people"), {"q": "pat"}).status_code == (
        302 if persona == "anonymous" else 405 if persona == "coordinator" else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_records_an_erasure_request_made_by_email(client, request,
                                                                       participant, persona):
    log_in(client, request, persona)
    url = reverse("privacy:record_erasure", args=[participant.pk])
    response = client.post(url)
    if persona == "coordinator":
        erasure = ErasureRequest.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("privacy:erasure_request", args=[erasure.pk])
        assert (erasure.person, erasure.source, erasure.status) == (
            participant, "coordinator", ErasureStatus.REQUESTED)
        recorded = AuditEntry.objects.get(action="privacy.erasure.requested")
        assert recorded.actor == request.getfixturevalue("coordinator")
    else:
        assert response.status_code == (302 if persona == "anonymous" else 403)
        assert not ErasureRequest.objects.exists()
        assert not AuditEntry.objects.filter(action="privacy.erasure.requested").exists()
    assert client.get(url).status_code == (302 if persona == "anonymous" else
                                           405 if persona == "coordinator" else 403)
