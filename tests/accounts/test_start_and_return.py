"""Signing in leads each person to their own starting place, and creating an account on the way
to booking a place leads back to the booking."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.emails import send_waiting_emails
from tests.factories import PASSWORD
from trainingdesk.accounts.models import User


def _sign_in(client: Client, email: str, **query: str):
    url = reverse("accounts:login") + (f"?next={query['next']}" if query else "")
    return client.post(url, {"username": email, "password": PASSWORD, **query}, follow=True)


@pytest.mark.parametrize(("persona", "lands_on"), [
    ("coordinator", "control:runs"), ("trainer", "attendance:index"), ("participant", "bookings:my_training"),
])
def test_signing_in_leads_each_person_to_their_own_start(client, persona, lands_on, request):
    user: User = request.getfixturevalue(persona)
    response = _sign_in(client, user.email)
    assert response.redirect_chain[-1][0] == reverse(lands_on)


def test_a_page_that_asked_for_sign_in_comes_first(client, coordinator):
    response = _sign_in(client, coordinator.email, next="/attendance/")
    assert response.redirect_chain[-1][0] == "/attendance/"


def _finish_with_emailed_link(client):
    (message,) = send_waiting_emails()
    link = re.search(r"(/accounts/sign-up/confirm/[^\s]+/)", str(message.body))
    assert link, message.body
    return client.post(link.group(1), {"full_name": "Sam Newcomer", "password1": "violet-kestrel-harbour-42",
                                       "password2": "violet-kestrel-harbour-42"})


def test_create_an_account_on_the_way_to_booking_leads_back_to_the_booking(client, db):
    book_url = "/courses/runs/1/book/"
    sign_in_page = client.get(reverse("accounts:login"), {"next": book_url}).content.decode()
    signup_url = reverse("accounts:signup") + "?next=%2Fcourses%2Fruns%2F1%2Fbook%2F"
    assert f'href="{signup_url}"' in sign_in_page
    form = client.get(signup_url).content.decode()
    assert f'<input type="hidden" name="next" value="{book_url}">' in form
    client.post(signup_url, {"email": "sam@example.org", "next": book_url})
    response = _finish_with_emailed_link(client)
    assert response.status_code == 302 and response["Location"] == book_url
    assert User.objects.filter(email="sam@example.org").exists()


def test_the_way_back_to_the_booking_survives_opening_the_link_in_another_browser(client, db):
    client.post(reverse("accounts:signup"), {"email": "sam@example.org", "next": "/courses/runs/1/book/"})
    response = _finish_with_emailed_link(Client())
    assert response["Location"] == "/courses/runs/1/book/"


def test_an_existing_owner_is_sent_a_sign_in_link_that_leads_back_to_the_booking(client, participant):
    client.post(reverse("accounts:signup"), {"email": participant.email, "next": "/courses/runs/1/book/"})
    (message,) = send_waiting_emails()
    sign_in = re.search(r"(/accounts/sign-in/\S*)", str(message.body))
    assert sign_in, message.body
    response = _sign_in(Client(), participant.email, next="/courses/runs/1/book/")
    assert sign_in.group(1) == reverse("accounts:login") + "?next=/courses/runs/1/book/"
    assert response.redirect_chain[-1][0] == "/courses/runs/1/book/"


def test_an_address_on_another_site_is_not_followed_after_sign_up(client, db):
    client.post(reverse("accounts:signup"), {"email": "sam@example.org", "next": "https://attacker.example/phish"})
    response = _finish_with_emailed_link(client)
    assert response["Location"] == reverse("accounts:profile")


def test_the_start_page_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("accounts:landing"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_the_start_page_leads_anyone_without_a_staff_role_to_my_training(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("accounts:landing"))["Location"] == reverse("bookings:my_training")


def test_sign_in_from_the_sign_up_page_keeps_the_way_back_to_the_booking(client, db):
    html = client.get(reverse("accounts:signup"), {"next": "/courses/runs/1/book/"}).content.decode()
    assert f'href="{reverse("accounts:login")}?next=%2Fcourses%2Fruns%2F1%2Fbook%2F"' in html


def test_the_check_your_email_page_keeps_the_way_back_to_the_booking(client, db):
    response = client.post(reverse("accounts:signup"),
                           {"email": "sam@example.org", "next": "/courses/runs/1/book/"}, follow=True)
    html = response.content.decode()
    assert f'href="{reverse("accounts:signup")}?next=%2Fcourses%2Fruns%2F1%2Fbook%2F"' in html
    assert f'href="{reverse("accounts:login")}?next=%2Fcourses%2Fruns%2F1%2Fbook%2F"' in html
