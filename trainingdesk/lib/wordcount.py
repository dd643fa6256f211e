"""Counting the words of coursework (a case study, a reflective log) as Word counts them.

`count_docx` reads a Word document that `lib.uploads.check_upload` has accepted (a ZIP checked
from its central directory: no bomb, no macros). It reads three parts, each with a bounded read,
and parses them with ElementTree after refusing any DTD (so no entity can be declared, expanded
or fetched):

- word/document.xml, the body: its paragraphs, tables and text boxes;
- word/footnotes.xml and word/endnotes.xml: every note but the separators Word draws above
  them (notes of type separator, continuationSeparator, continuationNotice).

A word is what Word's Word Count calls one: a run of characters between spaces, tabs, line
breaks, paragraph ends and table cells. So text split over several runs mid-word is one word
(runs join without a space), "well-known" and "non-violent" are one word each, "2000" and "3.5"
are words, and a dash standing between spaces is one too. Not counted: deleted text (tracked
deletions and the text a tracked move left behind), field codes (the instruction of a field;
its result, the text shown, is counted), the note reference marks, and the fallback copy of a
text box kept for older versions of Word. Headers, footers and comments are other parts,
never read.

`count_pdf` extracts the text layer with pypdf and counts the same way; a PDF has no notes of
its own, so everything is counted in the body. A PDF without text (a scan) is refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import NoReturn
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from trainingdesk.lib.uploads import (
    DOCX_MAX_UNCOMPRESSED,
    PDF_DAMAGED,
    PDF_PROTECTED,
    WORD_DAMAGED,
    WORD_TOO_BIG,
)

WHAT_IS_COUNTED = _("the body text, tables, footnotes and endnotes, as Word counts them; not headers, "
                    "footers, comments or deleted text")
"""What the count covers, in plain words for the portfolio page ("Counted: ...")."""

NO_TEXT = _("No text found (a scanned image?): upload the document itself, as Word or a PDF saved "
            "from it.")

PART_MAX = DOCX_MAX_UNCOMPRESSED  # bytes of one part read, at most (check_upload bounds them all)
FEED = 64 * 1024  # bytes given to the parser at a time: a DTD stops it within one feed

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

TEXT = W + "t"
# Elements that end a word where they stand (a tab, a line or page break, a positional tab).
SEPARATORS = frozenset({W + "tab", W + "br", W + "cr", W + "ptab"})
# Elements that are words of their own: paragraphs, table cells, text boxes (their content
# never runs on into the text around them).
BLOCKS = frozenset({W + "p", W + "tc", W + "txbxContent"})
# Characters inside a word: a non-breaking hyphen shows as "-", a symbol as itself.
IN_WORD = {W + "noBreakHyphen": "-", W + "sym": "\u25a1"}
# Never counted, nor anything inside: deletions and moved-away text, field codes, the fallback
# copy of alternate content (a text box is there twice: for Word 2010 and later, and as VML),
# and properties, which hold no text but many elements (skipped for speed).
SKIPPED = frozenset({
    W + "del", W + "moveFrom", W + "delText", W + "instrText", W + "delInstrText", MC + "Fallback",
    W + "rPr", W + "pPr", W + "tblPr", W + "tblGrid", W + "trPr", W + "tcPr", W + "sectPr",
    W + "sdtPr", W + "sdtEndPr", W + "proofErr", W + "bookmarkStart", W + "bookmarkEnd",
    W + "fldChar", W + "lastRenderedPageBreak", W + "footnoteReference", W + "endnoteReference",
    W + "footnoteRef", W + "endnoteRef", W + "annotationRef", W + "commentReference",
})
NOTE_SEPARATORS = frozenset({"separator", "continuationSeparator", "continuationNotice"})
PARTS = {"body": "word/document.xml", "footnotes": "word/footnotes.xml", "endnotes": "word/endnotes.xml"}


@dataclass(frozen=True)
class WordCount:
    """Words in the body (its tables and text boxes included), the footnotes and the endnotes.
    A PDF's are all in `body`: its notes cannot be told from the text."""

    body: int
    footnotes: int = 0
    endnotes: int = 0

    @property
    def total(self) -> int:
        return self.body + self.footnotes + self.endnotes


