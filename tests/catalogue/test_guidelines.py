"""The course guidelines (issue 11, item 7): the coordinator uploads a programme's guidelines as a
PDF or Word document, each upload a new version; the certification page's link serves the newest
at an address that never changes. A refused file stores nothing: no row, no file, no audit entry."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import ProgrammeFactory
from tests.html import text_of
from tests.lib.test_uploads import CONTENT_TYPES, DOCUMENT, DOCX_MAIN, text_pdf
from tests.lib.test_uploads import docx as word_document
from trainingdesk.accounts.models import User
from trainingdesk.audit.models import AuditEntry
from trainingdesk.catalogue import services
from trainingdesk.catalogue.demo import Demo
from trainingdesk.catalogue.models import Guidelines, Programme
from trainingdesk.lib.files import PrivateFileSystemStorage

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

NOT_ALLOWED = "This file is not a PDF or Word document."
EMPTY = "The selected file is empty."
TOO_LARGE = "The selected file must be 64 KB or smaller."
PDF_PROTECTED = "Password-protected PDFs cannot be accepted. Remove the password and upload the PDF again."
WORD_TOO_BIG = ("This Word document would be too large once opened. Save it again with smaller "
                "pictures, or as a PDF, and upload that.")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def private_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The private storage in a folder of this test's own, so that what is stored can be listed:
    the guidelines' file field and the download view (private_file_response) both use it."""
    location = tmp_path / "private"
    monkeypatch.setattr(Guidelines._meta.get_field("file"), "storage",
                        PrivateFileSystemStorage(location=location))
    storages = {**settings.STORAGES,
                "private": {"BACKEND": "trainingdesk.lib.files.PrivateFileSystemStorage",
                            "OPTIONS": {"location": location}}}
    with override_settings(STORAGES=storages):
        yield location


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def pdf_upload(name: str = "Course guidelines.pdf", *, pages: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text_pdf(pages=pages), content_type="application/pdf")


