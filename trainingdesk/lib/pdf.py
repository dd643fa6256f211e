"""The PDF toolkit every document we issue shares (invoices, credit notes, confirmations, next
certificates): A4, one type scale, plain tables, and text that prints every name as written.

Fonts travel with the code (`lib/fonts/`, see its README): Noto Sans for Latin, Greek, Cyrillic and
Vietnamese, Noto Sans Arabic, Noto Sans Hebrew, and Droid Sans Fallback for Chinese, Japanese and
Korean. A line of text is laid out here, not by ReportLab:

1. it is cleaned (NFC; control and bidirectional formatting characters dropped);
2. if it holds right-to-left letters, python-bidi's implementation of the Unicode bidirectional
   algorithm gives each character its level, and runs of one level are put in visual order;
3. each run is split by the first font that has each character (a space or a digit stays in the
   font around it);
4. Arabic and Hebrew, and anything with combining marks, is shaped by HarfBuzz (uharfbuzz) and
   drawn glyph by glyph; every glyph's text in the PDF's text layer is the text it stands for, so a
   shaped Arabic letter copies out as that letter, in the order it was written. Everything else
   (most text) is drawn as ReportLab draws a string: the fast path of the confirmation benchmark.

Long text never breaks a document: `wrap_text` wraps, bounds the lines and ends the last one with
an ellipsis; `fit_text` shrinks a name down to a floor before it wraps; input is cut at
`MAX_TEXT_CHARS` first. Every PDF carries its title, author and language (`/Lang`).
"""

from __future__ import annotations

import io
import threading
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import uharfbuzz
from bidi import algorithm as bidi_algorithm
from django.conf import settings
from django.utils.translation import to_locale
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

INK = colors.HexColor("#0b0c0c")
MUTED = colors.HexColor("#484949")
LINE = colors.HexColor("#b1b4b6")
BRAND = colors.HexColor("#123560")

FONT_DIR = Path(__file__).with_name("fonts")
REGULAR = "NotoSans"
BOLD = "NotoSans-Bold"
# In the order they are tried for a character. The CJK font has no bold: bold CJK prints regular.
_FALLBACK_FILES: dict[bool, tuple[tuple[str, str], ...]] = {
    False: ((REGULAR, "NotoSans-Regular.ttf"), ("NotoSansArabic", "NotoSansArabic-Regular.ttf"),
            ("NotoSansHebrew", "NotoSansHebrew-Regular.ttf"), ("CJK", "DroidSansFallback-CJK.ttf")),
    True: ((BOLD, "NotoSans-Bold.ttf"), ("NotoSansArabic-Bold", "NotoSansArabic-Bold.ttf"),
           ("NotoSansHebrew-Bold", "NotoSansHebrew-Bold.ttf"), ("CJK", "DroidSansFallback-CJK.ttf")),
}
_FILES = {name: file for faces in _FALLBACK_FILES.values() for name, file in faces}
# Fonts whose scripts need shaping (joining letters, marks placed by the font).
_SHAPED_FONTS = frozenset({"NotoSansArabic", "NotoSansArabic-Bold", "NotoSansHebrew",
                           "NotoSansHebrew-Bold"})

# Any one text is cut to this many characters before it is laid out: far more than a page holds,
# and a bound on the work a hostile 400-line address can cause.
MAX_TEXT_CHARS = 4000
ELLIPSIS = "\u2026"
# Kept: zero-width non-joiner and joiner change how Arabic and Persian letters join.
_KEEP_FORMAT = frozenset("\u200c\u200d")


