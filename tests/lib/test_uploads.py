"""An uploaded file is checked by its content before it is stored (issue 9, evidence files): each
hostile file is built here and refused with the message its sender sees; the files a person
really sends (a text PDF, a scan, a photo, a Word document) are accepted and described."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile, UploadedFile
from django.test import override_settings
from pikepdf import Array, Dictionary, Name, String
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from trainingdesk.lib import uploads
from trainingdesk.lib.uploads import CheckedFile, Kind, check_upload, clean_filename

NOT_ACCEPTED = "This file is not a PDF, JPEG, PNG or Word document."
EMPTY = "The selected file is empty."
PDF_ACTIVE = ("This PDF contains scripts or actions that open other files or send data, so it cannot "
              "be accepted. Print it to a new PDF, or scan it, and upload that.")
PDF_ATTACHMENTS = ("This PDF has files attached inside it, so it cannot be accepted. Upload each "
                   "document as a file of its own.")
PDF_PROTECTED = "Password-protected PDFs cannot be accepted. Remove the password and upload the PDF again."
PDF_DAMAGED = "This PDF is damaged or incomplete. Save or export it again and upload the new copy."
IMAGE_DAMAGED = "This image is damaged or incomplete. Save it again and upload the new copy."
IMAGE_TOO_BIG = "This image has more than 64 million pixels. Make it smaller and upload it again."
WORD_DAMAGED = ("This Word document is damaged or is not a Word document. Save it again as a .docx "
                "file and upload the new copy.")
WORD_TOO_BIG = ("This Word document would be too large once opened. Save it again with smaller "
                "pictures, or as a PDF, and upload that.")
WORD_MACROS = ("Word documents with macros cannot be accepted. Save it as a Word Document (.docx) "
               "without macros and upload that.")
WORD_PROTECTED = ("Password-protected Word files cannot be accepted, nor older Word (.doc) files. "
                  "Remove the password, or save the document as a .docx file, and upload it again.")


def check(content: bytes, name: str = "evidence", **options) -> CheckedFile:
    return check_upload(io.BytesIO(content), name=name, **options)


def refusal(content: bytes, name: str = "evidence", **options) -> str:
    with pytest.raises(ValidationError) as refused:
        check(content, name, **options)
    (message,) = refused.value.messages
    return message


# --- PDFs -------------------------------------------------------------------------------------


def text_pdf(pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for number in range(pages):
        page.drawString(72, 720, f"Attendance Confirmation, page {number + 1}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """An image and nothing else on the page, as a scanner makes it (reportlab wraps the image in a
    form XObject, so the check looks inside forms too)."""
    picture = Image.new("L", (200, 280), 255)
    picture.paste(0, (20, 20, 180, 40))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawImage(ImageReader(picture), 0, 0, width=595, height=842)
    page.showPage()
    page.save()
    return buffer.getvalue()


def pdf_with(change: Callable[[pikepdf.Pdf], None], **save_options) -> bytes:
    pdf = pikepdf.open(io.BytesIO(text_pdf()))
    change(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer, **save_options)
    return buffer.getvalue()


def action(kind: str, **entries) -> Dictionary:
    return Dictionary(Type=Name.Action, S=Name(kind), **entries)


def link_with(act: Dictionary) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        link = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link,
                                            Rect=Array([72, 700, 300, 720]), A=act))
        pdf.pages[0].obj.Annots = Array([link])
    return change


def test_a_text_pdf_is_accepted_with_its_pages_and_text() -> None:
    content = text_pdf(pages=3)
    checked = check(content, name="Foundation confirmation.pdf")
    assert checked == CheckedFile(Kind.PDF, len(content), hashlib.sha256(content).hexdigest(),
                                  "Foundation confirmation.pdf", pages=3, has_text=True)
    assert checked.content_type == "application/pdf"


def test_a_pdf_django_kept_on_disk_is_checked_there() -> None:
    content = text_pdf(pages=2)
    upload = TemporaryUploadedFile("confirmation.pdf", "application/pdf", len(content), None)
    upload.write(content)
    upload.seek(0)
    with upload:
        assert (check_upload(upload, name=upload.name).pages, upload.tell()) == (2, 0)


def test_a_large_pdf_in_memory_is_checked_from_a_temporary_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "PDF_IN_MEMORY", 100)
    assert check(text_pdf(pages=2)).pages == 2
    assert refusal(pdf_with(link_with(action("/Launch", F=String("x.exe"))))) == PDF_ACTIVE


def test_a_scanned_confirmation_is_accepted_without_text() -> None:
    checked = check(scanned_pdf(), name="scan.pdf")
    assert (checked.kind, checked.pages, checked.has_text) == (Kind.PDF, 1, False)


def test_a_pdf_opening_at_a_page_and_linking_to_a_website_is_accepted() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = Array([pdf.pages[0].obj, Name.Fit])
        link_with(action("/URI", URI=String("https://www.example.org/")))(pdf)

    assert check(pdf_with(change)).has_text is True


def test_a_pdf_running_javascript_when_opened_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pdf.make_indirect(action("/JavaScript", JS=String("app.alert(1)")))

    assert refusal(pdf_with(change)) == PDF_ACTIVE


def test_a_pdf_opening_any_action_but_a_page_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = action("/URI", URI=String("https://attacker.example/"))

    assert refusal(pdf_with(change)) == PDF_ACTIVE


@pytest.mark.parametrize("kind", ["/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR",
                                  "/GoToE"])
def test_a_link_annotation_with_an_active_action_is_refused(kind: str) -> None:
    act = action(kind, F=String("payload.exe"))
    if kind == "/JavaScript":
        act = action(kind, JS=String("this.exportDataObject({cName: 'x', nLaunch: 2})"))
    assert refusal(pdf_with(link_with(act))) == PDF_ACTIVE


def test_javascript_reached_by_a_chain_of_actions_is_refused() -> None:
    chained = action("/GoTo", D=Array([0, Name.Fit]),
                     Next=action("/JavaScript", JS=String("app.alert(1)")))
    assert refusal(pdf_with(link_with(chained))) == PDF_ACTIVE


def test_javascript_in_the_documents_names_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        script = pdf.make_indirect(action("/JavaScript", JS=String("app.alert(1)")))
        pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("start"), script])))

    assert refusal(pdf_with(change)) == PDF_ACTIVE


@pytest.mark.parametrize("where", ["catalog", "page"])
def test_additional_actions_on_the_document_or_a_page_are_refused(where: str) -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        target = pdf.Root if where == "catalog" else pdf.pages[0].obj
        target.AA = Dictionary(O=action("/JavaScript", JS=String("app.alert(1)")))

    assert refusal(pdf_with(change)) == PDF_ACTIVE


def test_additional_actions_on_a_page_are_refused_whatever_they_do() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].obj.AA = Dictionary(O=action("/GoTo", D=Array([pdf.pages[0].obj, Name.Fit])))

    assert refusal(pdf_with(change)) == PDF_ACTIVE


def test_javascript_reached_only_through_an_outline_item_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, Count=2))
        first = pdf.make_indirect(Dictionary(Title=String("Start"), Parent=outlines,
                                             Dest=Array([pdf.pages[0].obj, Name.Fit])))
        second = pdf.make_indirect(Dictionary(Title=String("Run"), Parent=outlines, Prev=first,
                                              A=action("/JavaScript", JS=String("app.alert(1)"))))
        first.Next = second
        outlines.First, outlines.Last = first, second
        pdf.Root.Outlines = outlines

    assert refusal(pdf_with(change)) == PDF_ACTIVE


def test_a_page_deep_in_the_page_tree_is_walked() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        link_with(action("/Launch", F=String("x.exe")))(pdf)
        root = pdf.Root.Pages
        middle = pdf.make_indirect(Dictionary(Type=Name.Pages, Kids=root.Kids, Count=1, Parent=root))
        for page in middle.Kids:
            page.Parent = middle
        root.Kids = Array([middle])

    assert refusal(pdf_with(change)) == PDF_ACTIVE


@pytest.mark.filterwarnings("ignore:This document has 1 form widget")
def test_javascript_in_a_fields_actions_reached_from_its_widget_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        field = pdf.make_indirect(Dictionary(FT=Name.Tx, T=String("name"),
                                             AA=Dictionary(K=action("/JavaScript", JS=String("x")))))
        widget = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Widget, Parent=field,
                                              Rect=Array([72, 700, 300, 720]), P=pdf.pages[0].obj))
        field.Kids = Array([widget])
        pdf.pages[0].obj.Annots = Array([widget])  # the form itself does not list the field

    assert refusal(pdf_with(change)) == PDF_ACTIVE


def test_actions_of_a_pages_presentation_steps_are_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        step = Dictionary(Type=Name.NavNode, NA=action("/JavaScript", JS=String("app.alert(1)")))
        pdf.pages[0].obj.PresSteps = pdf.make_indirect(step)

    assert refusal(pdf_with(change)) == PDF_ACTIVE


def test_a_file_attached_to_a_form_the_page_draws_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        attached = pdf.make_stream(b"MZ\x90\x00", Type=Name.EmbeddedFile)
        spec = Dictionary(Type=Name.Filespec, F=String("tool.exe"), EF=Dictionary(F=attached))
        form = pdf.make_stream(b"", Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 1, 1]),
                               AF=Array([spec]))
        pdf.pages[0].obj.Resources.XObject = Dictionary(Fm1=form)

    assert refusal(pdf_with(change)) == PDF_ATTACHMENTS


def test_a_pdf_with_an_embedded_file_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", mime_type="x/x")

    assert refusal(pdf_with(change)) == PDF_ATTACHMENTS


def test_a_pdf_with_a_file_attachment_annotation_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        annotation = Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([0, 0, 10, 10]),
                                FS=Dictionary(Type=Name.Filespec, F=String("notes.txt")))
        pdf.pages[0].obj.Annots = Array([pdf.make_indirect(annotation)])

    assert refusal(pdf_with(change)) == PDF_ATTACHMENTS


def test_an_xfa_form_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=pdf.make_stream(b"<xdp:xdp/>"))

    assert refusal(pdf_with(change)) == ("This PDF is an interactive (XFA) form, so it cannot be "
                                         "accepted. Print it to a new PDF and upload that.")


@pytest.mark.parametrize("user", ["secret", ""])
def test_an_encrypted_pdf_is_refused_with_or_without_a_password_to_open_it(user: str) -> None:
    locked = pdf_with(lambda pdf: None, encryption=pikepdf.Encryption(owner="owner", user=user))
    assert refusal(locked) == PDF_PROTECTED


def test_a_truncated_pdf_is_refused() -> None:
    content = text_pdf(pages=2)
    assert refusal(content[: len(content) // 2]) == PDF_DAMAGED


def test_a_pdf_header_on_anything_else_is_refused_as_damaged() -> None:
    assert refusal(b"%PDF-1.7\n" + bytes(range(256)) * 10) == PDF_DAMAGED


# --- What a file says it is does not count ----------------------------------------------------


def test_an_executable_named_pdf_is_refused() -> None:
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
    upload = SimpleUploadedFile("confirmation.pdf", executable, content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        check_upload(upload, name=upload.name)
    assert refused.value.messages == [NOT_ACCEPTED]


def test_a_web_page_named_pdf_is_refused() -> None:
    assert refusal(b"<html><script>alert(1)</script>%PDF-1.7", "letter.pdf") == NOT_ACCEPTED


def test_a_kind_the_caller_does_not_allow_is_refused_naming_those_it_does() -> None:
    assert refusal(png(), allowed=frozenset({Kind.PDF})) == "This file is not a PDF."
    assert refusal(png(), allowed=frozenset({Kind.PDF, Kind.DOCX})) == (
        "This file is not a PDF or Word document.")


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"") == EMPTY


def test_a_file_over_the_limit_is_refused() -> None:
    assert refusal(text_pdf(), max_bytes=1024) == "The selected file must be 1 KB or smaller."


def test_the_limit_is_the_setting_unless_given() -> None:
    with override_settings(UPLOAD_MAX_BYTES=3 * 1024 * 1024):
        assert refusal(b"%PDF-" + bytes(3 * 1024 * 1024)) == "The selected file must be 3 MB or smaller."
    assert check(text_pdf(), max_bytes=len(text_pdf())).kind is Kind.PDF  # exactly the limit


class Stream(io.RawIOBase):
    """A file that can only be read forwards, counting what is read from it."""

    def __init__(self, size: int) -> None:
        self.left, self.read_bytes = size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = min(len(buffer), self.left)
        buffer[:n] = b"%" * n
        self.left -= n
        self.read_bytes += n
        return n


def test_a_stream_over_the_limit_is_refused_having_read_no_more_than_the_limit() -> None:
    stream = Stream(100 * 1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        check_upload(stream, name="big.pdf", max_bytes=1024 * 1024)
    assert refused.value.messages == ["The selected file must be 1 MB or smaller."]
    assert stream.read_bytes == 1024 * 1024 + 1


def test_an_upload_declared_over_the_limit_is_refused_before_it_is_read() -> None:
    class Unreadable(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise AssertionError("read")

    upload = UploadedFile(Unreadable(), name="huge.pdf", size=20 * 1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        check_upload(upload, name="huge.pdf")
    assert refused.value.messages == ["The selected file must be 10 MB or smaller."]


def test_the_file_is_rewound_for_storing() -> None:
    upload = SimpleUploadedFile("photo.png", png(), content_type="image/png")
    check_upload(upload, name=upload.name)
    assert upload.tell() == 0


# --- Images -----------------------------------------------------------------------------------


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width x height pixels: decoded, it would fill the memory."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(1000)))
            + chunk(b"IEND", b""))


def test_a_jpeg_and_a_png_are_accepted() -> None:
    assert check(jpeg(), "Photo.JPEG").name == "Photo.jpeg"
    checked = check(png(), "screenshot.png")
    assert (checked.kind, checked.name, checked.pages, checked.has_text) == (Kind.PNG, "screenshot.png",
                                                                            None, None)


def test_a_png_with_a_damaged_byte_is_refused() -> None:
    content = bytearray(png())
    content[content.index(b"IDAT") + 6] ^= 0xFF
    assert refusal(bytes(content)) == IMAGE_DAMAGED


@pytest.mark.parametrize("make", [png, jpeg])
def test_a_truncated_image_is_refused(make: Callable[[], bytes]) -> None:
    content = make()
    assert refusal(content[: len(content) * 2 // 3]) == IMAGE_DAMAGED


@pytest.mark.parametrize("width, height", [(100_000, 100_000), (9_000, 9_000)])
def test_a_png_declaring_too_many_pixels_is_refused(width: int, height: int) -> None:
    assert refusal(png_declaring(width, height)) == IMAGE_TOO_BIG


# --- Word documents ---------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>')
DOCUMENT = ('<?xml version="1.0" encoding="UTF-8"?><w:document '
            'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
            '<w:t>I have worked with families for ten years.</w:t></w:r></w:p></w:body></w:document>')


def docx(*, main: str = DOCX_MAIN, extra: dict[str, bytes] | None = None, leave_out: str = "") -> bytes:
    parts = {"[Content_Types].xml": CONTENT_TYPES.replace("{main}", main).encode(),
             "_rels/.rels": RELS.encode(), "word/document.xml": DOCUMENT.encode(), **(extra or {})}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != leave_out:
                archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A Word document with a 1 GiB picture of zeros, about 1 MB on disk: written by streaming
    compression, so neither the test nor the check ever holds the gigabyte."""
    path: Path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.replace("{main}", DOCX_MAIN))
        archive.writestr("word/document.xml", DOCUMENT)
        with archive.open("word/media/image1.png", "w", force_zip64=True) as picture:
            zeros = bytes(1024 * 1024)
            for _ in range(1024):
                picture.write(zeros)
    return path.read_bytes()


