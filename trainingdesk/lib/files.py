"""Private files: what people upload (admissions evidence, coursework) is stored in the "private"
storage (a folder, or a private S3-compatible bucket) and reaches a browser only through a view
that has checked who is asking, as an attachment that the browser may not sniff into a page."""

from __future__ import annotations

import mimetypes

from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse, Http404


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder that no web server serves, and whose files have no URL of their own."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files are not accessible via a URL: serve them through a view "
                         "that checks the viewer, with private_file_response().")


def private_storage() -> Storage:
    return storages["private"]


def private_file_response(name: str, *, download_as: str) -> FileResponse:
    """The stored file `name` as a download called `download_as`. Call it only after checking
    that the viewer may see the file; a missing file is a 404, never an error page."""
    storage = private_storage()
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("No such file.") from exc
    content_type = mimetypes.guess_type(download_as)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=download_as, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