class _EmbeddedFont(TTFont):
    """A TrueType font embedded as subsets, whose text layer maps every glyph to its text.

    ReportLab's ToUnicode map is written from the character each glyph was asked for. A shaped
    glyph (an Arabic letter's medial form, a lam-alef ligature) has no character of its own: it is
    given a private code here, and the map sends that code to the text the glyph stands for."""

    _private_start = 0xF0000  # Supplementary Private Use Area-A: no font of ours uses it

    def __init__(self, name: str, filename: str) -> None:
        # ASCII-readable: the first subset always holds ASCII, so a document in ASCII always
        # embeds the same subset, made once (see addObjects).
        super().__init__(name, filename, shapable=False, asciiReadable=True)
        self._private_text: dict[int, str] = {}
        self._private_codes: dict[tuple[int, str], int] = {}
        self._lock = threading.Lock()
        self._hb_font: Any = None
        self._subset_cache: dict[tuple[str, tuple[int, ...]], _SubsetParts] = {}
        self.units_per_em: int = self.face.unitsPerEm

    @property
    def hb_font(self) -> Any:
        if self._hb_font is None:
            self._hb_font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob(self.face._ttf_data)))
        return self._hb_font

    def code_for(self, glyph: int, text: str) -> int:
        """The character code that draws `glyph` and reads as `text` in the text layer."""
        if len(text) == 1 and self.face.charToGlyph.get(ord(text)) == glyph:
            return ord(text)
        key = (glyph, text)
        with self._lock:
            code = self._private_codes.get(key)
            if code is None:
                code = self._private_start + len(self._private_codes)
                self._private_codes[key] = code
                self._private_text[code] = text
                self.face.charToGlyph[code] = glyph
                self.face.charWidths[code] = self.face.hmetrics[glyph][0] * 1000 / self.units_per_em
        return code

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - ReportLab's name
        """ReportLab's TTFont.addObjects, with our ToUnicode map, and each subset's font program,
        widths and map made once a process: a document in plain ASCII uses the same subset
        every time, so most documents embed their fonts without subsetting anything."""
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_font_name = (b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
                              .decode("pdfdoc"))
            parts = self._subset_parts(base_font_name, tuple(subset))
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base_font_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = _Preformatted(parts.widths)
            pdf_font.ToUnicode = doc.Reference(_flate_stream(parts.to_unicode),
                                               "toUnicodeCMap:" + base_font_name)
            font_file = _flate_stream(parts.font_program)
            font_file.dictionary["Length1"] = parts.font_program_length
            face = self.face
            pdf_font.FontDescriptor = doc.Reference(pdfdoc.PDFDictionary({
                "Type": "/FontDescriptor", "Ascent": face.ascent, "CapHeight": face.capHeight,
                "Descent": face.descent, "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox), "FontName": pdfdoc.PDFName(base_font_name),
                "ItalicAngle": face.italicAngle, "StemV": face.stemV,
                "FontFile2": doc.Reference(font_file, f"fontFile:{face.filename}({base_font_name})"),
                "MissingWidth": face.defaultWidth,
            }), "fontDescriptor:" + base_font_name)
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]

    def _subset_parts(self, base_font_name: str, subset: tuple[int, ...]) -> _SubsetParts:
        key = (base_font_name, subset)
        parts = self._subset_cache.get(key)
        if parts is None:
            program = self.face.makeSubset(list(subset))
            widths = " ".join(f"{self.face.getCharWidth(code):g}" for code in subset)
            parts = _SubsetParts(
                widths=f"[ {widths} ]".encode(), font_program=zlib.compress(program),
                font_program_length=len(program),
                to_unicode=zlib.compress(_to_unicode_cmap(base_font_name, subset,
                                                          self._private_text).encode()))
            with self._lock:
                if len(self._subset_cache) >= 512:
                    self._subset_cache.clear()
                self._subset_cache[key] = parts
        return parts


@dataclass(frozen=True, slots=True)
class _SubsetParts:
    widths: bytes
    font_program: bytes  # compressed
    font_program_length: int
    to_unicode: bytes  # compressed


class _Preformatted(pdfdoc.PDFObject):
    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


def _flate_stream(compressed: bytes) -> pdfdoc.PDFStream:
    """A stream of content compressed already (once, and cached)."""
    stream = pdfdoc.PDFStream(content=compressed, filters=[])
    stream.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")
    return stream


