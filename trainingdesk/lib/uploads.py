"""Checking a file someone uploads (admissions evidence, coursework) before it is stored or read.

`check_upload` is called on the uploaded file before anything else touches it. It reads at most
`max_bytes` (+1, to know the file is too large), recognises the file by its content (its first
bytes, never its name or the browser's content type) and then checks it as what it is:

- a PDF is parsed with pikepdf (qpdf) without repairing it, and refused when it is encrypted,
  truncated or damaged, or has active content: JavaScript, actions that launch programs, open
  other files or send data, additional actions (/AA, the triggers of scripts), an opening action
  other than going to a page, embedded files or an XFA form. The refusal comes from walking every
  object of the parsed document a viewer can reach, never from searching its bytes (an object
  nothing refers to cannot run: no viewer finds it);
- a JPEG or PNG is checked with Pillow: its declared pixels first (a small file can declare a
  picture that fills the memory when decoded), then its data;
- a DOCX is checked as a ZIP from its central directory alone: how many entries, their declared
  sizes and compression ratios, their paths and their compression, the parts a Word document has,
  and no macros. Nothing is decompressed before those checks pass, so a ZIP bomb is refused in
  milliseconds with flat memory; then only `[Content_Types].xml` (bounded) is read. Python's
  zipfile stops reading an entry at its declared size, so a parser that opens the file later with
  it reads no more than what was checked here.

A refusal is a `ValidationError` with one message for the person who chose the file, marked for
translation, and a code. The file is rewound afterwards, ready to be stored.
"""

from __future__ import annotations

import enum
import hashlib
import io
import os
import re
import tempfile
import threading
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, BinaryIO, NoReturn
from xml.etree import ElementTree

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError


class Kind(enum.Enum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    DOCX = "docx"

    @property
    def label(self) -> str:
        """How a person calls it, in "This file is not a PDF, JPEG, PNG or Word document"."""
        return str(_("Word document")) if self is Kind.DOCX else self.name

    @property
    def extension(self) -> str:
        return {Kind.PDF: ".pdf", Kind.JPEG: ".jpg", Kind.PNG: ".png", Kind.DOCX: ".docx"}[self]

    @property
    def extensions(self) -> frozenset[str]:
        """The extensions a file of this kind may keep in its cleaned name."""
        return {Kind.JPEG: frozenset({".jpg", ".jpeg"})}.get(self, frozenset({self.extension}))

    @property
    def content_type(self) -> str:
        return {
            Kind.PDF: "application/pdf",
            Kind.JPEG: "image/jpeg",
            Kind.PNG: "image/png",
            Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }[self]


EVIDENCE_KINDS = frozenset({Kind.PDF, Kind.JPEG, Kind.PNG, Kind.DOCX})


@dataclass(frozen=True)
class CheckedFile:
    """What check_upload found: the file's kind by its content, its size in bytes, the SHA-256 of
    its content (hex), its name cleaned for showing, and for a PDF its pages and whether any page
    has text (a text layer; a scan without OCR has none)."""

    kind: Kind
    size: int
    sha256: str
    name: str
    pages: int | None = None
    has_text: bool | None = None

    @property
    def content_type(self) -> str:
        return self.kind.content_type


# --- Limits -----------------------------------------------------------------------------------

CHUNK = 1024 * 1024
MAX_NAME_LENGTH = 100  # characters of a cleaned name, its extension included
MAX_PIXELS = 64_000_000  # an 8,000 x 8,000 photograph; below Pillow's own warning (89 million)
MAX_PDF_OBJECTS = 250_000  # walked; a 1,000-page text PDF has some tens of thousands
DOCX_MAX_ENTRIES = 2_000
DOCX_MAX_UNCOMPRESSED = 50 * 1024 * 1024  # declared, all entries together
DOCX_MAX_RATIO = 100  # declared size to compressed size, for an entry above RATIO_FROM bytes
DOCX_RATIO_FROM = 1024 * 1024  # smaller entries cannot make a bomb; the total bounds them
CONTENT_TYPES_MAX = 256 * 1024  # bytes of [Content_Types].xml read to look for macros

MAGIC_PDF = b"%PDF-"
MAGIC_JPEG = b"\xff\xd8\xff"
MAGIC_PNG = b"\x89PNG\r\n\x1a\n"
MAGIC_ZIP = b"PK\x03\x04"
MAGIC_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: an encrypted .docx, or a .doc

# Action types that run a script, start a program, open another file or send or fetch data.
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
                            "/RichMediaExecute"})
