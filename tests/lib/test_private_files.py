"""Private files are stored outside the static and media folders and leave only as downloads
that a browser may not sniff into a page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import override_settings

from trainingdesk.lib.files import private_file_response, private_storage


@pytest.fixture
def private_root(tmp_path: Path):
    location = tmp_path / "private"
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": settings.STORAGES["private"]["BACKEND"], "OPTIONS": {"location": location}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield location


def test_a_private_file_is_stored_in_the_private_folder(private_root: Path) -> None:
    name = private_storage().save("admissions/7/letter.pdf", ContentFile(b"%PDF-1.7 letter"))
    assert (private_root / name).read_bytes() == b"%PDF-1.7 letter"


def test_it_is_served_as_an_attachment_the_browser_may_not_sniff(private_root: Path) -> None:
    name = private_storage().save("admissions/7/letter.pdf", ContentFile(b"<html><script>x</script>"))
    response = private_file_response(name, download_as="Covering letter.pdf")
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Covering letter.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == b"<html><script>x</script>"


def test_a_missing_file_is_not_found(private_root: Path) -> None:
    with pytest.raises(Http404):
        private_file_response("admissions/404/nothing.pdf", download_as="x.pdf")


def test_a_private_file_has_no_public_url(private_root: Path) -> None:
    name = private_storage().save("coursework/1/essay.docx", ContentFile(b"PK"))
    with pytest.raises(ValueError, match="not accessible via a URL"):
        private_storage().url(name)