def _to_unicode_cmap(name: str, subset: Sequence[int], private: dict[int, str]) -> str:
    entries = []
    for index, code in enumerate(subset):
        text = private.get(code, chr(code) if code else "")
        if text:
            entries.append(f"<{index:02X}> <{text.encode('utf-16-be').hex().upper()}>")
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
             f"/CMapName /{name} def", "/CMapType 2 def", "1 begincodespacerange",
             f"<00> <{max(len(subset) - 1, 0):02X}>", "endcodespacerange"]
    for start in range(0, len(entries), 100):  # at most 100 entries a block
        block = entries[start:start + 100]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


_registration = threading.Lock()


def _font(name: str) -> _EmbeddedFont:
    """The font registered under `name`, loaded from lib/fonts/ the first time it is needed."""
    try:
        font = pdfmetrics.getFont(name)
    except KeyError:
        with _registration:
            try:
                font = pdfmetrics.getFont(name)
            except KeyError:
                font = _EmbeddedFont(name, str(FONT_DIR / _FILES[name]))
                pdfmetrics.registerFont(font)
    assert isinstance(font, _EmbeddedFont)
    return font


# The two faces every document uses are loaded at import (about 30 ms, once a process); the
# Arabic, Hebrew and CJK ones the first time a text needs them.
_font(REGULAR)
_font(BOLD)
pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


@lru_cache(maxsize=16384)
def _font_for(char: str, bold: bool) -> str:
    """The first font that has `char`; the main one if none has (it prints a blank box)."""
    code = ord(char)
    for name, _file in _FALLBACK_FILES[bold]:
        if code in _font(name).face.charToGlyph:
            return name
    return _FALLBACK_FILES[bold][0][0]


# --- one line of text ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Run:
    """Text in one font, `x` from the line's start; sizes are per point of font size.

    A plain run is drawn as a string. A shaped run's `text` holds one character code a glyph,
    each drawn at its `offsets` (x, y) from the run's start."""

    font: str
    text: str
    x: float
    offsets: tuple[tuple[float, float], ...] | None = None


@dataclass(frozen=True, slots=True)
class _Line:
    runs: tuple[_Run, ...]
    width: float  # per point of font size


def clean_text(text: object) -> str:
    """One line of printable text: NFC, whitespace made spaces, control and bidirectional
    formatting characters (which could reorder what is printed) dropped."""
    text = str(text)[:MAX_TEXT_CHARS]
    if text.isascii() and text.isprintable():  # most text, as it is
        return text
    return _clean_unicode(text)