TEXT_SHOWING = "Tj TJ ' \" Do"  # the operators that show text, and Do for forms that may
# The keys of a dictionary that make it worth a closer look; most have none of them.
SUSPICIOUS = frozenset({"/JS", "/JavaScript", "/AA", "/S", "/EmbeddedFiles", "/EF", "/Subtype", "/XFA"})
# Entries whose values are numbers, names or strings to any viewer, whatever they hold.
PLAIN_VALUES = frozenset({"/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rect", "/BBox",
                          "/Matrix", "/Widths", "/W", "/W2", "/Decode", "/Domain", "/Range", "/Border",
                          "/C", "/IC", "/QuadPoints", "/ID", "/Index", "/ProcSet", "/Size", "/Length"})
# The entries of a page (or of a node of the page tree) through which a viewer finds actions or
# files, besides its additional actions (/AA, refused as they are anywhere): its annotations,
# presentation steps (each with actions for going forwards and back) and associated files. The
# others are read to lay the page out and draw it (boxes, rotation, transition, group,
# thumbnail, ...); its resources are walked apart.
PAGE_ACTIVE = tuple(pikepdf.Name(key) for key in ("/Annots", "/PresSteps", "/AF"))
AA, KIDS = pikepdf.Name.AA, pikepdf.Name.Kids
FONTS_ONLY = frozenset({"/Font", "/ProcSet"})  # resources with nothing else have nothing to walk
# Keys whose values are not walked: those above, a page's content streams (an annotation's
# /Contents is its text), transitions, and fonts (glyphs, never actions).
NOT_WALKED = PLAIN_VALUES | {"/Contents", "/Trans", "/Font"}
PDF_IN_MEMORY = 1024 * 1024  # bytes: a smaller PDF is read from memory, a larger one from a file
HASH_BESIDE = 1024 * 1024  # bytes: a larger file is hashed in a thread while it is checked
DICTIONARY, ARRAY, STREAM = pikepdf.ObjectType.dictionary, pikepdf.ObjectType.array, pikepdf.ObjectType.stream
CONTAINERS = frozenset({DICTIONARY, ARRAY, STREAM})

# --- Messages ---------------------------------------------------------------------------------

EMPTY = _("The selected file is empty.")
TOO_LARGE = _("The selected file must be %(limit)s or smaller.")
NOT_ALLOWED = _("This file is not %(kinds)s.")
WORD_PROTECTED = _("Password-protected Word files cannot be accepted, nor older Word (.doc) files. "
                   "Remove the password, or save the document as a .docx file, and upload it again.")
PDF_PROTECTED = _("Password-protected PDFs cannot be accepted. Remove the password and upload the "
                  "PDF again.")
PDF_DAMAGED = _("This PDF is damaged or incomplete. Save or export it again and upload the new copy.")
PDF_ACTIVE = _("This PDF contains scripts or actions that open other files or send data, so it cannot "
               "be accepted. Print it to a new PDF, or scan it, and upload that.")
PDF_ATTACHMENTS = _("This PDF has files attached inside it, so it cannot be accepted. Upload each "
                    "document as a file of its own.")
PDF_XFA = _("This PDF is an interactive (XFA) form, so it cannot be accepted. Print it to a new PDF "
            "and upload that.")
IMAGE_DAMAGED = _("This image is damaged or incomplete. Save it again and upload the new copy.")
IMAGE_TOO_BIG = _("This image has more than %(limit)s million pixels. Make it smaller and upload it "
                  "again.")
WORD_DAMAGED = _("This Word document is damaged or is not a Word document. Save it again as a .docx "
                 "file and upload the new copy.")
WORD_TOO_BIG = _("This Word document would be too large once opened. Save it again with smaller "
                 "pictures, or as a PDF, and upload that.")
WORD_MACROS = _("Word documents with macros cannot be accepted. Save it as a Word Document (.docx) "
                "without macros and upload that.")


def _refuse(message: object, code: str, **params: object) -> NoReturn:
    raise ValidationError(message, code=code, params=params or None)  # type: ignore[arg-type]


# --- The check --------------------------------------------------------------------------------


