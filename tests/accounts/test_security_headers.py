"""Every page carries the security headers; the sign-in page is the one attackers look at."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.factories import PASSWORD
from trainingdesk.accounts.models import User

PAGES = ["accounts:login", "accounts:signup", "accounts:password_reset"]


def _csp(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    policy = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in policy.split(";") if part.strip()]
    return {parts[0]: parts[1:] for parts in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_it_sends_a_content_security_policy_without_unsafe_inline(client: Client, page: str) -> None:
    response = client.get(reverse(page))
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    policy = _csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_it_sends_the_other_security_headers(client: Client, page: str) -> None:
    response = client.get(reverse(page))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_signed_in_page_carries_them_too(client: Client, participant: User) -> None:
    client.force_login(participant)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_lock_out_page_carries_them_too(
    client: Client, participant: User, settings: SettingsWrapper
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:login"), {"username": participant.email, "password": "nope"})
    assert response.status_code == 429
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_styles(client: Client) -> None:
    for page in PAGES:
        html = client.get(reverse(page)).content.decode()
        assert "<script>" not in html
        assert "<style" not in html
        assert " style=" not in html
        assert " onclick=" not in html


@pytest.mark.django_db
def test_over_https_it_sends_strict_transport_security_when_configured(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = False
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_same_site(client: Client, participant: User) -> None:
    response = client.post(reverse("accounts:login"), {"username": participant.email, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
