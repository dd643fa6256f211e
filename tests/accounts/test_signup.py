"""Sign-up: email, full name and a password twice; the person is signed in afterwards."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from trainingdesk.accounts.models import User
from trainingdesk.audit.models import AuditEntry

URL = reverse("accounts:signup")
GOOD_PASSWORD = "violet-kestrel-harbour-42"


def _post(client: Client, **overrides: str):  # type: ignore[no-untyped-def]
    data = {
        "email": "Sam.Newcomer@Example.org",
        "full_name": "Sam Newcomer",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(overrides)
    return client.post(URL, data)


@pytest.mark.django_db
def test_it_shows_the_form_with_labels_above_inputs(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="field__label" for="id_email">Email address' in html
    assert 'autocomplete="new-password"' in html


@pytest.mark.django_db
def test_it_creates_an_account_with_a_lower_case_email_and_signs_the_person_in(client: Client) -> None:
    response = _post(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user = User.objects.get()
    assert user.email == "sam.newcomer@example.org"
    assert user.full_name == "Sam Newcomer"
    assert user.check_password(GOOD_PASSWORD)
    assert not user.is_staff
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_it_records_the_registration_in_the_audit_log(client: Client) -> None:
    _post(client)
    entry = AuditEntry.objects.get(action="accounts.user.registered")
    user = User.objects.get()
    assert entry.actor_id == user.pk
    assert entry.after is not None and "password" not in entry.after


@pytest.mark.django_db
def test_it_refuses_an_email_already_in_use_whatever_its_case(client: Client) -> None:
    UserFactory(email="sam.newcomer@example.org")
    response = _post(client, email="SAM.NEWCOMER@example.ORG")
    assert response.status_code == 200
    assert "An account with this email address already exists" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_password_that_is_too_common(client: Client) -> None:
    response = _post(client, password1="password123", password2="password123")
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_password_that_is_too_short(client: Client) -> None:
    response = _post(client, password1="xq7-Lm2", password2="xq7-Lm2")
    assert "This password is too short." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_password_that_is_entirely_numeric(client: Client) -> None:
    response = _post(client, password1="90817263544536", password2="90817263544536")
    assert "This password is entirely numeric." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_password_too_like_the_persons_email(client: Client) -> None:
    response = _post(client, password1="sam.newcomer", password2="sam.newcomer")
    assert "The password is too similar to the email address." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_passwords_that_do_not_match(client: Client) -> None:
    response = _post(client, password2=GOOD_PASSWORD + "x")
    html = response.content.decode()
    assert "The passwords do not match" in html
    assert '<a href="#id_password2">' in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_shows_an_error_summary_linking_to_each_field_and_the_message_beside_it(client: Client) -> None:
    response = client.post(URL, {"email": "not-an-email", "full_name": "", "password1": "", "password2": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    for field in ("email", "full_name", "password1", "password2"):
        assert f'<a href="#id_{field}">' in html
        assert f'id="id_{field}-error"' in html
    assert "<title>Error: Create an account" in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_signed_in_person_is_sent_to_their_profile(client: Client, participant: User) -> None:
    client.force_login(participant)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


@pytest.mark.django_db
def test_it_refuses_a_name_with_hidden_direction_controls(client: Client) -> None:
    response = _post(client, full_name="Sam \u202eNewcomer")
    assert response.status_code == 200
    assert "hidden direction-control characters" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_empty_form_names_each_missing_field(client: Client) -> None:
    html = client.post(URL, {"email": "", "full_name": "", "password1": "", "password2": ""}).content.decode()
    for message in ("Enter your email address", "Enter your full name", "Create a password",
                    "Type your password again to confirm it"):
        assert message in html
    assert "This field is required." not in html
