"""Sign-up in two steps. The person gives an email address and is told to check their email, in
the same words whether or not the address has an account. A new address is sent a signed link;
following it, the person chooses their name and password, and the account is made and signed in.
The owner of an address that has an account is told that someone tried, and how to sign in or
reset their password. Nothing on the page tells a stranger which addresses have accounts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.emails import send_waiting_emails
from tests.factories import UserFactory
from trainingdesk.accounts.models import User
from trainingdesk.audit.models import AuditEntry
from trainingdesk.catalogue import demo

URL = reverse("accounts:signup")
SENT_URL = reverse("accounts:signup_sent")
GOOD_PASSWORD = "violet-kestrel-harbour-42"
START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def _ask(client: Client, email: str = "Sam.Newcomer@Example.org", **extra: str):  # type: ignore[no-untyped-def]
    return client.post(URL, {"email": email, **extra})


def _link(message: mail.EmailMessage) -> str:
    pattern = re.escape(settings.SITE_URL) + r"(/accounts/sign-up/confirm/[^\s]+/)"
    match = re.search(pattern, str(message.body))
    assert match, message.body
    return match.group(1)


def _emailed_link(client: Client, email: str = "Sam.Newcomer@Example.org") -> str:
    _ask(client, email)
    (message,) = send_waiting_emails()
    return _link(message)


def _finish(client: Client, link: str, **overrides: str):  # type: ignore[no-untyped-def]
    data = {"full_name": "Sam Newcomer", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    data.update(overrides)
    return client.post(link, data)


def _signed_in_as(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


# --- Step one: the email address ---------------------------------------------------------------

@pytest.mark.django_db
def test_it_asks_only_for_an_email_address_with_its_label_above_the_input(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="field__label" for="id_email">Email address' in html
    assert 'autocomplete="email"' in html
    assert 'type="password"' not in html


@pytest.mark.django_db
def test_a_new_address_is_told_to_check_its_email_and_no_account_is_made_yet(client: Client) -> None:
    response = _ask(client)
    assert response.status_code == 302
    assert response["Location"] == SENT_URL
    page = client.get(SENT_URL).content.decode()
    assert "Check your email" in page
    assert not User.objects.exists()
    assert _signed_in_as(client) is None


@pytest.mark.django_db
def test_a_new_address_is_sent_a_link_to_finish_creating_the_account(client: Client) -> None:
    _ask(client)
    (message,) = send_waiting_emails()
    assert message.to == ["sam.newcomer@example.org"]
    assert message.subject == "Finish creating your Trainingdesk account"
    assert "/accounts/sign-up/confirm/" in _link(message)


@pytest.mark.django_db
def test_an_address_with_an_account_gets_the_same_answer_as_a_new_one(
    client: Client, participant: User
) -> None:
    known = Client().post(URL, {"email": "PAT@example.org"}, follow=True)
    unknown = Client().post(URL, {"email": "nobody@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(SENT_URL, 302)]
    assert known.content == unknown.content
    assert "already exists" not in known.content.decode()


@pytest.mark.django_db
def test_the_owner_of_the_address_is_told_someone_tried_and_how_to_sign_in_or_reset(
    client: Client, participant: User
) -> None:
    _ask(client, "PAT@example.org", next="/courses/runs/1/book/")
    (message,) = send_waiting_emails()
    assert message.to == ["pat@example.org"]
    assert message.subject == "You already have a Trainingdesk account"
    body = str(message.body)
    assert "Hello Pat Participant," in body
    assert "Someone tried to create a Trainingdesk account with this email address" in body
    assert settings.SITE_URL + reverse("accounts:login") + "?next=/courses/runs/1/book/" in body
    assert settings.SITE_URL + reverse("accounts:password_reset") in body
    assert "/accounts/sign-up/confirm/" not in body
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_it_asks_again_for_an_address_that_is_not_an_email(client: Client) -> None:
    response = _ask(client, "not-an-email")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_email">' in html
    assert 'id="id_email-error"' in html
    assert "<title>Error: Create an account" in html
    assert send_waiting_emails() == []


@pytest.mark.django_db
def test_an_empty_address_is_named_in_the_message(client: Client) -> None:
    html = _ask(client, "").content.decode()
    assert "Enter your email address" in html
    assert "This field is required." not in html


@pytest.mark.django_db
def test_an_address_is_sent_only_a_few_emails_an_hour_and_the_page_stays_the_same(
    client: Client, participant: User
) -> None:
    pages = [Client().post(URL, {"email": "pat@example.org"}, follow=True).content
             for _ in range(settings.SIGNUP_EMAILS_PER_ADDRESS_PER_HOUR + 2)]
    assert len(set(pages)) == 1
    assert len(send_waiting_emails()) == settings.SIGNUP_EMAILS_PER_ADDRESS_PER_HOUR


@pytest.mark.django_db
def test_one_client_may_ask_only_so_many_times_an_hour(client: Client, settings: SettingsWrapper) -> None:
    settings.SIGNUP_REQUESTS_PER_CLIENT_PER_HOUR = 3
    for number in range(5):
        assert _ask(client, f"person{number}@example.org")["Location"] == SENT_URL
    assert len(send_waiting_emails()) == 3


@pytest.mark.django_db
def test_a_signed_in_person_is_sent_to_their_profile(client: Client, participant: User) -> None:
    client.force_login(participant)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


# --- Step two: the link ---------------------------------------------------------------------

@pytest.mark.django_db
def test_the_link_asks_for_a_name_and_a_password_and_shows_the_address(client: Client) -> None:
    html = client.get(_emailed_link(client)).content.decode()
    assert "sam.newcomer@example.org" in html
    assert '<label class="field__label" for="id_full_name">Full name' in html
    assert 'autocomplete="new-password"' in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_link_creates_the_account_with_a_lower_case_email_and_signs_the_person_in(client: Client) -> None:
    response = _finish(client, _emailed_link(client))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user = User.objects.get()
    assert user.email == "sam.newcomer@example.org"
    assert user.full_name == "Sam Newcomer"
    assert user.check_password(GOOD_PASSWORD)
    assert not user.is_staff
    assert _signed_in_as(client) == user.pk
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_it_records_the_registration_in_the_audit_log(client: Client) -> None:
    _finish(client, _emailed_link(client))
    entry = AuditEntry.objects.get(action="accounts.user.registered")
    user = User.objects.get()
    assert entry.actor_id == user.pk
    assert entry.after is not None and "password" not in entry.after


@pytest.mark.django_db
def test_the_link_works_once_and_then_leads_to_sign_in(client: Client) -> None:
    link = _emailed_link(client)
    _finish(client, link)
    again = Client()
    response = again.get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    response = _finish(again, link, password1="another-pass-phrase-9", password2="another-pass-phrase-9")
    assert response["Location"] == reverse("accounts:login")
    assert User.objects.get().check_password(GOOD_PASSWORD)
    assert _signed_in_as(again) is None


@pytest.mark.django_db
def test_a_link_for_an_address_that_gained_an_account_meanwhile_makes_no_second_account(
    client: Client,
) -> None:
    link = _emailed_link(client)
    UserFactory(email="sam.newcomer@example.org", full_name="Sam Earlier")
    response = _finish(client, link)
    assert response["Location"] == reverse("accounts:login")
    assert User.objects.get().full_name == "Sam Earlier"
    assert _signed_in_as(client) is None


@pytest.mark.django_db
def test_a_link_older_than_a_day_is_refused_and_offers_a_new_one(client: Client) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        link = _emailed_link(client)
        traveller.shift(dt.timedelta(hours=settings.SIGNUP_LINK_HOURS, seconds=1))
        response = _finish(client, link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This link has expired or is not complete" in html
    assert f'href="{URL}"' in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_link_still_works_just_before_a_day_has_passed(client: Client) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        link = _emailed_link(client)
        traveller.shift(dt.timedelta(hours=settings.SIGNUP_LINK_HOURS, seconds=-60))
        assert _finish(client, link).status_code == 302
    assert User.objects.filter(email="sam.newcomer@example.org").exists()


@pytest.mark.django_db
def test_a_changed_link_is_refused(client: Client) -> None:
    link = _emailed_link(client)
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = link.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    response = _finish(client, forged)
    assert "This link has expired or is not complete" in response.content.decode()
    response = _finish(client, reverse("accounts:signup_confirm", args=["not-a-signed-token"]))
    assert "This link has expired or is not complete" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_link_made_for_another_purpose_is_refused(client: Client) -> None:
    from django.core import signing

    token = signing.dumps({"email": "eve@example.org", "next": ""}, salt="some.other.purpose")
    response = _finish(client, reverse("accounts:signup_confirm", args=[token]))
    assert "This link has expired or is not complete" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_signed_in_person_following_a_link_is_sent_to_their_profile(
    client: Client, participant: User
) -> None:
    link = _emailed_link(Client())
    client.force_login(participant)
    response = _finish(client, link)
    assert response["Location"] == reverse("accounts:profile")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_password_that_is_too_common(client: Client) -> None:
    response = _finish(client, _emailed_link(client), password1="password123", password2="password123")
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_password_that_is_too_short(client: Client) -> None:
    response = _finish(client, _emailed_link(client), password1="xq7-Lm2", password2="xq7-Lm2")
    assert "This password is too short." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_password_that_is_entirely_numeric(client: Client) -> None:
    response = _finish(client, _emailed_link(client), password1="90817263544536", password2="90817263544536")
    assert "This password is entirely numeric." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_password_too_like_the_persons_email(client: Client) -> None:
    response = _finish(client, _emailed_link(client), password1="sam.newcomer", password2="sam.newcomer")
    assert "The password is too similar to the email address." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_passwords_that_do_not_match(client: Client) -> None:
    response = _finish(client, _emailed_link(client), password2=GOOD_PASSWORD + "x")
    html = response.content.decode()
    assert "The passwords do not match" in html
    assert '<a href="#id_password2">' in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_shows_an_error_summary_linking_to_each_field_and_the_message_beside_it(client: Client) -> None:
    response = _finish(client, _emailed_link(client), full_name="", password1="", password2="")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    for field in ("full_name", "password1", "password2"):
        assert f'<a href="#id_{field}">' in html
        assert f'id="id_{field}-error"' in html
    assert "<title>Error: Create an account" in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_empty_form_names_each_missing_field(client: Client) -> None:
    html = _finish(client, _emailed_link(client), full_name="", password1="", password2="").content.decode()
    for message in ("Enter your full name", "Create a password", "Type your password again to confirm it"):
        assert message in html
    assert "This field is required." not in html


@pytest.mark.django_db
def test_it_refuses_a_name_with_hidden_direction_controls(client: Client) -> None:
    response = _finish(client, _emailed_link(client), full_name="Sam \u202eNewcomer")
    assert response.status_code == 200
    assert "hidden direction-control characters" in response.content.decode()
    assert not User.objects.exists()


# --- Who may open the new pages -------------------------------------------------------------

PERSONAS = ["anonymous", "participant", "outsider", "trainer", "coordinator"]


def _as(client: Client, persona: str, request: pytest.FixtureRequest) -> User | None:
    if persona == "anonymous":
        return None
    user: User = request.getfixturevalue(persona)
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_check_your_email_page_says_the_same_to_everyone(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    _as(client, persona, request)
    response = client.get(SENT_URL)
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_signed_out_visitor_can_finish_an_account_with_a_link(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    link = _emailed_link(Client(), "newcomer@example.org")
    user = _as(client, persona, request)
    response = _finish(client, link)
    assert response.status_code == 302
    if user is None:
        assert User.objects.get(email="newcomer@example.org").pk == _signed_in_as(client)
    else:
        assert response["Location"] == reverse("accounts:profile")
        assert not User.objects.filter(email="newcomer@example.org").exists()
        assert _signed_in_as(client) == user.pk


@pytest.mark.parametrize(("email", "password"), [
    (demo.COORDINATOR_EMAIL, demo.COORDINATOR_PASSWORD), (demo.TRAINER_EMAIL, demo.TRAINER_PASSWORD),
    (demo.PARTICIPANT_EMAIL, demo.DEMO_PASSWORD),
])
def test_the_demo_logins_still_sign_in_on_the_sign_in_page(
    client: Client, brochure: demo.Demo, email: str, password: str
) -> None:
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    assert response.status_code == 302
    assert _signed_in_as(client) == User.objects.get(email=email).pk