def check_upload(
    file: UploadedFile | IO[bytes],
    *,
    name: str,
    allowed: frozenset[Kind] = EVIDENCE_KINDS,
    max_bytes: int | None = None,
) -> CheckedFile:
    """Check `file` (an upload, or any binary file object) and say what it is, or raise
    ValidationError with the message to show beside the field. `name` is the name it came with,
    only cleaned for showing; `max_bytes` is settings.UPLOAD_MAX_BYTES unless given."""
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    try:
        data = _read_at_most(file, limit)
        kind = _kind_of(data, allowed)
        with _Sha256(data) as sha256:
            clean = clean_filename(name, kind)
            if kind is Kind.PDF:
                pages, has_text = _check_pdf(data, getattr(file, "temporary_file_path", None))
                return CheckedFile(kind, len(data), sha256.hexdigest(), clean, pages=pages,
                                   has_text=has_text)
            if kind is Kind.DOCX:
                _check_docx(data)
            else:
                _check_image(data, kind)
            return CheckedFile(kind, len(data), sha256.hexdigest(), clean)
    finally:
        if file.seekable():
            file.seek(0)


class _Sha256:
    """The SHA-256 of `data`, computed while the file is checked: hashlib lets go of the GIL
    while it hashes more than a few kilobytes, so a large file (10 MB: 6 ms) is hashed on
    another core, in a thread that is always waited for (on leaving, refused or not)."""

    def __init__(self, data: bytes) -> None:
        self._hash = hashlib.sha256()
        self._thread: threading.Thread | None = None
        if len(data) < HASH_BESIDE:
            self._hash.update(data)
        else:
            self._thread = threading.Thread(target=self._hash.update, args=(data,), daemon=True)
            self._thread.start()

    def __enter__(self) -> _Sha256:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._thread is not None:
            self._thread.join()

    def hexdigest(self) -> str:
        if self._thread is not None:
            self._thread.join()
        return self._hash.hexdigest()


def _read_at_most(file: UploadedFile | IO[bytes], limit: int) -> bytes:
    """The whole content, refused as too large as soon as it is known to pass `limit`: from the
    upload's size or the end of a seekable file before reading anything, else while reading."""
    declared = getattr(file, "size", None)
    if not isinstance(declared, int) and file.seekable():
        declared = file.seek(0, io.SEEK_END)
    if isinstance(declared, int) and declared > limit:
        _refuse(TOO_LARGE, "too_large", limit=_megabytes(limit))
    if file.seekable():
        file.seek(0)
    # A file of a known size in one read (its bytes copied once), any other a chunk at a time.
    step = max(CHUNK, declared + 1 if isinstance(declared, int) else 0)
    chunks, read = [], 0
    while chunk := file.read(min(step, limit + 1 - read)):
        chunks.append(chunk)
        read += len(chunk)
        if read > limit:
            _refuse(TOO_LARGE, "too_large", limit=_megabytes(limit))
    if not read:
        _refuse(EMPTY, "empty")
    return b"".join(chunks)