def count_words(text: str) -> int:
    """Words as Word counts them in plain text: runs of characters between white space."""
    return len(text.split())


# --- DOCX -------------------------------------------------------------------------------------


def count_docx(data: bytes) -> WordCount:
    """The words of a Word document check_upload accepted; ValidationError (the upload's
    messages) when a part cannot be read: damaged, too large, or with a DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        _refuse(WORD_DAMAGED, "word_damaged")
    counts: dict[str, int] = {}
    with archive:
        for field, name in PARTS.items():
            content = _read_part(archive, name)
            if content is None:
                if field == "body":
                    _refuse(WORD_DAMAGED, "word_damaged")
                counts[field] = 0
                continue
            root = _parse(content)
            if field == "body":
                body = root.find(W + "body")
                counts[field] = _count_in(body) if body is not None else 0
            else:
                counts[field] = sum(_count_in(note) for note in root
                                    if note.get(W + "type") not in NOTE_SEPARATORS)
    return WordCount(**counts)


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """The part's bytes, at most PART_MAX of them (zipfile stops at the declared size, which
    is checked first); None when the document has no such part."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > PART_MAX:
        _refuse(WORD_TOO_BIG, "word_too_big")
    try:
        with archive.open(info) as part:
            content = part.read(PART_MAX + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        _refuse(WORD_DAMAGED, "word_damaged")
    if len(content) > PART_MAX:
        _refuse(WORD_TOO_BIG, "word_too_big")
    return content


class _DTDFound(Exception):
    pass


class _NoDTD(ElementTree.TreeBuilder):
    """The C tree builder, stopping at a document type declaration, whatever the encoding (a
    byte search for "<!DOCTYPE" would miss one in UTF-16 or EBCDIC)."""

    def doctype(self, name: str, pubid: str, system: str) -> None:
        raise _DTDFound


def _parse(content: bytes) -> ElementTree.Element:
    """Open Packaging forbids a DTD in a part: one is refused, before it is read past its
    feed (and expat bounds what entities could expand to meanwhile)."""
    if b"<!DOCTYPE" in content:
        _refuse(WORD_DAMAGED, "word_damaged")
    parser = ElementTree.XMLParser(target=_NoDTD())  # noqa: S314 (no DTD, so no entities)
    try:
        for start in range(0, len(content), FEED):
            parser.feed(content[start : start + FEED])
        root = parser.close()
    except (ElementTree.ParseError, _DTDFound):
        _refuse(WORD_DAMAGED, "word_damaged")
    if not isinstance(root, ElementTree.Element):
        _refuse(WORD_DAMAGED, "word_damaged")
    return root


def _count_in(element: ElementTree.Element) -> int:
    pieces: list[str] = []
    _text_of(element, pieces)
    return count_words("".join(pieces))


def _text_of(element: ElementTree.Element, pieces: list[str]) -> None:
    """The text Word counts in `element`, appended to `pieces`, with a space wherever a word
    must end: runs join as they are (a word split over runs stays one word)."""
    for child in element:
        tag = child.tag
        if tag == TEXT:
            if child.text:
                pieces.append(child.text)
        elif tag in SKIPPED:
            continue
        elif tag in SEPARATORS:
            pieces.append(" ")
        elif tag in BLOCKS:
            pieces.append(" ")
            _text_of(child, pieces)
            pieces.append(" ")
        elif tag in IN_WORD:
            pieces.append(IN_WORD[tag])
        elif len(child):
            _text_of(child, pieces)


# --- PDF --------------------------------------------------------------------------------------


def count_pdf(data: bytes) -> WordCount:
    """The words of a PDF's text layer, all in `body`; ValidationError when it has none (a
    scan), or cannot be read."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _refuse(PDF_PROTECTED, "pdf_protected")
        words = sum(count_words(page.extract_text() or "") for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, ZeroDivisionError) as error:
        raise ValidationError(PDF_DAMAGED, code="pdf_damaged") from error
    if not words:
        _refuse(NO_TEXT, "no_text")
    return WordCount(body=words)


def _refuse(message: object, code: str) -> NoReturn:
    raise ValidationError(message, code=code)  # type: ignore[arg-type]