def test_a_word_document_is_accepted() -> None:
    checked = check(docx(), "Covering letter.docm")
    assert (checked.kind, checked.name, checked.content_type) == (
        Kind.DOCX, "Covering letter.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def test_a_word_document_with_a_vba_project_is_refused() -> None:
    assert refusal(docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macros"})) == WORD_MACROS


def test_a_macro_enabled_document_is_refused_by_its_content_type() -> None:
    assert refusal(docx(main=DOCM_MAIN), "letter.docx") == WORD_MACROS


@pytest.mark.xdist_group("zip_bomb")
def test_a_zip_bomb_is_refused(zip_bomb: bytes) -> None:
    assert len(zip_bomb) < 2 * 1024 * 1024
    assert refusal(zip_bomb, "letter.docx") == WORD_TOO_BIG


@pytest.mark.xdist_group("zip_bomb")
def test_a_zip_bomb_is_refused_without_decompressing_anything(
    zip_bomb: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("decompressed")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    monkeypatch.setattr(zipfile.ZipFile, "read", never)
    monkeypatch.setattr(zlib, "decompressobj", never)
    monkeypatch.setattr(zlib, "decompress", never)
    assert refusal(zip_bomb, "letter.docx") == WORD_TOO_BIG


def test_an_entry_compressed_far_more_than_a_document_is_is_refused() -> None:
    assert refusal(docx(extra={"word/media/image1.png": bytes(8 * 1024 * 1024)})) == WORD_TOO_BIG


def test_entries_adding_up_to_too_much_are_refused() -> None:
    parts = {f"word/media/image{n}.png": bytes(1000 * 1000) for n in range(60)}
    assert refusal(docx(extra=parts)) == WORD_TOO_BIG


def test_too_many_entries_are_refused() -> None:
    parts = {f"word/part{n}.xml": b"<x/>" for n in range(2001)}
    assert refusal(docx(extra=parts)) == WORD_DAMAGED


@pytest.mark.parametrize("path", ["../../etc/cron.d/job", "/etc/passwd", "word/../../evil.xml",
                                  "C:/Windows/evil.dll", "..\\evil.xml"])
def test_an_entry_leaving_the_document_is_refused(path: str) -> None:
    assert refusal(docx(extra={path: b"x"})) == WORD_DAMAGED


@pytest.mark.parametrize("part", ["[Content_Types].xml", "word/document.xml"])
def test_a_zip_without_a_word_documents_parts_is_refused(part: str) -> None:
    assert refusal(docx(leave_out=part)) == WORD_DAMAGED


def test_content_types_with_a_dtd_are_refused() -> None:
    entity = ('<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY m "macroEnabled">]>'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    assert refusal(docx(extra={"[Content_Types].xml": entity.encode()})) == WORD_DAMAGED


def test_an_encrypted_word_file_is_refused_saying_why() -> None:
    compound = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert refusal(compound, "letter.docx") == WORD_PROTECTED


# --- Names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("given, kind, shown", [
    ("C:\\Users\\sam\\Documents\\confirmation.pdf", Kind.PDF, "confirmation.pdf"),
    ("../../etc/passwd", Kind.PDF, "passwd.pdf"),
    ("cv\u202egpj.exe", Kind.PDF, "cvgpj.pdf"),
    ("re\u200bport\x00\x07.pdf", Kind.PDF, "report.pdf"),
    ("..hidden.png", Kind.PNG, "hidden.png"),
    ("photo.png", Kind.JPEG, "photo.jpg"),
    ("IMG_0001.JPG", Kind.JPEG, "IMG_0001.jpg"),
    ("Confirmation 21.06.2022", Kind.PDF, "Confirmation 21.06.2022.pdf"),
    ('a<b>:"c"|d?.docx', Kind.DOCX, "a_b___c__d_.docx"),
    ("  spaced   out .pdf ", Kind.PDF, "spaced out.pdf"),
    ("", Kind.PDF, "upload.pdf"),
    ("...", Kind.PNG, "upload.png"),
])
def test_a_name_is_cleaned_for_showing(given: str, kind: Kind, shown: str) -> None:
    assert clean_filename(given, kind) == shown


def test_a_long_name_is_shortened_keeping_its_extension() -> None:
    shown = clean_filename("é" * 300 + ".pdf", Kind.PDF)
    assert shown == "é" * 96 + ".pdf"
