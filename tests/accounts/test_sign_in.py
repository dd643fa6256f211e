"""Sign-in by email and password, sign-out, and django-axes' lock-out after repeated failures.

Lock-out tests post to the sign-in page (axes needs the request), never use client.login.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from trainingdesk.accounts.models import User

URL = reverse("accounts:login")
START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def _sign_in(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(URL, {"username": email, "password": password})


def _signed_in_as(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def _fail(client: Client, email: str, times: int) -> None:
    for _ in range(times):
        _sign_in(client, email, "not-the-password")


@pytest.mark.django_db
def test_the_form_asks_for_an_email_address_in_a_field_named_username(client: Client) -> None:
    html = client.get(URL).content.decode()
    assert '<label class="field__label" for="id_username">Email address' in html
    assert 'type="email" name="username"' in html
    assert 'autocomplete="current-password"' in html


def test_it_signs_a_person_in_with_their_email_and_password(client: Client, participant: User) -> None:
    response = _sign_in(client, "pat@example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:landing")  # which leads a participant on
    assert client.get(response["Location"])["Location"] == reverse("bookings:my_training")
    assert _signed_in_as(client) == participant.pk


def test_the_email_is_not_case_sensitive(client: Client, participant: User) -> None:
    response = _sign_in(client, "  Pat@Example.ORG ", PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == participant.pk


def test_it_goes_on_to_the_page_the_person_asked_for(client: Client, participant: User) -> None:
    response = client.post(
        URL, {"username": "pat@example.org", "password": PASSWORD, "next": "/training-map/"}
    )
    assert response["Location"] == "/training-map/"


def test_it_will_not_send_the_person_to_another_site(client: Client, participant: User) -> None:
    response = client.post(
        URL, {"username": "pat@example.org", "password": PASSWORD, "next": "https://evil.example.com/"}
    )
    assert response["Location"] == reverse("accounts:landing")


def test_a_wrong_password_shows_one_message_that_does_not_say_which_part_was_wrong(
    client: Client, participant: User
) -> None:
    response = _sign_in(client, "pat@example.org", "not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the email address and password of your account." in html
    unknown = _sign_in(Client(), "nobody@example.org", "not-the-password").content.decode()
    assert "Enter the email address and password of your account." in unknown
    assert _signed_in_as(client) is None


def test_an_inactive_person_cannot_sign_in(client: Client, participant: User) -> None:
    participant.is_active = False
    participant.save(update_fields=["is_active"])
    response = _sign_in(client, "pat@example.org", PASSWORD)
    assert response.status_code == 200
    assert _signed_in_as(client) is None


def test_signing_out_takes_a_post_and_ends_the_session(client: Client, participant: User) -> None:
    client.force_login(participant)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert _signed_in_as(client) == participant.pk
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:index")
    assert _signed_in_as(client) is None


def test_after_the_failure_limit_even_the_right_password_is_locked_out(
    client: Client, participant: User
) -> None:
    _fail(client, "pat@example.org", settings.AXES_FAILURE_LIMIT)
    response = _sign_in(client, "pat@example.org", PASSWORD)
    assert response.status_code == 429
    assert _signed_in_as(client) is None
    html = response.content.decode()
    assert "too many failed attempts" in html
    assert f"Try again in {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in html
    assert reverse("accounts:password_reset") in html


def test_the_attempt_that_reaches_the_limit_already_shows_the_lock_out_page(
    client: Client, participant: User
) -> None:
    _fail(client, "pat@example.org", settings.AXES_FAILURE_LIMIT - 1)
    response = _sign_in(client, "pat@example.org", "not-the-password")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]


def test_failures_count_together_whatever_the_case_of_the_email(
    client: Client, participant: User
) -> None:
    spellings = ["pat@example.org", "PAT@example.org", "Pat@Example.org", "pat@EXAMPLE.org"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = spellings[attempt % len(spellings)]
        _sign_in(client, email, "not-the-password")
    assert _sign_in(client, "pat@example.org", PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().username == "pat@example.org"


def test_the_person_can_sign_in_again_after_the_cool_off(client: Client, participant: User) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        _fail(client, "pat@example.org", settings.AXES_FAILURE_LIMIT)
        traveller.shift(settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=30))
        assert _sign_in(client, "pat@example.org", PASSWORD).status_code == 429
        # A try during the lock-out starts the cool-off again.
        traveller.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
        response = _sign_in(client, "pat@example.org", PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == participant.pk


def test_a_successful_sign_in_resets_the_failure_count(client: Client, participant: User) -> None:
    _fail(client, "pat@example.org", settings.AXES_FAILURE_LIMIT - 1)
    assert _sign_in(client, "pat@example.org", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    _fail(client, "pat@example.org", settings.AXES_FAILURE_LIMIT - 1)
    response = _sign_in(client, "pat@example.org", PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == participant.pk


def test_a_lock_out_of_one_account_leaves_another_alone(
    client: Client, participant: User, outsider: User
) -> None:
    _fail(client, "pat@example.org", settings.AXES_FAILURE_LIMIT)
    response = _sign_in(client, "oscar@example.org", PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == outsider.pk


def test_the_coordinator_lifts_a_lock_out_in_the_back_office(
    client: Client, participant: User, coordinator: User
) -> None:
    from axes.models import AccessAttempt

    _fail(client, "pat@example.org", settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username="pat@example.org")
    office = Client()
    office.force_login(coordinator)
    listing = office.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "pat@example.org" in listing.content.decode()
    confirm = office.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert confirm.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _sign_in(client, "pat@example.org", PASSWORD).status_code == 302
    assert _signed_in_as(client) == participant.pk


# --- One client trying many accounts -----------------------------------------------------------

def _accounts(count: int) -> list[str]:
    return [f"guess{number}@example.org" for number in range(count)]


def _spread_failures(client: Client, total: int, **headers: str) -> None:
    """`total` failures from one client, spread over accounts so that none reaches its own limit."""
    per_account = settings.AXES_FAILURE_LIMIT - 1
    emails = _accounts(-(-total // per_account))
    for number in range(total):
        client.post(URL, {"username": emails[number // per_account], "password": "a-guess"}, **headers)


def test_the_client_limit_is_higher_than_an_accounts(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.AXES_CLIENT_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT


def test_one_client_failing_across_many_accounts_is_locked_out_even_with_a_right_password(
    client: Client, participant: User
) -> None:
    _spread_failures(client, settings.AXES_CLIENT_FAILURE_LIMIT)
    response = _sign_in(client, "pat@example.org", PASSWORD)
    assert response.status_code == 429
    assert _signed_in_as(client) is None
    html = response.content.decode()
    assert "too many failed attempts to sign in from your network" in html


def test_a_client_just_under_its_limit_can_still_sign_in(client: Client, participant: User) -> None:
    _spread_failures(client, settings.AXES_CLIENT_FAILURE_LIMIT - 1)
    assert _sign_in(client, "pat@example.org", PASSWORD).status_code == 302
    assert _signed_in_as(client) == participant.pk


def test_one_persons_lock_out_leaves_the_rest_of_their_office_free_to_sign_in(
    client: Client, participant: User, outsider: User
) -> None:
    # One office behind one address: Pat is locked out, Oscar at the next desk is not.
    _fail(client, "pat@example.org", settings.AXES_FAILURE_LIMIT)
    colleague = Client()
    assert _sign_in(colleague, "oscar@example.org", PASSWORD).status_code == 302
    assert _signed_in_as(colleague) == outsider.pk


def test_a_locked_out_client_leaves_other_clients_alone(client: Client, participant: User) -> None:
    _spread_failures(client, settings.AXES_CLIENT_FAILURE_LIMIT, REMOTE_ADDR="203.0.113.9")
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert _sign_in(elsewhere, "pat@example.org", PASSWORD).status_code == 302


def test_the_client_is_counted_by_its_trusted_address_not_the_one_it_claims(
    client: Client, participant: User, settings  # type: ignore[no-untyped-def]
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    per_account = settings.AXES_FAILURE_LIMIT - 1
    emails = _accounts(-(-settings.AXES_CLIENT_FAILURE_LIMIT // per_account))
    for number in range(settings.AXES_CLIENT_FAILURE_LIMIT):
        # Each request claims a new address on the left of X-Forwarded-For; the proxy appends the real one.
        client.post(URL, {"username": emails[number // per_account], "password": "a-guess"},
                    HTTP_X_FORWARDED_FOR=f"10.0.0.{number}, 203.0.113.9", REMOTE_ADDR="10.1.1.1")
    response = client.post(URL, {"username": "pat@example.org", "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9", REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429


def test_a_client_lock_out_ends_after_the_cool_off(client: Client, participant: User) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        _spread_failures(client, settings.AXES_CLIENT_FAILURE_LIMIT)
        assert _sign_in(client, "pat@example.org", PASSWORD).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
        response = _sign_in(client, "pat@example.org", PASSWORD)
    assert response.status_code == 302
