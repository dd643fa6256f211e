"""How long lib.uploads.check_upload takes on the files people send (issue 9, evidence files).

A measurement, not a test: it builds each file once in memory, then times check_upload on it
REPEAT times, as Django hands it over (a file of more than FILE_UPLOAD_MAX_MEMORY_SIZE arrives as
a TemporaryUploadedFile on disk, a smaller one in memory):

- a 10 MB scanned PDF (pages of photographed paper, the usual evidence),
- a 10 MB PDF of text only (2,600 pages: the most objects 10 MB holds, the slowest to walk),
- a ZIP bomb named .docx (a 1 GiB entry of zeros, about 1 MB), refused,
- a 12-megapixel JPEG photo, a PNG screenshot and a one-page Word letter.

    .venv/bin/python -m bench.upload_checks            # prints a table
    .venv/bin/python -m bench.upload_checks --json     # ends with one line of JSON (make bench)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import time
import zipfile
from collections.abc import Callable

MB = 1024 * 1024
TARGET = 10 * MB


def scanned_pdf() -> bytes:
    from PIL import Image
    from reportlab import rl_config
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rl_config.useA85 = 0  # the JPEGs as they are, as a scanner writes them, not in ASCII85
    buffer, page, size = io.BytesIO(), None, 0
    document = canvas.Canvas(buffer)
    while True:
        photo = io.BytesIO()
        Image.effect_noise((1240, 1754), 24).convert("L").save(photo, "JPEG", quality=70)
        if page is not None and size + len(photo.getvalue()) > TARGET - 64 * 1024:
            break
        page = photo.getvalue()
        size += len(page)
        document.drawImage(ImageReader(io.BytesIO(page)), 0, 0, width=595, height=842)
        document.showPage()
    document.save()
    return buffer.getvalue()


def text_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    words = ["attendance", "confirmation", "foundation", "level", "family", "practice", "violence"]

    def build(pages: int) -> bytes:
        pick = random.Random(1)
        buffer = io.BytesIO()
        document = canvas.Canvas(buffer, pageCompression=1)
        for _ in range(pages):
            for y in range(800, 40, -14):
                document.drawString(40, y, " ".join(pick.choice(words) + str(pick.randint(0, 99_999))
                                                    for _ in range(10)))
            document.showPage()
        document.save()
        return buffer.getvalue()

    per_page = len(build(20)) / 20
    return build(int(TARGET * 0.97 / per_page))


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/image1.png", "w", force_zip64=True) as picture:
            zeros = bytes(MB)
            for _ in range(1024):
                picture.write(zeros)
    return buffer.getvalue()


def photo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((4000, 3000), 20).convert("RGB").save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def screenshot() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1920, 1080), "white")
    draw = ImageDraw.Draw(image)
    for y in range(0, 1080, 24):
        draw.text((20, y), "Attendance Confirmation: Foundation, 21 June 2022 " * 3, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def letter() -> bytes:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="xml" ContentType="application/xml"/><Override '
             f'PartName="/word/document.xml" ContentType="{main}"/></Types>')
    body = "".join(f"<w:p><w:r><w:t>Paragraph {n} of my experience with families.</w:t></w:r></w:p>"
                   for n in range(200))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                         f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    return buffer.getvalue()


FILES: dict[str, tuple[Callable[[], bytes], str, bool]] = {  # name: (make, file name, accepted)
    "pdf_scan_10mb": (scanned_pdf, "confirmation.pdf", True),
    "pdf_text_10mb": (text_pdf, "handbook.pdf", True),
    "zip_bomb": (zip_bomb, "letter.docx", False),
    "jpeg_12mp": (photo, "photo.jpg", True),
    "png_screenshot": (screenshot, "screenshot.png", True),
    "docx_letter": (letter, "letter.docx", True),
}


def _measure(repeat: int) -> dict[str, dict[str, object]]:
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile, UploadedFile

    from trainingdesk.lib.uploads import check_upload

    measured: dict[str, dict[str, object]] = {}
    for subject, (make, name, accepted) in FILES.items():
        content = make()
        upload: UploadedFile
        if len(content) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
            upload = TemporaryUploadedFile(name, "application/octet-stream", len(content), None)
            upload.write(content)
        else:
            upload = SimpleUploadedFile(name, content)
        timings = []
        with upload:
            for _ in range(repeat):
                upload.seek(0)
                started = time.perf_counter()
                try:
                    check_upload(upload, name=name)
                    outcome = "accepted"
                except ValidationError as refused:
                    outcome = f"refused: {refused.messages[0]}"
                timings.append(time.perf_counter() - started)
        if (outcome == "accepted") != accepted:
            raise RuntimeError(f"{subject}: {outcome}")
        measured[subject] = {"bytes": len(content), "outcome": outcome, "timings_ms":
                             [round(t * 1000, 2) for t in timings]}
    return measured


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--json", action="store_true",
                        help="end with one line of JSON: each file's timings (make bench reads it)")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    measured = _measure(options.repeat)
    for subject, result in measured.items():
        timings = result["timings_ms"]
        assert isinstance(timings, list)
        print(f"{subject:16} {result['bytes']:>10,} bytes  median {statistics.median(timings):7.2f} ms  "
              f"{result['outcome']}")
    if options.json:
        print(json.dumps(measured))


if __name__ == "__main__":
    main()