@lru_cache(maxsize=4096)
def _clean_unicode(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    out = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace():
            out.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf" and char not in _KEEP_FORMAT):
            continue
        else:
            out.append(char)
    return "".join(out)


def _levels(text: str) -> list[int] | None:
    """Each character's bidirectional level (UAX #9, paragraph level from the first strong
    letter), or None for a text with no right-to-left letter."""
    if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return None
    storage = bidi_algorithm.get_empty_storage()
    base = bidi_algorithm.get_base_level(text)
    storage["base_level"] = base
    storage["base_dir"] = ("L", "R")[base]
    bidi_algorithm.get_embedding_levels(text, storage, False, False)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    bidi_algorithm.explicit_embed_and_overrides(storage, False)
    bidi_algorithm.resolve_weak_types(storage, False)
    bidi_algorithm.resolve_neutral_types(storage, False)
    bidi_algorithm.resolve_implicit_levels(storage, False)
    levels: list[int | None] = [None] * len(text)
    for char in storage["chars"]:
        levels[char["index"]] = char["level"]
    resolved, previous = [], base
    for level in levels:  # a character the algorithm set aside takes its neighbour's level
        previous = previous if level is None else level
        resolved.append(previous)
    return resolved


def _visual_runs(text: str, levels: list[int]) -> list[tuple[str, int]]:
    """Runs of one level, in the order they are seen (rule L2 of UAX #9)."""
    runs: list[tuple[str, int]] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or levels[index] != levels[start]:
            runs.append((text[start:index], levels[start]))
            start = index
    highest = max(levels)
    lowest_odd = min(level for level in levels if level % 2) if any(lv % 2 for lv in levels) else 1
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(runs):
            if runs[index][1] >= level:
                end = index
                while end < len(runs) and runs[end][1] >= level:
                    end += 1
                runs[index:end] = runs[index:end][::-1]
                index = end
            else:
                index += 1
    return runs


def _font_pieces(text: str, bold: bool) -> list[tuple[str, str]]:
    """`text` split by font; a character the main font has (a space, a digit, a comma) stays in
    the font before it, if that font has it too."""
    main = _FALLBACK_FILES[bold][0][0]
    pieces: list[tuple[str, str]] = []
    current = ""
    chunk: list[str] = []
    for char in text:
        font = _font_for(char, bold)
        if current and font != current and font == main and ord(char) in _font(current).face.charToGlyph:
            font = current
        if font != current and chunk:
            pieces.append((current, "".join(chunk)))
            chunk = []
        current = font
        chunk.append(char)
    if chunk:
        pieces.append((current, "".join(chunk)))
    return pieces


def _shape(font_name: str, text: str, rtl: bool, x: float) -> tuple[_Run, float]:
    font = _font(font_name)
    buffer = uharfbuzz.Buffer()
    buffer.add_codepoints([ord(c) for c in text])
    buffer.direction = "rtl" if rtl else "ltr"
    buffer.guess_segment_properties()
    uharfbuzz.shape(font.hb_font, buffer, {"kern": True, "liga": True})
    infos, positions = buffer.glyph_infos, buffer.glyph_positions
    # Each glyph reads as the characters of its cluster, up to the next cluster's first.
    starts = sorted({info.cluster for info in infos}) + [len(text)]
    following = {start: starts[i + 1] for i, start in enumerate(starts[:-1])}
    scale = 1 / font.units_per_em
    codes, offsets, seen = [], [], set()
    pen = 0.0
    # Glyphs in visual order, as every PDF holds them (readers of the text layer put a
    # right-to-left run back in reading order); a cluster's text goes to its first glyph.
    for info, position in zip(infos, positions, strict=True):
        cluster = info.cluster
        cluster_text = "" if cluster in seen else text[cluster:following[cluster]]
        seen.add(cluster)
        codes.append(chr(font.code_for(info.codepoint, cluster_text)))
        offsets.append((pen + position.x_offset * scale, position.y_offset * scale))
        pen += position.x_advance * scale
    return _Run(font_name, "".join(codes), x, tuple(offsets)), pen


def _needs_shaping(font: str, text: str) -> bool:
    return font in _SHAPED_FONTS or any(unicodedata.combining(c) for c in text)


@lru_cache(maxsize=4096)
def _layout(text: str, bold: bool) -> _Line:
    """`text` (cleaned) as runs in visual order, measured per point of font size."""
    levels = _levels(text)
    level_runs = _visual_runs(text, levels) if levels else [(text, 0)]
    runs: list[_Run] = []
    x = 0.0
    for run_text, level in level_runs:
        rtl = level % 2 == 1
        pieces = _font_pieces(run_text, bold)
        for font, piece in reversed(pieces) if rtl else pieces:
            if rtl or _needs_shaping(font, piece):
                run, advance = _shape(font, piece, rtl, x)
            else:
                advance = pdfmetrics.stringWidth(piece, font, 1)
                if runs and runs[-1].offsets is None and runs[-1].font == font:
                    runs[-1] = _Run(font, runs[-1].text + piece, runs[-1].x)
                    x += advance
                    continue
                run = _Run(font, piece, x)
            runs.append(run)
            x += advance
    return _Line(tuple(runs), x)


def text_width(text: str, *, size: float, bold: bool = False) -> float:
    return _layout(clean_text(text), bold).width * size


Align = Literal["left", "right", "centre"]


def draw_text(canvas: Canvas, x: float, y: float, text: str, *, size: float, bold: bool = False,
              align: Align = "left", max_width: float | None = None) -> float:
    """Draw one line of any script at (x, y), cut with an ellipsis to `max_width` if given;
    returns the width drawn. `x` is the left edge, or the right edge or centre if aligned so."""
    text = clean_text(text)
    if max_width is not None:
        text = _ellipsize(text, size=size, bold=bold, width=max_width)
    line = _layout(text, bold)
    width = line.width * size
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    if len(line.runs) == 1 and line.runs[0].offsets is None:  # most text: one string, one font
        canvas.setFont(line.runs[0].font, size)
        canvas.drawString(x, y, line.runs[0].text)
        return width
    # One text object a line (a text layer reads it as one line), a string a run; a shaped run
    # glyph by glyph, each where the shaper put it.
    text_object = canvas.beginText()
    for run in line.runs:
        left = x + run.x * size
        text_object.setFont(run.font, size)
        if run.offsets is None:
            text_object.setTextOrigin(left, y)
            text_object.textOut(run.text)
            continue
        for code, (gx, gy) in zip(run.text, run.offsets, strict=True):
            text_object.setTextOrigin(left + gx * size, y + gy * size)
            text_object.textOut(code)
    canvas.drawText(text_object)
    return width


# --- wrapping, shrinking, bounding --------------------------------------------------------


def _longest_fitting(text: str, *, size: float, bold: bool, width: float, suffix: str = "") -> int:
    """How many leading characters of `text` (plus `suffix`) fit in `width`; at least one.
    No more are tried than six a font size's width (no letter is narrower than a sixth of an
    em): a line is never measured at thousands of characters."""
    low, high = 1, min(len(text), int(width / size * 6) + 8)
    while low < high:
        middle = (low + high + 1) // 2
        if _layout(text[:middle].rstrip() + suffix, bold).width * size <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _ellipsize(text: str, *, size: float, bold: bool, width: float) -> str:
    if _layout(text, bold).width * size <= width:
        return text
    keep = _longest_fitting(text, size=size, bold=bold, width=width, suffix=ELLIPSIS)
    return text[:keep].rstrip() + ELLIPSIS


def _wrap_paragraph(text: str, *, size: float, bold: bool, width: float, limit: int) -> list[str]:
    """Greedy wrapping at spaces; a word wider than the line is broken between characters
    (Chinese and Japanese are written without spaces). Stops after `limit` lines."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if _layout(candidate, bold).width * size <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
            if len(lines) > limit:
                return lines
        line = word
        while len(line) > 1:
            keep = _longest_fitting(line, size=size, bold=bold, width=width)
            if keep >= len(line):
                break
            lines.append(line[:keep])
            if len(lines) > limit:
                return lines
            line = line[keep:].lstrip()
    if line:
        lines.append(line)
    return lines


def wrap_text(text: object, *, width: float, size: float, bold: bool = False,
              max_lines: int | None = None) -> list[str]:
    """`text` as lines no wider than `width`, its own line breaks kept, blank lines dropped; at most
    `max_lines`, the last ending in an ellipsis if some was left out."""
    limit = max_lines if max_lines is not None else MAX_TEXT_CHARS
    lines: list[str] = []
    for paragraph in str(text)[:MAX_TEXT_CHARS].splitlines():
        paragraph = " ".join(clean_text(paragraph).split())
        if not paragraph:
            continue
        lines += _wrap_paragraph(paragraph, size=size, bold=bold, width=width, limit=limit - len(lines))
        if len(lines) > limit:
            break
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = _ellipsize(lines[-1] + ELLIPSIS, size=size, bold=bold, width=width)
    return lines


def fit_text(text: object, *, width: float, size: float, min_size: float, bold: bool = False,
             max_lines: int = 2) -> tuple[float, list[str]]:
    """A name on one line at `size`, or smaller down to `min_size`; past that, wrapped at
    `min_size` onto at most `max_lines`. Returns the size and the lines."""
    line = " ".join(clean_text(text).split())
    natural = _layout(line, bold).width
    if natural * size <= width:
        return size, [line]
    if natural * min_size <= width:
        return width / natural, [line]
    return min_size, wrap_text(line, width=width, size=min_size, bold=bold, max_lines=max_lines)


# --- documents ----------------------------------------------------------------------------


def document_language() -> str:
    """The language the documents are written in, as PDF's /Lang wants it ("en-GB")."""
    return to_locale(settings.LANGUAGE_CODE).replace("_", "-")


def new_canvas(buffer: io.BytesIO, *, title: str, author: str, subject: str = "",
               page_compression: int = 0) -> Canvas:
    """An A4 canvas whose PDF carries its title, author and language, and shows the title."""
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=page_compression,
                    lang=document_language(), initialFontName=REGULAR)
    _describe(canvas, title=title, author=author, subject=subject)
    return canvas


