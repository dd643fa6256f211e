"""Small typed parsers for settings read from the environment.

Every parser fails loudly at start-up on a value it cannot read, so that a typo in production
is an error on boot rather than a surprise at run time.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole number; with `minimum`, one at least that big (a lock-out after 0 failures, or a
    negative port, is a typo to refuse rather than a setting to obey)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        value = default
    else:
        try:
            value = int(raw)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "[::1]"}  # noqa: S104 - names to refuse


def check_public_site_url(name: str, value: str) -> None:
    """Refuse an address that people outside this machine cannot open over https: it goes into
    emails and into the QR code of documents that can never be corrected."""
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if not value:
        raise ImproperlyConfigured(f"With DEBUG off, {name} must be set to the site's public https address.")
    if parts.scheme != "https" or not host:
        raise ImproperlyConfigured(f"With DEBUG off, {name} must be an https:// address, not {value!r}.")
    if host in _LOOPBACK_HOSTS or host.startswith("127.") or host.endswith(".localhost"):
        raise ImproperlyConfigured(
            f"With DEBUG off, {name} must be the site's public address, not a loopback one ({value!r})."
        )


_EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")


def check_sender_address(name: str, value: str) -> None:
    """Refuse the example sender: mail from an example domain is rejected or lost as spam."""
    address = value.rsplit("<", 1)[-1].rstrip(">").strip().lower()
    domain = address.rpartition("@")[2]
    if not domain or domain in _EXAMPLE_DOMAINS or domain.endswith(tuple("." + d for d in _EXAMPLE_DOMAINS)):
        raise ImproperlyConfigured(
            f"With DEBUG off, {name} must be the provider's own sender address, not {value!r}."
        )
