"""Professional bodies in the back office: the coordinator corrects a body's format or adds a
body, every change is in the audit log, and a new body is offered on the profile page at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trainingdesk.accounts.models import ProfessionalBody, User
from trainingdesk.audit.models import AuditEntry

BODIES_URL = "/back-office/accounts/professionalbody/"


@pytest.fixture
def client_as_coordinator(client: Client, coordinator: User) -> Client:
    client.force_login(coordinator)
    return client


def body_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "PSA", "name": "PSA (Professional Standards Authority)",
        "number_pattern": r"^PSA\d{3}$", "number_example": "PSA123",
        "number_hint": "PSA and three digits.", "position": "7", "active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_coordinator_changes_a_bodys_format_and_it_is_audited(
    client_as_coordinator: Client, coordinator: User
) -> None:
    hcpc = ProfessionalBody.objects.get(code="HCPC")
    response = client_as_coordinator.post(f"{BODIES_URL}{hcpc.pk}/change/", body_post(
        code=None, name=hcpc.name, number_pattern=r"^[A-Z]{2,3}\d{4,7}$",
        number_example="PYL1234567", number_hint=hcpc.number_hint, position="1"))
    assert response.status_code == 302
    hcpc.refresh_from_db()
    assert hcpc.number_problem("PYL1234567") is None
    [entry] = AuditEntry.objects.filter(action="accounts.professionalbody.changed")
    assert entry.actor_id == coordinator.pk
    assert entry.before is not None and entry.after is not None
    assert (entry.before["number_example"], entry.after["number_example"]) == ("PYL12345", "PYL1234567")
    assert entry.after["code"] == "HCPC"


def test_the_code_of_a_body_cannot_be_changed(client_as_coordinator: Client) -> None:
    hcpc = ProfessionalBody.objects.get(code="HCPC")
    client_as_coordinator.post(f"{BODIES_URL}{hcpc.pk}/change/", body_post(
        code="HCPX", name=hcpc.name, number_pattern=hcpc.number_pattern,
        number_example=hcpc.number_example, position="1"))
    hcpc.refresh_from_db()
    assert hcpc.code == "HCPC"


def test_an_example_outside_the_format_is_refused_and_nothing_saved(
    client_as_coordinator: Client,
) -> None:
    response = client_as_coordinator.post(f"{BODIES_URL}add/", body_post(number_example="12345"))
    assert response.status_code == 200
    assert "The example does not match the format" in response.content.decode()
    assert not ProfessionalBody.objects.filter(code="PSA").exists()
    assert not AuditEntry.objects.exists()


def test_a_pattern_that_is_not_a_regular_expression_is_refused(client_as_coordinator: Client) -> None:
    response = client_as_coordinator.post(f"{BODIES_URL}add/", body_post(number_pattern="^PSA[0-9"))
    assert response.status_code == 200
    assert "This is not a regular expression" in response.content.decode()
    assert not ProfessionalBody.objects.filter(code="PSA").exists()


def test_a_body_the_coordinator_adds_is_offered_on_the_profile_page_with_its_format(
    client_as_coordinator: Client, coordinator: User, participant: User
) -> None:
    response = client_as_coordinator.post(f"{BODIES_URL}add/", body_post())
    assert response.status_code == 302
    [entry] = AuditEntry.objects.filter(action="accounts.professionalbody.added")
    assert entry.after is not None and entry.after["number_pattern"] == r"^PSA\d{3}$"

    client = Client()
    client.force_login(participant)
    profile = reverse("accounts:profile")
    html = client.get(profile).content.decode()
    assert '<option value="PSA">PSA (Professional Standards Authority)</option>' in html
    assert "PSA123: PSA and three digits." in html
    rows = {
        "profile-full_name": "Pat Participant", "profile-time_zone": "Europe/London",
        "registrations-TOTAL_FORMS": "1", "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0", "registrations-MAX_NUM_FORMS": "1000",
        "registrations-0-body": "PSA", "registrations-0-number": "PSA12",
    }
    refused = client.post(profile, rows)
    assert "A PSA number looks like PSA123." in refused.content.decode()
    assert client.post(profile, {**rows, "registrations-0-number": "psa 123"}).status_code == 302
    assert [(r.body_id, r.number) for r in participant.registrations.all()] == [("PSA", "PSA123")]


def test_a_body_with_registrations_cannot_be_deleted(
    client_as_coordinator: Client, participant: User
) -> None:
    participant.registrations.create(body_id="NMC", number="12A3456E")
    nmc = ProfessionalBody.objects.get(code="NMC")
    response = client_as_coordinator.post(f"{BODIES_URL}{nmc.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200  # the admin's "cannot delete: protected" page
    assert ProfessionalBody.objects.filter(code="NMC").exists()


@pytest.mark.parametrize("who", ["participant", "trainer"])
def test_only_the_coordinator_edits_bodies(client: Client, request: pytest.FixtureRequest,
                                           who: str) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(BODIES_URL).status_code == 302  # to the back office's sign-in
    assert client.post(f"{BODIES_URL}add/", body_post()).status_code == 302
    assert not ProfessionalBody.objects.filter(code="PSA").exists()