def _describe(canvas: Canvas, *, title: str, author: str, subject: str = "") -> None:
    canvas.setTitle(clean_text(title))
    canvas.setAuthor(clean_text(author))
    if subject:
        canvas.setSubject(clean_text(subject))
    canvas.setViewerPreference("DisplayDocTitle", "true")


_base = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("title", parent=_base["Title"], fontName=BOLD, fontSize=20,
                            leading=24, alignment=0, textColor=BRAND, spaceAfter=4 * mm),
    "h2": ParagraphStyle("h2", parent=_base["Heading2"], fontName=BOLD, fontSize=12,
                         leading=15, textColor=INK, spaceBefore=4 * mm, spaceAfter=2 * mm),
    "body": ParagraphStyle("body", parent=_base["BodyText"], fontName=REGULAR, fontSize=10,
                           leading=13, textColor=INK),
    "small": ParagraphStyle("small", parent=_base["BodyText"], fontName=REGULAR, fontSize=8.5,
                            leading=11, textColor=MUTED),
    "right": ParagraphStyle("right", parent=_base["BodyText"], fontName=REGULAR, fontSize=10,
                            leading=13, alignment=TA_RIGHT),
    "right_bold": ParagraphStyle("right_bold", parent=_base["BodyText"], fontName=BOLD,
                                 fontSize=10, leading=13, alignment=TA_RIGHT),
}