def _megabytes(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    if megabytes >= 1:
        return f"{megabytes:.1f}".removesuffix(".0") + " MB"
    return f"{limit / 1024:.0f} KB"


def _kind_of(data: bytes, allowed: frozenset[Kind]) -> Kind:
    kind: Kind | None = None
    if data.startswith(MAGIC_PDF):
        kind = Kind.PDF
    elif data.startswith(MAGIC_JPEG):
        kind = Kind.JPEG
    elif data.startswith(MAGIC_PNG):
        kind = Kind.PNG
    elif data.startswith(MAGIC_ZIP):
        kind = Kind.DOCX
    elif data.startswith(MAGIC_OLE) and Kind.DOCX in allowed:
        _refuse(WORD_PROTECTED, "word_protected")
    if kind is None or kind not in allowed:
        _refuse(NOT_ALLOWED, "not_allowed", kinds=kinds_named(allowed))
    return kind


def kinds_named(kinds: frozenset[Kind]) -> str:
    """"a PDF, JPEG, PNG or Word document", in the order of Kind."""
    labels = [kind.label for kind in Kind if kind in kinds]
    listed = labels[0] if len(labels) == 1 else str(_("%(some)s or %(last)s") % {
        "some": ", ".join(labels[:-1]), "last": labels[-1]})
    return str(_("a %(kinds)s") % {"kinds": listed})


# --- Names ------------------------------------------------------------------------------------

UNSAFE_IN_NAMES = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
AN_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")


def clean_filename(name: str, kind: Kind) -> str:
    """`name` made safe to show and to offer as a download: its last path part only, without
    control, formatting (bidi, zero-width) or separator characters, characters Windows refuses in
    names, leading dots or surrounding spaces, at most MAX_NAME_LENGTH characters, and ending in
    an extension of `kind` (one of another kind is replaced: "cv.exe" read as a PDF is "cv.pdf")."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(c for c in base if unicodedata.category(c) not in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})
    base = " ".join(UNSAFE_IN_NAMES.sub("_", base).split()).lstrip(". ").rstrip(". ")
    stem, extension = os.path.splitext(base)
    if extension.lower() in kind.extensions:
        extension = extension.lower()
    else:
        if not AN_EXTENSION.search(extension):
            stem = base
        extension = kind.extension
    stem = stem.rstrip(". ")[: MAX_NAME_LENGTH - len(extension)].rstrip(". ") or "upload"
    return stem + extension


# --- PDF --------------------------------------------------------------------------------------


def _check_pdf(data: bytes, on_disk: Callable[[], str] | None) -> tuple[int, bool]:
    """The number of pages and whether any has text, after refusing what a PDF may not be.
    qpdf reads a file by its path three times as fast as through a Python stream, so a large
    upload is opened where Django put it (a TemporaryUploadedFile), or from a temporary copy."""
    if on_disk is not None:
        return _check_pdf_at(on_disk())
    if len(data) < PDF_IN_MEMORY:
        return _check_pdf_at(io.BytesIO(data))
    with tempfile.NamedTemporaryFile(suffix=".pdf") as copy:
        copy.write(data)
        copy.flush()
        return _check_pdf_at(copy.name)


def _check_pdf_at(source: str | BinaryIO) -> tuple[int, bool]:
    try:
        with pikepdf.open(source, attempt_recovery=False, conversion_mode="explicit") as pdf:
            if pdf.is_encrypted:
                _refuse(PDF_PROTECTED, "pdf_protected")
            _refuse_active_content(pdf)
            pages = len(pdf.pages)
            if pages == 0:
                _refuse(PDF_DAMAGED, "pdf_damaged")
            return pages, any(_shows_text(page.obj, set()) for page in pdf.pages)
    except pikepdf.PasswordError:
        _refuse(PDF_PROTECTED, "pdf_protected")
    except (pikepdf.PdfError, pikepdf.PikepdfError, ValueError, TypeError, KeyError, IndexError,
            RecursionError, RuntimeError):
        _refuse(PDF_DAMAGED, "pdf_damaged")


def _refuse_active_content(pdf: pikepdf.Pdf) -> None:
    """Every object a viewer can reach from the trailer: the catalog and everything it refers to
    (the opening action, /AA, the Names tree with its scripts and embedded files, the outlines
    and their actions, the AcroForm and its fields, ...), every node and page of the page tree
    with what a viewer finds actions or files through (PAGE_ACTIVE) and its resources, and every
    dictionary and array nested in one, following indirect references. An object nothing
    reachable refers to cannot run in a viewer, which never finds it, so it is not looked at
    (nor resolved: a page's content stream is neither, which is most of a text PDF's objects);
    neither is what a viewer reads only as numbers, names or drawing (NOT_WALKED): boxes, widths
    and matrices, transitions, content streams, fonts."""
    opening = pdf.Root.get("/OpenAction")
    if isinstance(opening, pikepdf.Dictionary) and opening.get("/S") != pikepdf.Name.GoTo:
        _refuse(PDF_ACTIVE, "pdf_active")
    seen: set[tuple[int, int]] = set()
    stack: list[pikepdf.Object] = []
    _walk_page_tree(pdf.Root.get("/Pages"), seen, stack)
    stack.append(pdf.trailer)  # then the catalog, its page tree already seen
    _walk(stack, seen)


def _walk_page_tree(root: pikepdf.Object | None, seen: set[tuple[int, int]],
                    stack: list[pikepdf.Object]) -> None:
    """Each node and page of the page tree once, refused with additional actions; what it names
    in PAGE_ACTIVE, and its resources but for fonts, are left on `stack` for _walk. A few calls
    for each page, never listing its keys: that would make qpdf resolve each page's content
    stream to see that it is not null."""
    nodes = [root] if root is not None else []
    resources_key = pikepdf.Name.Resources
    while nodes:
        node = nodes.pop()
        if node._type_code != DICTIONARY or not _first_visit(node, seen):
            continue
        if len(seen) > MAX_PDF_OBJECTS:
            _refuse(PDF_DAMAGED, "pdf_damaged")
        if AA in node:
            _refuse(PDF_ACTIVE, "pdf_active")
        for key in PAGE_ACTIVE:
            if key in node:
                stack.append(node[key])
        if KIDS in node:  # a node of the tree (`get` is slower where the key is missing)
            kids = node[KIDS]
            if kids._type_code == ARRAY:
                nodes.extend(kids.as_list())
        resources = node.get(resources_key)  # a page has them (qpdf gives it its inherited ones)
        if (resources is not None and resources._type_code == DICTIONARY
                and not resources.keys() <= FONTS_ONLY):
            stack.append(resources)  # more than fonts: forms, patterns, properties, ...


def _first_visit(obj: pikepdf.Object, seen: set[tuple[int, int]]) -> bool:
    """Whether `obj` is direct (it has one parent, so it is met once) or an indirect object not
    met before, which it then is."""
    if not obj.is_indirect:
        return True
    objgen = obj.objgen
    if objgen in seen:
        return False
    seen.add(objgen)
    return True


def _walk(stack: list[pikepdf.Object], seen: set[tuple[int, int]]) -> None:
    """What `stack` holds and every dictionary, array and stream dictionary it reaches, each
    indirect object once, but for the values of the keys in NOT_WALKED."""
    walked = len(seen)
    while stack:
        obj = stack.pop()
        code = obj._type_code
        if code not in CONTAINERS or not _first_visit(obj, seen):
            continue
        walked += 1
        if walked > MAX_PDF_OBJECTS:
            _refuse(PDF_DAMAGED, "pdf_damaged")
        if code == ARRAY:
            stack.extend(value for value in obj if value._type_code in CONTAINERS)
            continue
        _refuse_active_dictionary(obj)
        stack.extend(value for key, value in obj.items()
                     if key not in NOT_WALKED and value._type_code in CONTAINERS)


def _refuse_active_dictionary(dictionary: pikepdf.Object) -> None:
    keys = dictionary.keys()
    if SUSPICIOUS.isdisjoint(keys):
        return
    if "/JS" in keys or "/JavaScript" in keys or "/AA" in keys:
        _refuse(PDF_ACTIVE, "pdf_active")
    if "/S" in keys and str(dictionary.get("/S")) in ACTIVE_ACTIONS:
        _refuse(PDF_ACTIVE, "pdf_active")
    if "/EmbeddedFiles" in keys or "/EF" in keys:
        _refuse(PDF_ATTACHMENTS, "pdf_attachments")
    if "/Subtype" in keys and dictionary.get("/Subtype") == pikepdf.Name.FileAttachment:
        _refuse(PDF_ATTACHMENTS, "pdf_attachments")
    if "/Type" in keys and dictionary.get("/Type") == pikepdf.Name.EmbeddedFile:
        _refuse(PDF_ATTACHMENTS, "pdf_attachments")
    if "/XFA" in keys:
        _refuse(PDF_XFA, "pdf_xfa")


def _shows_text(content: pikepdf.Object, seen: set[tuple[int, int]]) -> bool:
    """Whether a page, or a form it draws, shows any text (a visible or invisible text layer)."""
    resources = content.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    for instruction in pikepdf.parse_content_stream(content, TEXT_SHOWING):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            continue  # an inline image
        operands, operator = instruction.operands, instruction.operator
        if str(operator) == "Do":
            form = xobjects.get(str(operands[0])) if isinstance(xobjects, pikepdf.Dictionary) else None
            if (isinstance(form, pikepdf.Stream) and form.get("/Subtype") == pikepdf.Name.Form
                    and form.objgen not in seen):
                seen.add(form.objgen)
                if _shows_text(form, seen):
                    return True
        elif operands and _has_characters(operands[-1]):
            return True
    return False


def _has_characters(operand: pikepdf.Object) -> bool:
    if isinstance(operand, pikepdf.Array):
        return any(_has_characters(part) for part in operand)
    return isinstance(operand, pikepdf.String) and len(bytes(operand)) > 0


# --- Images -----------------------------------------------------------------------------------


def _check_image(data: bytes, kind: Kind) -> None:
    """The declared size first, from the header alone; then the data: a JPEG decoded at an eighth
    of its size (every byte of it read, little memory), a PNG's chunks and their checksums."""
    try:
        with Image.open(io.BytesIO(data), formats=[kind.name]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                _refuse(IMAGE_TOO_BIG, "image_too_big", limit=MAX_PIXELS // 1_000_000)
            if kind is Kind.JPEG:
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
            else:
                image.verify()
    except Image.DecompressionBombError:
        _refuse(IMAGE_TOO_BIG, "image_too_big", limit=MAX_PIXELS // 1_000_000)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError,
            TypeError, MemoryError):
        _refuse(IMAGE_DAMAGED, "image_damaged")


# --- DOCX -------------------------------------------------------------------------------------

EOCD = b"PK\x05\x06"
EOCD_SIZE = 22


def _check_docx(data: bytes) -> None:
    _refuse_many_entries(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        _refuse(WORD_DAMAGED, "word_damaged")
    with archive:
        entries = archive.infolist()
        _refuse_unsafe_entries(entries)
        content_types = _read_bounded(archive, "[Content_Types].xml")
    _refuse_macro_content_types(content_types)


def _refuse_many_entries(data: bytes) -> None:
    """The number of entries from the end-of-central-directory record, before zipfile builds
    an object for each one (a 10 MB file can list 200,000 entries)."""
    at = data.rfind(EOCD, max(0, len(data) - 65_535 - EOCD_SIZE))
    if at < 0 or len(data) < at + EOCD_SIZE:
        _refuse(WORD_DAMAGED, "word_damaged")
    count = int.from_bytes(data[at + 10 : at + 12], "little")
    if DOCX_MAX_ENTRIES < count < 0xFFFF:  # 0xFFFF: the count is in the ZIP64 record; zipfile reads it
        _refuse(WORD_DAMAGED, "word_damaged")


def _refuse_unsafe_entries(entries: list[zipfile.ZipInfo]) -> None:
    """From the central directory alone: nothing here is decompressed."""
    if len(entries) > DOCX_MAX_ENTRIES:
        _refuse(WORD_DAMAGED, "word_damaged")
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names):  # two parsers could each read a different one
        _refuse(WORD_DAMAGED, "word_damaged")
    total = 0
    for entry in entries:
        name = entry.filename
        parts = re.split(r"[/\\]", name)
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts or "\x00" in name:
            _refuse(WORD_DAMAGED, "word_damaged")
        if entry.flag_bits & 0x1:
            _refuse(WORD_PROTECTED, "word_protected")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            _refuse(WORD_DAMAGED, "word_damaged")
        if parts[-1].lower() in {"vbaproject.bin", "vbadata.xml"}:
            _refuse(WORD_MACROS, "word_macros")
        total += entry.file_size
        if total > DOCX_MAX_UNCOMPRESSED:
            _refuse(WORD_TOO_BIG, "word_too_big")
        ratio_limit = DOCX_MAX_RATIO * max(entry.compress_size, 1)
        if entry.file_size > DOCX_RATIO_FROM and entry.file_size > ratio_limit:
            _refuse(WORD_TOO_BIG, "word_too_big")
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        _refuse(WORD_DAMAGED, "word_damaged")


def _read_bounded(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as part:
            content = part.read(CONTENT_TYPES_MAX + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        _refuse(WORD_DAMAGED, "word_damaged")
    if len(content) > CONTENT_TYPES_MAX:
        _refuse(WORD_DAMAGED, "word_damaged")
    return content


def _refuse_macro_content_types(content_types: bytes) -> None:
    """A macro-enabled document (.docm, .dotm) or a VBA part, named by [Content_Types].xml. Open
    Packaging forbids a DTD there, and with none, no entity can expand or hide a name."""
    if b"<!doctype" in content_types.lower():
        _refuse(WORD_DAMAGED, "word_damaged")
    try:
        root = ElementTree.fromstring(content_types)  # noqa: S314 (no DTD, so no entities)
    except ElementTree.ParseError:
        _refuse(WORD_DAMAGED, "word_damaged")
    for element in root.iter():
        kind = element.get("ContentType", "").lower()
        if "macroenabled" in kind or "vbaproject" in kind:
            _refuse(WORD_MACROS, "word_macros")
    if not any(element.get("ContentType", "").startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.") for element in root.iter()):
        _refuse(WORD_DAMAGED, "word_damaged")


__all__ = ["EVIDENCE_KINDS", "CheckedFile", "Kind", "check_upload", "clean_filename", "kinds_named"]
