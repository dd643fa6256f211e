"""Settings come from the environment and refuse unsafe production values at start-up.

Each test starts `manage.py` in a fresh process with only the environment it names, because
settings are read once, on import.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from trainingdesk.lib.credentials import multibase_encode

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_KEY = "django-insecure-development-only-key-do-not-use-in-production"


def new_signing_key() -> str:
    """A fresh Ed25519 key, as the README's command makes one."""
    return multibase_encode(b"\x80\x26" + secrets.token_bytes(32))


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py with our own interpreter
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120, check=False,
    )


def _production(**overrides: str) -> dict[str, str]:
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "CREDENTIAL_SIGNING_KEY": new_signing_key(),
        "ALLOWED_HOSTS": "training.partnershipprojects.co.uk",
        "SITE_URL": "https://training.partnershipprojects.co.uk",
        "DEFAULT_FROM_EMAIL": "PartnershipProjects training <training@partnershipprojects.co.uk>",
    }
    env.update(overrides)
    return env


def test_check_deploy_reports_nothing_with_debug_off_a_proper_key_and_hosts() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **_production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_needs_nothing_set_to_pass_its_checks() -> None:
    result = _manage("check")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": DEV_KEY}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "too-short-to-be-a-real-secret"}, "SECRET_KEY must be set"),
        ({"CREDENTIAL_SIGNING_KEY": ""}, "CREDENTIAL_SIGNING_KEY must be set"),
        ({"CREDENTIAL_SIGNING_KEY": "z6MkNotAPrivateKey"}, "CREDENTIAL_SIGNING_KEY must be an Ed25519"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name"),
        ({"DEBUG": "flase"}, "DEBUG must be true or false"),
        ({"AXES_FAILURE_LIMIT": "0"}, "AXES_FAILURE_LIMIT must be at least 1"),
        ({"AXES_COOLOFF_MINUTES": "soon"}, "AXES_COOLOFF_MINUTES must be a whole number"),
        ({"EMAIL_PORT": "-25"}, "EMAIL_PORT must be at least 1"),
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "not both"),
        ({"SITE_URL": ""}, "SITE_URL must be set"),
        ({"SITE_URL": "http://training.partnershipprojects.co.uk"}, "SITE_URL must be an https:// address"),
        ({"SITE_URL": "https://127.0.0.1:8000"}, "SITE_URL must be the site's public address"),
        ({"SITE_URL": "https://localhost"}, "SITE_URL must be the site's public address"),
        ({"DEFAULT_FROM_EMAIL": "Trainingdesk <training@example.org>"}, "DEFAULT_FROM_EMAIL must be"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be at least 0"),
    ],
    ids=[
        "no-secret-key", "development-key", "short-key", "no-signing-key", "unreadable-signing-key",
        "no-allowed-hosts", "misspelt-debug",
        "lock-out-after-no-failures", "cool-off-not-a-number", "negative-email-port", "tls-and-ssl",
        "no-site-url", "plain-http-site-url", "loopback-site-url", "localhost-site-url",
        "example-sender", "negative-proxy-count",
    ],
)
def test_it_refuses_to_start_with_an_unsafe_or_unreadable_setting(
    overrides: dict[str, str], message: str
) -> None:
    result = _manage("check", **_production(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_debug_off_without_any_secret_key_refuses_to_start() -> None:
    env = _production()
    del env["SECRET_KEY"]
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: With DEBUG off, SECRET_KEY must be set" in result.stderr


def test_a_site_url_left_at_its_development_default_is_refused_in_production() -> None:
    env = _production()
    del env["SITE_URL"]
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "With DEBUG off, SITE_URL must be set to the site's public https address" in result.stderr


def test_s3_private_storage_is_a_private_bucket_with_signed_urls() -> None:
    result = _manage(
        "shell", "--no-imports", "-c",
        "from django.core.files.storage import storages; s = storages['private']; "
        "print(type(s).__name__, s.bucket_name, s.default_acl, s.querystring_auth, s.file_overwrite)",
        PRIVATE_STORAGE_BUCKET="trainingdesk-uploads", AWS_S3_ENDPOINT_URL="https://s3.example.net",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "trainingdesk-uploads", "private", "True", "False"]