class TextBlock(Flowable):
    """Plain text in any script as a flowable: wrapped to the width it is given, at most
    `max_lines` lines (the last with an ellipsis), the first in bold if asked; splits across
    pages between lines."""

    def __init__(self, text: str, style: ParagraphStyle, *, bold_first_line: bool = False,
                 max_lines: int | None = None, spaced: bool = True,
                 _lines: list[tuple[str, bool]] | None = None) -> None:
        super().__init__()
        self.spaced = spaced  # the style's space before and after, or none (lines of one block)
        self.text = text
        self.style = style
        self.bold_first_line = bold_first_line
        self.max_lines = max_lines
        self.bold = style.fontName == BOLD
        self._lines = _lines
        self._laid_out_for: float | None = None if _lines is None else -1.0

    def _lay_out(self, width: float) -> list[tuple[str, bool]]:
        if self._lines is not None and (self._laid_out_for == width or self._laid_out_for == -1.0):
            return self._lines
        size = self.style.fontSize
        lines: list[tuple[str, bool]] = []
        paragraphs = str(self.text)[:MAX_TEXT_CHARS].split("\n")
        if self.bold_first_line and paragraphs:
            head = wrap_text(paragraphs[0], width=width, size=size, bold=True, max_lines=self.max_lines)
            lines = [(line, True) for line in head]
            paragraphs = paragraphs[1:]
        remaining = None if self.max_lines is None else max(self.max_lines - len(lines), 0)
        if remaining != 0:
            lines += [(line, self.bold) for line in
                      wrap_text("\n".join(paragraphs), width=width, size=size, bold=self.bold,
                                max_lines=remaining)]
        self._lines, self._laid_out_for = lines, width
        return lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        lines = self._lay_out(availWidth)
        self.height = len(lines) * self.style.leading
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        lines = self._lay_out(availWidth)
        fits = int(availHeight // self.style.leading)
        if fits <= 0 or fits >= len(lines):
            return [] if fits <= 0 else [self]
        return [TextBlock(self.text, self.style, spaced=self.spaced, _lines=lines[:fits]),
                TextBlock(self.text, self.style, spaced=False, _lines=lines[fits:])]

    def getSpaceBefore(self) -> float:  # noqa: N802 - ReportLab's name
        return float(self.style.spaceBefore) if self.spaced else 0.0

    def getSpaceAfter(self) -> float:  # noqa: N802 - ReportLab's name
        return float(self.style.spaceAfter) if self.spaced else 0.0

    def draw(self) -> None:
        canvas = self.canv
        size, leading = self.style.fontSize, self.style.leading
        canvas.setFillColor(self.style.textColor)
        alignment = self.style.alignment
        align: Align = "right" if alignment == TA_RIGHT else "centre" if alignment == TA_CENTER else "left"
        x = {"left": 0.0, "right": self.width, "centre": self.width / 2}[align]
        # The baseline sits where ReportLab's Paragraph puts it: one font size down the line.
        for index, (line, bold) in enumerate(self._lines or []):
            draw_text(canvas, x, self.height - index * leading - size, line, size=size, bold=bold,
                      align=align)


def para(text: str, style: str = "body", *, bold_first_line: bool = False,
         max_lines: int | None = None, spaced: bool = True) -> TextBlock:
    """A block of plain text in any script, line breaks kept (the first line in bold, if asked),
    at most `max_lines` lines; `spaced=False` drops the style's space before and after."""
    return TextBlock(text, STYLES[style], bold_first_line=bold_first_line, max_lines=max_lines,
                     spaced=spaced)


# Bounds for a person's words on a document: a name wraps onto at most NAME_LINES lines, an
# address onto ADDRESS_LINES, a free-text note onto NOTE_LINES; the last line kept ends in "…".
NAME_LINES = 3
ADDRESS_LINES = 8
NOTE_LINES = 20


def address_block(heading: str, name: str, address: str, *more: str) -> list[Flowable]:
    """A party to a document, for a table cell: the heading in bold, then the name, the address
    and any further lines (an email, a VAT number), each bounded."""
    return [para(heading, bold_first_line=True, max_lines=1),
            para(name, max_lines=NAME_LINES, spaced=False),
            para(address, max_lines=ADDRESS_LINES, spaced=False),
            *(para(line, max_lines=2, spaced=False) for line in more if line)]


def table(rows: Sequence[Sequence[object]], widths: Sequence[float], *, header: bool = True,
          total_rows: int = 0, numeric_from: int | None = None) -> Table:
    """A plain table; columns from `numeric_from` on are right-aligned (amounts). Cells that may
    hold a person's words should be `para()`s: a plain string cell is drawn in Noto Sans alone."""
    t = Table([list(r) for r in rows], colWidths=list(widths), hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 9.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style += [("FONTNAME", (0, 0), (-1, 0), BOLD),
                  ("LINEBELOW", (0, 0), (-1, 0), 1, INK)]
    if total_rows:
        style += [("FONTNAME", (0, -total_rows), (-1, -1), BOLD)]
    if numeric_from is not None:
        style += [("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT")]
    t.setStyle(TableStyle(style))
    return t


def render(story: list[Flowable], *, title: str, author: str, subject: str = "") -> bytes:
    """The story as an A4 PDF carrying its title, author and language."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title=clean_text(title),
                            author=clean_text(author), subject=clean_text(subject),
                            lang=document_language(), displayDocTitle=True, invariant=1,
                            initialFontName=REGULAR)
    doc.build(story)
    return buffer.getvalue()


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


CONTENT_WIDTH = A4[0] - 36 * mm