def encrypted_pdf() -> bytes:
    pdf = pikepdf.open(io.BytesIO(text_pdf()))
    buffer = io.BytesIO()
    pdf.save(buffer, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    return buffer.getvalue()


def small_zip_bomb() -> bytes:
    """A Word document whose 8 MB picture of zeros compresses to a few kilobytes: a ratio no
    real picture has, refused before anything is decompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.replace("{main}", DOCX_MAIN))
        archive.writestr("word/document.xml", DOCUMENT)
        archive.writestr("word/media/image1.png", bytes(8 * 1024 * 1024))
    return buffer.getvalue()


def upload_url(programme: Programme) -> str:
    return reverse("catalogue:guidelines_upload", args=[programme.slug])


def download_url(programme: Programme) -> str:
    return reverse("catalogue:guidelines", args=[programme.slug])


@pytest.fixture
def programme(db: None) -> Programme:
    return ProgrammeFactory(name="Parenting Under Pressure", slug="parenting-under-pressure")




# --- the service ------------------------------------------------------------------------------


def test_each_upload_is_a_new_version_and_the_newest_is_current(
    programme: Programme, coordinator: User, private_root: Path
) -> None:
    first = services.upload_guidelines(programme=programme, upload=pdf_upload(), actor=coordinator)
    second = services.upload_guidelines(
        programme=programme, actor=coordinator,
        upload=SimpleUploadedFile("Guidelines 2027.docx", word_document(), content_type=DOCX_TYPE))
    assert [(g.version, g.file_name, g.content_type) for g in programme.guidelines.order_by("version")] == [
        (1, "Course guidelines.pdf", "application/pdf"), (2, "Guidelines 2027.docx", DOCX_TYPE)]
    assert Guidelines.objects.filter(programme=programme).current() == second
    assert (first.uploaded_by, first.uploaded_at, first.size) == (coordinator, NOW, len(text_pdf()))
    assert len(stored_files(private_root)) == 2  # the earlier version is kept


def test_an_upload_is_audited(programme: Programme, coordinator: User) -> None:
    guidelines = services.upload_guidelines(programme=programme, upload=pdf_upload(), actor=coordinator)
    entry = AuditEntry.objects.get(action="catalogue.guidelines.uploaded")
    assert (entry.actor, entry.object_id) == (coordinator, str(guidelines.pk))
    assert (entry.after["version"], entry.after["file_name"]) == (1, "Course guidelines.pdf")


def test_versions_are_numbered_per_programme(programme: Programme, coordinator: User) -> None:
    other = ProgrammeFactory(name="Another programme")
    services.upload_guidelines(programme=programme, upload=pdf_upload(), actor=coordinator)
    services.upload_guidelines(programme=programme, upload=pdf_upload(), actor=coordinator)
    assert services.upload_guidelines(programme=other, upload=pdf_upload(), actor=coordinator).version == 1


@pytest.mark.parametrize("persona", ["participant", "trainer", "supervisor_user", "assessor"])
def test_only_the_coordinator_may_upload(
    request: pytest.FixtureRequest, persona: str, programme: Programme, private_root: Path
) -> None:
    with pytest.raises(PermissionDenied, match="Only the coordinator can publish the course guidelines."):
        services.upload_guidelines(programme=programme, upload=pdf_upload(),
                                   actor=request.getfixturevalue(persona))
    assert not Guidelines.objects.exists()
    assert stored_files(private_root) == []


def test_the_file_is_removed_when_the_version_cannot_be_recorded(
    programme: Programme, coordinator: User, private_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(services, "log_action", fails)
    with pytest.raises(RuntimeError):
        services.upload_guidelines(programme=programme, upload=pdf_upload(), actor=coordinator)
    assert not Guidelines.objects.exists()
    assert stored_files(private_root) == []


def test_sizes_are_written_as_a_person_reads_them() -> None:
    assert [Guidelines(size=size).size_label for size in (300, 245_760, 1_258_291, 2 * 1024 * 1024)] == [
        "1 KB", "240 KB", "1.2 MB", "2 MB"]
    assert Guidelines(content_type=DOCX_TYPE).format_label == "Word document"
    assert Guidelines(content_type="application/pdf").format_label == "PDF"


# --- the download -----------------------------------------------------------------------------


def test_the_download_serves_the_newest_version_at_the_same_address(
    client: Client, programme: Programme, coordinator: User
) -> None:
    url = download_url(programme)
    assert url == f"/programmes/{programme.slug}/certification/guidelines/"
    services.upload_guidelines(programme=programme, upload=pdf_upload("Guidelines 2026.pdf"),
                               actor=coordinator)
    first = client.get(url)
    assert first.status_code == 200
    assert b"".join(first.streaming_content) == text_pdf()  # type: ignore[attr-defined]
    assert first["Content-Disposition"] == 'attachment; filename="Guidelines 2026.pdf"'

    newer = word_document()
    services.upload_guidelines(
        programme=programme, actor=coordinator,
        upload=SimpleUploadedFile("Guidelines 2027.docx", newer, content_type=DOCX_TYPE))
    second = client.get(download_url(programme))
    assert download_url(programme) == url
    assert second.status_code == 200
    assert b"".join(second.streaming_content) == newer  # type: ignore[attr-defined]
    assert second["Content-Disposition"] == 'attachment; filename="Guidelines 2027.docx"'
    assert (second["Content-Type"], second["X-Content-Type-Options"]) == (DOCX_TYPE, "nosniff")


def test_the_download_is_not_found_when_there_are_no_guidelines(client: Client, programme: Programme) -> None:
    assert client.get(download_url(programme)).status_code == 404
    assert client.get(reverse("catalogue:guidelines", args=["no-such-programme"])).status_code == 404


def test_the_demo_has_guidelines_to_download(client: Client, brochure: Demo) -> None:
    response = client.get(download_url(brochure.programme))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == 'attachment; filename="NVR course guidelines.pdf"'


# --- the coordinator's page -------------------------------------------------------------------


def test_the_coordinator_sees_the_versions_and_uploads_a_new_one(
    client: Client, programme: Programme, coordinator: User
) -> None:
    client.force_login(coordinator)
    page = client.get(upload_url(programme))
    assert page.status_code == 200
    assert "No guidelines have been uploaded yet" in page.content.decode()
    assert 'enctype="multipart/form-data"' in page.content.decode()

    response = client.post(upload_url(programme), {"file": pdf_upload()}, follow=True)
    assert response.redirect_chain == [(upload_url(programme), 302)]
    text = text_of(response.content.decode())
    assert "Version 1 of the course guidelines is now on the certification page." in text
    assert ("1 Current Course guidelines.pdf PDF, 1 KB Wednesday 25 November 2026, 12pm Cora "
            "Coordinator") in text
    assert Guidelines.objects.get().uploaded_by == coordinator


def test_the_versions_are_listed_the_newest_first(
    client: Client, programme: Programme, coordinator: User
) -> None:
    for name in ("First.pdf", "Second.pdf"):
        services.upload_guidelines(programme=programme, upload=pdf_upload(name), actor=coordinator)
    client.force_login(coordinator)
    html = client.get(upload_url(programme)).content.decode()
    assert html.index("Second.pdf") < html.index("First.pdf")
    assert "2 versions, the newest first" in html


def test_choosing_no_file_is_an_error_beside_the_field(
    client: Client, programme: Programme, coordinator: User
) -> None:
    client.force_login(coordinator)
    response = client.post(upload_url(programme), {})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_file">Select the guidelines document to upload.</a>' in html
    assert 'id="id_file_error"' in html
    assert "<title>Error:" in html


MAX_BYTES = 64 * 1024
BAD_FILES = {
    "not a PDF or Word document": (lambda: ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64)), NOT_ALLOWED),
    "a password-protected PDF": (lambda: ("guidelines.pdf", encrypted_pdf()), PDF_PROTECTED),
    "an empty file": (lambda: ("guidelines.pdf", b""), EMPTY),
    "too large": (lambda: ("guidelines.pdf", text_pdf() + bytes(MAX_BYTES)), TOO_LARGE),
    "a ZIP bomb": (lambda: ("guidelines.docx", small_zip_bomb()), WORD_TOO_BIG),
}


@pytest.mark.parametrize("case", BAD_FILES)
@override_settings(UPLOAD_MAX_BYTES=MAX_BYTES)
def test_a_bad_file_is_refused_with_the_checks_message_and_nothing_is_stored(
    case: str, client: Client, programme: Programme, coordinator: User, private_root: Path
) -> None:
    make, message = BAD_FILES[case]
    name, content = make()
    assert case == "too large" or len(content) <= MAX_BYTES
    client.force_login(coordinator)
    response = client.post(upload_url(programme), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#id_file">{message}</a>' in html.replace("&#x27;", "'")  # the error summary
    field = html[html.index('id="id_file_error"'):html.index('type="file"')]
    assert message in text_of(field)  # beside the field
    assert not Guidelines.objects.exists()
    assert stored_files(private_root) == []
    assert not AuditEntry.objects.filter(action="catalogue.guidelines.uploaded").exists()


def test_a_bad_file_leaves_the_current_version_serving(
    client: Client, programme: Programme, coordinator: User
) -> None:
    services.upload_guidelines(programme=programme, upload=pdf_upload(), actor=coordinator)
    client.force_login(coordinator)
    client.post(upload_url(programme), {"file": SimpleUploadedFile("guidelines.pdf", encrypted_pdf())})
    assert list(Guidelines.objects.values_list("version", flat=True)) == [1]
    assert b"".join(client.get(download_url(programme)).streaming_content) == text_pdf()  # type: ignore[attr-defined]


def test_an_unknown_programme_is_not_found(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("catalogue:guidelines_upload", args=["no-such-programme"])).status_code == 404


# --- who may use the page ---------------------------------------------------------------------


REFUSED = ["participant", "outsider", "trainer", "supervisor_user", "assessor"]


@pytest.mark.parametrize("persona", REFUSED)
def test_anyone_but_the_coordinator_is_refused_and_nothing_is_stored(
    request: pytest.FixtureRequest, persona: str, client: Client, programme: Programme, private_root: Path
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(upload_url(programme)).status_code == 403
    assert client.post(upload_url(programme), {"file": pdf_upload()}).status_code == 403
    assert not Guidelines.objects.exists()
    assert stored_files(private_root) == []
    assert not AuditEntry.objects.filter(action="catalogue.guidelines.uploaded").exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_stored(
    client: Client, programme: Programme, private_root: Path
) -> None:
    for response in (client.get(upload_url(programme)),
                     client.post(upload_url(programme), {"file": pdf_upload()})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not Guidelines.objects.exists()
    assert stored_files(private_root) == []


def test_the_coordinator_is_pointed_to_the_page_from_the_certification_page(
    client: Client, programme: Programme, coordinator: User, participant: User
) -> None:
    url = reverse("catalogue:certification", args=[programme.slug])
    client.force_login(participant)
    assert upload_url(programme) not in client.get(url).content.decode()
    client.force_login(coordinator)
    assert f'href="{upload_url(programme)}"' in client.get(url).content.decode()


def test_the_back_office_programme_page_links_to_the_guidelines(
    client: Client, programme: Programme, coordinator: User
) -> None:
    client.force_login(coordinator)
    html = client.get(reverse("admin:catalogue_programme_change", args=[programme.pk])).content.decode()
    assert f'<a href="{upload_url(programme)}">' in html
