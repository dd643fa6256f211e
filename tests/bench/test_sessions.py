"""bench/sessions.py: the cookies and form a signed-in bench client sends."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from bench.sessions import SignedIn, cookie_header, form_body, new_csrf_secret, sign_in
from tests.factories import UserFactory


def test_a_csrf_secret_is_32_letters_and_digits_and_new_each_time() -> None:
    secrets = {new_csrf_secret() for _ in range(20)}

    assert len(secrets) == 20
    assert all(len(s) == 32 and s.isalnum() and s.isascii() for s in secrets)


def test_the_cookie_header_names_the_session_and_the_csrf_secret() -> None:
    client = SignedIn(user_id=1, session_key="abc123", csrf_secret="s" * 32)

    assert client.cookie() == f"sessionid=abc123; csrftoken={'s' * 32}"
    assert client.headers(session_cookie="sid")["Cookie"].startswith("sid=abc123; ")


def test_a_cookie_that_would_break_the_header_is_refused() -> None:
    with pytest.raises(ValueError, match="not a plain cookie"):
        cookie_header({"sessionid": "abc; admin=1"})


def test_the_form_carries_the_csrf_secret_as_its_token_and_is_urlencoded() -> None:
    client = SignedIn(user_id=1, session_key="abc123", csrf_secret="s" * 32)

    headers, body = client.form({"option": 7, "billing_address": "1 Road\nLeeds"})

    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(body.decode()) == {
        "option": ["7"], "billing_address": ["1 Road\nLeeds"], "csrfmiddlewaretoken": ["s" * 32],
    }
    assert form_body({"a": "b c"}) == b"a=b+c"


@pytest.mark.django_db
def test_a_signed_in_client_is_that_user_and_passes_the_csrf_check() -> None:
    user = UserFactory()
    [client] = sign_in([user])

    assert SessionStore(client.session_key)[SESSION_KEY] == str(user.pk)
    assert Client().get("/", HTTP_COOKIE=client.cookie()).wsgi_request.user == user
    browser = Client(enforce_csrf_checks=True)
    browser.cookies[settings.SESSION_COOKIE_NAME] = client.session_key
    browser.cookies[settings.CSRF_COOKIE_NAME] = client.csrf_secret
    sign_out = reverse("accounts:logout")
    assert browser.post(sign_out).status_code == 403  # without the token: refused
    response = browser.post(sign_out, {"csrfmiddlewaretoken": client.csrf_secret})

    assert response.status_code == 302  # signed out: the session was theirs, the token good
    assert response.wsgi_request.user.is_anonymous
    assert not SessionStore().exists(client.session_key)
