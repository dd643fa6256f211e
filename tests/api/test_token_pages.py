"""The token pages: a person's own tokens from their profile, and the coordinator's
organisation tokens at /control/api-tokens/. Every persona, with the database checked after
each refused POST."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import Api
from trainingdesk.api import services as tokens
from trainingdesk.api.models import ApiToken
from trainingdesk.audit.models import AuditEntry

PERSONAS = ["anonymous", "participant", "outsider", "trainer", "coordinator"]


@pytest.fixture
def as_(client: Client, request: pytest.FixtureRequest):
    def sign_in(persona: str) -> Client:
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client
    return sign_in


def _tokens() -> list[tuple[int, str | None]]:
    return list(ApiToken.objects.order_by("id").values_list("id", "revoked_at"))


def test_the_profile_links_to_the_token_page(client, participant):
    client.force_login(participant)
    assert reverse("api_tokens:mine") in client.get(reverse("accounts:profile")).content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_signed_in_has_their_own_token_page(as_, persona, db):
    response = as_(persona).get(reverse("api_tokens:mine"))
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    else:
        assert response.status_code == 200
        assert "Make a token" in response.content.decode()


def test_a_person_makes_a_token_shown_once_that_works(client, participant, db):
    client.force_login(participant)
    response = client.post(reverse("api_tokens:mine"), {
        "name": "My spreadsheet", "scopes": ["read:bookings", "read:invoices"]})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert token.user == participant and token.scopes == ["read:bookings", "read:invoices"]
    secret = response.context["new"].secret
    assert secret in response.content.decode()
    assert AuditEntry.objects.filter(action="api.token.created", actor=participant).exists()
    # Shown once: the list shows its prefix only.
    page = client.get(reverse("api_tokens:mine")).content.decode()
    assert f"td_{token.prefix}_" in page and secret not in page
    assert Api(Client()).get("bookings", secret).status_code == 200


def test_a_blank_form_is_400_with_each_message_beside_its_field(client, participant):
    client.force_login(participant)
    response = client.post(reverse("api_tokens:mine"), {"expires_on": "yesterday"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    for message in ["Enter a name for the token", "Choose at least one thing the token may do.",
                    "Enter a date like 31/12/2027."]:
        assert message in html
    assert not ApiToken.objects.exists()


def test_an_expiry_in_the_past_is_refused(client, participant):
    client.force_login(participant)
    response = client.post(reverse("api_tokens:mine"), {
        "name": "Old", "scopes": ["book"], "expires_on": "01/01/2020"})
    assert response.status_code == 400
    assert "Choose an expiry date in the future." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_person_revokes_their_token_and_no_one_else_can(client, participant, outsider,
                                                          coordinator):
    mine = tokens.create_token(actor=participant, name="Mine", scopes=["book"]).token
    client.force_login(outsider)
    before = _tokens()
    assert client.post(reverse("api_tokens:revoke_mine", args=[mine.pk])).status_code == 404
    assert _tokens() == before
    client.force_login(participant)
    response = client.post(reverse("api_tokens:revoke_mine", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert AuditEntry.objects.filter(action="api.token.revoked", actor=participant).exists()


def test_revoking_needs_a_post(client, participant):
    mine = tokens.create_token(actor=participant, name="Mine", scopes=["book"]).token
    client.force_login(participant)
    assert client.get(reverse("api_tokens:revoke_mine", args=[mine.pk])).status_code == 405
    mine.refresh_from_db()
    assert mine.revoked_at is None


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_has_the_organisation_tokens_page(as_, persona, employer):
    client = as_(persona)
    page = client.get(reverse("api_tokens:organisations"))
    before = _tokens()
    made = client.post(reverse("api_tokens:organisations"), {
        "organisation": employer.pk, "name": "HR", "scopes": ["book", "read:bookings"]})
    if persona == "coordinator":
        assert page.status_code == 200
        assert made.status_code == 200
        token = ApiToken.objects.get()
        assert token.organisation == employer
        assert made.context["new"].secret in made.content.decode()
        return
    expected = 302 if persona == "anonymous" else 403
    assert page.status_code == expected and made.status_code == expected
    assert _tokens() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_coordinator_revokes_an_organisation_s_token(as_, persona, employer, coordinator):
    token = tokens.create_token(actor=coordinator, name="HR", scopes=["book"],
                                organisation=employer).token
    client = as_(persona)
    before = _tokens()
    response = client.post(reverse("api_tokens:revoke_organisation", args=[token.pk]))
    token.refresh_from_db()
    if persona == "coordinator":
        assert response.status_code == 302 and token.revoked_at is not None
    else:
        assert response.status_code == (302 if persona == "anonymous" else 403)
        assert _tokens() == before


def test_the_organisation_tokens_page_lists_them_in_a_fixed_number_of_queries(
        client, coordinator, employer, other_employer):
    client.force_login(coordinator)
    tokens.create_token(actor=coordinator, name="HR", scopes=["book"], organisation=employer)
    client.get(reverse("api_tokens:organisations"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("api_tokens:organisations"))
    for n in range(5):
        tokens.create_token(actor=coordinator, name=f"HR {n}", scopes=["book"],
                            organisation=other_employer)
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("api_tokens:organisations"))
    assert response.content.decode().count("Revoke") >= 6
    assert len(six) == len(one)


def test_the_organisation_form_refuses_a_blank_post_with_a_400(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("api_tokens:organisations"), {})
    assert response.status_code == 400
    assert "Choose the organisation the token is for." in response.content.decode()
    assert not ApiToken.objects.exists()
