"""The site started as the README's Deploy section says, with DEBUG off: a fresh database,
`migrate`, `collectstatic`, then gunicorn behind a (pretend) TLS proxy. It serves its pages and
WhiteNoise serves its static files: hashed, cached for a long time, compressed."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_settings import new_signing_key

PROJECT = Path(__file__).resolve().parent.parent.parent
_KEY_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@%^&*(-_=+)"
BEHIND_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}

# One gunicorn for the module: its tests run on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("production_server")]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _production_env(folder: Path) -> dict[str, str]:
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="".join(secrets.choice(_KEY_CHARACTERS) for _ in range(64)),
        CREDENTIAL_SIGNING_KEY=new_signing_key(),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://training.example.co.uk",
        DEFAULT_FROM_EMAIL="Training <training@partnershipprojects.co.uk>",
        BEHIND_TLS_PROXY="true",
        TRUSTED_PROXY_COUNT="1",
        DATABASE_URL=f"sqlite:///{folder / 'trainingdesk.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        PRIVATE_ROOT=str(folder / "private"),
    )
    return env


def _get(port: int, path: str, **headers: str) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """gunicorn serving a freshly migrated site with DEBUG off; yields its port."""
    folder = tmp_path_factory.mktemp("production")
    env = _production_env(folder)
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        done = subprocess.run(  # noqa: S603 - our own manage.py with our own interpreter
            [sys.executable, "manage.py", *command], cwd=PROJECT, env=env, capture_output=True, text=True,
            timeout=300, check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    port = _free_port()
    log = folder / "gunicorn.log"
    with log.open("wb") as output:
        gunicorn = subprocess.Popen(  # noqa: S603 - the gunicorn installed beside our interpreter
            [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--access-logfile", "-"],
            cwd=PROJECT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert gunicorn.poll() is None, f"gunicorn exited:\n{log.read_text()}"
            try:
                if _get(port, "/healthz/", **BEHIND_PROXY).status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"gunicorn did not answer within 60s:\n{log.read_text()}"
            time.sleep(0.2)
        yield port
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
            gunicorn.wait()


def _stylesheet(port: int) -> str:
    page = _get(port, "/", **BEHIND_PROXY).body.decode()
    found = re.search(r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]{12}\.css)">', page)
    assert found, page
    return found.group(1)


def test_the_home_page_is_served_over_the_proxy_with_debug_off(site: int) -> None:
    answer = _get(site, "/", **BEHIND_PROXY)

    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    page = answer.body.decode()
    assert '<html lang="en-GB">' in page
    assert "<h1>Courses</h1>" in page
    assert "No courses are published yet." in page
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_request_that_did_not_come_over_https_is_sent_to_https(site: int) -> None:
    answer = _get(site, "/")

    assert answer.status == 301
    assert answer.headers["Location"] == f"https://127.0.0.1:{site}/"


def test_the_hashed_stylesheet_is_served_with_its_type_and_cached_for_a_year_or_more(site: int) -> None:
    answer = _get(site, _stylesheet(site), **BEHIND_PROXY)

    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/css")
    assert answer.headers.get("Content-Encoding") is None
    assert b"{" in answer.body
    max_age = re.search(r"max-age=(\d+)", answer.headers["Cache-Control"])
    assert max_age and int(max_age.group(1)) >= 365 * 24 * 3600
    assert "immutable" in answer.headers["Cache-Control"]


def test_the_stylesheet_is_served_compressed_to_a_browser_that_accepts_gzip(site: int) -> None:
    path = _stylesheet(site)
    plain = _get(site, path, **BEHIND_PROXY)

    compressed = _get(site, path, **BEHIND_PROXY, **{"Accept-Encoding": "gzip"})

    assert compressed.status == 200
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert len(compressed.body) < len(plain.body)
    assert gzip.decompress(compressed.body) == plain.body


def test_a_page_that_does_not_exist_is_a_404_not_an_error(site: int) -> None:
    answer = _get(site, "/no-such-page/", **BEHIND_PROXY)

    assert answer.status == 404
    assert answer.headers["Content-Type"].startswith("text/html")
    assert re.search(rb"(?i)\bnot found\b", answer.body)  # the site's "Page not found", or Django's own


def test_a_static_file_that_does_not_exist_is_a_404(site: int) -> None:
    answer = _get(site, "/static/css/no-such-file.css", **BEHIND_PROXY)

    assert answer.status == 404
