"""Signed-in clients for the load generator, without the login view.

A client is a session row made directly with the session engine (what `login()` would store:
the user's id, backend and session-auth hash) and a CSRF secret, sent as the `csrftoken`
cookie and again as the form's `csrfmiddlewaretoken` (Django accepts the unmasked 32-character
secret in both places). Logging 400 people in through the form would trip django-axes and
measure password hashing; the booking rush is about booking.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from trainingdesk.accounts.models import User

CSRF_SECRET_LENGTH = 32  # django.middleware.csrf.CSRF_SECRET_LENGTH
CSRF_ALLOWED_CHARS = string.ascii_letters + string.digits


def new_csrf_secret() -> str:
    return "".join(secrets.choice(CSRF_ALLOWED_CHARS) for _ in range(CSRF_SECRET_LENGTH))


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    session_key: str
    csrf_secret: str

    def cookie(self, session_cookie: str = "sessionid", csrf_cookie: str = "csrftoken") -> str:
        """The Cookie header's value."""
        return cookie_header({session_cookie: self.session_key, csrf_cookie: self.csrf_secret})

    def headers(self, **cookie_names: str) -> dict[str, str]:
        return {"Cookie": self.cookie(**cookie_names)}

    def form(self, fields: Mapping[str, object]) -> tuple[dict[str, str], bytes]:
        """Headers and urlencoded body of a POST of `fields`, with the CSRF token added."""
        body = form_body({**fields, "csrfmiddlewaretoken": self.csrf_secret})
        return {**self.headers(), "Content-Type": "application/x-www-form-urlencoded"}, body


def cookie_header(cookies: Mapping[str, str]) -> str:
    for name, value in cookies.items():
        if not name or any(c in f"{name}{value}" for c in ";, \r\n"):
            raise ValueError(f"not a plain cookie: {name}={value}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def form_body(fields: Mapping[str, object]) -> bytes:
    return urlencode({name: str(value) for name, value in fields.items()}).encode("ascii")


def sign_in(users: Iterable[User]) -> list[SignedIn]:
    """A fresh session for each user, stored as the login view would store it. Needs Django."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore
    signed_in = []
    for user in users:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        assert session.session_key is not None
        signed_in.append(SignedIn(user.pk, session.session_key, new_csrf_secret()))
    return signed_in
