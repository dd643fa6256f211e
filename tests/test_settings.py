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

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_KEY = "django-insecure-development-only-key-do-not-use-in-production"


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
        "ALLOWED_HOSTS": "training.example.org",
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
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name"),
        ({"DEBUG": "flase"}, "DEBUG must be true or false"),
        ({"AXES_FAILURE_LIMIT": "0"}, "AXES_FAILURE_LIMIT must be at least 1"),
        ({"AXES_COOLOFF_MINUTES": "soon"}, "AXES_COOLOFF_MINUTES must be a whole number"),
        ({"EMAIL_PORT": "-25"}, "EMAIL_PORT must be at least 1"),
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "not both"),
    ],
    ids=[
        "no-secret-key", "development-key", "short-key", "no-allowed-hosts", "misspelt-debug",
        "lock-out-after-no-failures", "cool-off-not-a-number", "negative-email-port", "tls-and-ssl",
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
