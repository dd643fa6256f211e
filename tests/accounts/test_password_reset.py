"""Password reset: ask, get an email, follow its link, choose a new password. And change it."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from trainingdesk.accounts.models import User

# Real commits: the reset email is sent by a task once the request's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

URL = reverse("accounts:password_reset")
NEW_PASSWORD = "heron-lantern-quarry-77"


def _reset_link() -> str:
    (message,) = mail.outbox
    match = re.search(re.escape(settings.SITE_URL) + r"(/accounts/password/reset/[^\s]+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_it_emails_a_link_to_an_existing_account(client: Client, participant: User) -> None:
    response = client.post(URL, {"email": "Pat@Example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["pat@example.org"]
    assert message.subject == "Reset your Trainingdesk password"
    assert "Hello Pat Participant," in message.body
    assert _reset_link()


@pytest.mark.django_db
def test_it_answers_the_same_whether_or_not_the_email_has_an_account(client: Client) -> None:
    response = client.post(URL, {"email": "nobody@example.org"}, follow=True)
    assert response.redirect_chain == [(reverse("accounts:password_reset_done"), 302)]
    assert "If there is an account with that email address" in response.content.decode()
    assert mail.outbox == []


def test_the_pages_for_a_known_and_an_unknown_email_are_identical(client: Client, participant: User) -> None:
    known = client.post(URL, {"email": "pat@example.org"}, follow=True)
    unknown = Client().post(URL, {"email": "nobody@example.org"}, follow=True)
    assert known.content == unknown.content


@pytest.mark.django_db
def test_it_asks_again_for_an_address_that_is_not_an_email(client: Client) -> None:
    response = client.post(URL, {"email": "pat-at-example"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_email">' in html
    assert mail.outbox == []


def test_the_link_lets_the_person_choose_a_new_password_and_sign_in_with_it(
    client: Client, participant: User
) -> None:
    client.post(URL, {"email": "pat@example.org"})
    form_page = client.get(_reset_link(), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    participant.refresh_from_db()
    assert participant.check_password(NEW_PASSWORD)
    signed_in = Client().post(
        reverse("accounts:login"), {"username": "pat@example.org", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_the_new_password_must_pass_the_validators(client: Client, participant: User) -> None:
    client.post(URL, {"email": "pat@example.org"})
    set_url = client.get(_reset_link(), follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "password123", "new_password2": "password123"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This password is too common." in html
    assert '<a href="#id_new_password1">' in html
    participant.refresh_from_db()
    assert participant.check_password(PASSWORD)


def test_the_link_works_only_once(client: Client, participant: User) -> None:
    client.post(URL, {"email": "pat@example.org"})
    link = _reset_link()
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().get(link, follow=True)
    assert "This link has expired" in again.content.decode()


def test_a_made_up_link_is_refused(client: Client, participant: User) -> None:
    url = reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-123"})
    assert "This link has expired" in client.get(url).content.decode()


def test_a_signed_in_person_can_change_their_password(client: Client, participant: User) -> None:
    client.force_login(participant)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    participant.refresh_from_db()
    assert participant.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:profile")).status_code == 200  # still signed in


def test_changing_the_password_needs_the_current_one(client: Client, participant: User) -> None:
    client.force_login(participant)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "a-guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert '<a href="#id_old_password">' in response.content.decode()
    participant.refresh_from_db()
    assert participant.check_password(PASSWORD)


@pytest.mark.django_db
def test_changing_the_password_needs_signing_in(client: Client) -> None:
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_password_change_is_audited_without_the_password(client: Client, participant: User) -> None:
    from trainingdesk.audit.models import AuditEntry

    client.force_login(participant)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    entry = AuditEntry.objects.get(action="accounts.password.changed")
    assert entry.actor == participant
    assert NEW_PASSWORD not in str(entry.before) + str(entry.after)


def test_a_reset_lifts_a_lock_out_from_too_many_failed_sign_ins(
    client: Client, participant: User, settings
) -> None:
    from trainingdesk.audit.models import AuditEntry

    sign_in = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(sign_in, {"username": "pat@example.org", "password": "wrong-password"})
    locked = Client().post(sign_in, {"username": "pat@example.org", "password": PASSWORD})
    assert locked.status_code == 429

    client.post(URL, {"email": "pat@example.org"})
    form_page = client.get(_reset_link(), follow=True)
    client.post(form_page.redirect_chain[-1][0],
                {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert AuditEntry.objects.filter(action="accounts.password.reset", actor=participant).exists()
    signed_in = Client().post(sign_in, {"username": "pat@example.org", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


# --- throttling ------------------------------------------------------------------------------

def test_twenty_requests_for_one_address_send_it_three_emails(client: Client, participant: User) -> None:
    pages = {client.post(URL, {"email": "pat@example.org"}, follow=True).content for _ in range(20)}
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR == 3
    assert len(pages) == 1  # the same answer before and after the limit


def test_the_per_address_limit_counts_every_client(participant: User) -> None:
    for n in range(5):
        Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(URL, {"email": "pat@example.org"})
    assert len(mail.outbox) == 3


def test_one_client_asking_for_many_addresses_is_stopped_at_its_limit(client: Client) -> None:
    User.objects.bulk_create(User(email=f"person{n}@example.org", full_name=f"Person {n}",
                                  password=make_password(PASSWORD)) for n in range(15))
    for n in range(15):
        client.post(URL, {"email": f"person{n}@example.org"})
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_CLIENT_PER_HOUR == 10
    # Another client is not held back by the first one's requests.
    Client(REMOTE_ADDR="198.51.100.7").post(URL, {"email": "person14@example.org"})
    assert len(mail.outbox) == 11


def test_a_throttled_request_answers_exactly_as_an_unknown_address_does(
    client: Client, participant: User
) -> None:
    for _ in range(3):
        client.post(URL, {"email": "pat@example.org"})
    throttled = client.post(URL, {"email": "pat@example.org"}, follow=True)
    unknown = Client().post(URL, {"email": "nobody@example.org"}, follow=True)
    assert throttled.redirect_chain == unknown.redirect_chain
    assert throttled.content == unknown.content


def test_the_reset_email_goes_through_the_outbox(client: Client, participant: User) -> None:
    from trainingdesk.notifications.models import Email, EmailStatus

    client.post(URL, {"email": "pat@example.org"})
    email = Email.objects.get()
    assert (email.to, email.status, email.template) == (
        ["pat@example.org"], EmailStatus.SENT, "accounts/email/password_reset.txt")
