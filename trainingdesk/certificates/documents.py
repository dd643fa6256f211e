"""The one-page Advanced Certificate PDF (issue 11, item 5), drawn straight onto a ReportLab
canvas as the Attendance Confirmation is (`attendance.documents`), with a QR code and a link to
its public verification page (`lib.verification`).

A pure renderer: `certificate_pdf(CertificateData) -> bytes` reads nothing from the database.
The certificates model builds `CertificateData` from its immutable record, so a certificate
printed again years later prints exactly what was issued (and, if it has since been revoked or
superseded, says so across the page).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from trainingdesk.lib.pdf import (
    BRAND,
    INK,
    LINE,
    MUTED,
    draw_text,
    fit_text,
    new_canvas,
    wrap_text,
)
from trainingdesk.lib.verification import draw_qr, verification_url
from trainingdesk.lib.zones import format_short_day

# At most this many levels are listed; a pathway has two (Foundation and Advanced), and the page
# keeps room for four. Any beyond are summed up in one line rather than running off the page.
MAX_LEVELS_LISTED = 4
MARK_COLOUR = colors.HexColor("#d4351c")


@dataclass(frozen=True, slots=True)
class LevelCompleted:
    """A level of the pathway the holder completed: 'Foundation', its accreditation
    ('NVRA Level 1'), and the date its Attendance Confirmation records as its last day; or, for
    a level done with another provider and accepted as equivalent, that `provider` and the date
    the holder gave."""

    name: str
    completed_on: dt.date
    accreditation: str = ""
    provider: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} (with {self.provider})" if self.provider else self.name


@dataclass(frozen=True, slots=True)
class CertificateData:
    """Everything a certificate prints, as issued. `levels` in the order they were completed;
    `supervision_hours` of group supervision, and/or `own_supervisor` when the holder's own
    supervisor stood in for them. A superseded certificate is one reissued (a corrected name):
    it is no longer valid either, and says where to check its replacement."""

    holder_name: str
    award_name: str  # "PartnershipProjects Advanced Certificate in NVR Practice"
    provider_name: str
    issued_on: dt.date
    code: str
    levels: tuple[LevelCompleted, ...] = ()
    supervision_hours: Decimal = Decimal(0)
    own_supervisor: bool = False
    provider_accreditation: str = ""
    superseded: bool = False
    revoked: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.levels, tuple):  # a list given: kept immutable, as the record is
            object.__setattr__(self, "levels", tuple(self.levels))

    @property
    def title(self) -> str:
        """The PDF's title: what it awards, and to whom."""
        return f"{self.award_name}: {self.holder_name}"

    @property
    def supervision(self) -> str:
        """'24 hours of group supervision', 'Supervised by their own supervisor', or both."""
        parts = []
        if self.supervision_hours > 0:
            hours = format(self.supervision_hours.normalize(), "f")
            parts.append(f"{hours} hour{'' if self.supervision_hours == 1 else 's'} of group supervision")
        if self.own_supervisor:
            parts.append("supervision with their own supervisor")
        if not parts:
            return ""
        text = " and ".join(parts)
        return text[0].upper() + text[1:]

    @property
    def marking(self) -> str:
        """What a certificate no longer valid prints across its page; empty while it stands."""
        if self.superseded:
            return "SUPERSEDED"
        if self.revoked:
            return "REVOKED"
        return ""


PAGE = landscape(A4)  # 297 x 210 mm
MARGIN = 22 * mm


def certificate_pdf(data: CertificateData) -> bytes:
    """One A4 landscape page, centred: the provider, the award, the holder's name (any script;
    shrinks from 30 pt to 14 pt, then wraps onto at most three lines), the levels completed with
    their dates, the supervision, the date of issue, and at the foot the verification block:
    the address and code in words, a QR code of the address, and a link over both.

    Every text is bounded (cut with an ellipsis or wrapped onto a fixed number of lines), so the
    body never reaches the verification block whatever it is given."""
    buffer = io.BytesIO()
    width, height = PAGE
    pdf = new_canvas(buffer, title=data.title, author=data.provider_name,
                     subject=f"Verification code {data.code}")
    pdf.setPageSize(PAGE)
    centre = width / 2
    measure = width - 2 * MARGIN - 20 * mm

    # A frame, as a certificate has.
    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(1.5)
    pdf.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    pdf.setStrokeColor(LINE)
    pdf.setLineWidth(0.5)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)

    y = height - 28 * mm
    pdf.setFillColor(BRAND)
    draw_text(pdf, centre, y, data.provider_name, size=13, bold=True, align="centre",
              max_width=measure)
    if data.provider_accreditation:
        y -= 6 * mm
        pdf.setFillColor(MUTED)
        draw_text(pdf, centre, y, data.provider_accreditation, size=10, align="centre",
                  max_width=measure)

    pdf.setFillColor(INK)
    y -= 13 * mm
    draw_text(pdf, centre, y, "This is to certify that", size=13, align="centre")
    y -= 14 * mm
    size, lines = fit_text(data.holder_name, width=measure, size=30, min_size=14, bold=True,
                           max_lines=3)
    pdf.setFillColor(BRAND)
    for index, line in enumerate(lines):
        if index:
            y -= size * 1.2
        draw_text(pdf, centre, y, line, size=size, bold=True, align="centre")
    pdf.setFillColor(INK)
    y -= 11 * mm
    draw_text(pdf, centre, y, "has been awarded the", size=13, align="centre")
    y -= 10 * mm
    y = _draw_centred(pdf, centre, y, data.award_name, size=18, width=measure, bold=True)

    y -= 11 * mm
    y = _draw_levels(pdf, y, data.levels, width=width)
    if data.supervision:
        y -= 7 * mm
        draw_text(pdf, centre, y, data.supervision, size=11, align="centre", max_width=measure)

    # The foot: date of issue and verification on the left, the QR code on the right.
    qr_size = 34 * mm
    qr_x, qr_y = width - MARGIN - qr_size, 16 * mm
    url = verification_url(data.code)
    text_width = qr_x - MARGIN - 6 * mm
    draw_text(pdf, MARGIN, 44 * mm, f"Issued {format_short_day(data.issued_on)} by {data.provider_name}.",
              size=11, max_width=text_width)
    pdf.setStrokeColor(LINE)
    pdf.line(MARGIN, 39 * mm, qr_x - 6 * mm, 39 * mm)
    draw_text(pdf, MARGIN, 33 * mm, "Check this certificate online, or scan the code:", size=10)
    draw_text(pdf, MARGIN, 27.5 * mm, url, size=10, bold=True, max_width=text_width)
    draw_text(pdf, MARGIN, 22 * mm, f"Verification code: {data.code}", size=10)
    draw_qr(pdf, url, qr_x, qr_y, qr_size)
    # One link over the address and one over the QR code, for a reader on a screen.
    pdf.linkURL(url, (MARGIN, 26 * mm, qr_x - 6 * mm, 31.5 * mm), relative=0, thickness=0)
    pdf.linkURL(url, (qr_x, qr_y, qr_x + qr_size, qr_y + qr_size), relative=0, thickness=0)

    if data.marking:
        _draw_marking(pdf, data, width=width, height=height, measure=measure)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_centred(pdf: Canvas, x: float, y: float, text: str, *, size: float, width: float,
                  bold: bool = False, max_lines: int = 2) -> float:
    """`text` centred on at most `max_lines` lines from the baseline `y`; the last baseline."""
    for index, line in enumerate(wrap_text(text, width=width, size=size, bold=bold, max_lines=max_lines)):
        if index:
            y -= size * 1.25
        draw_text(pdf, x, y, line, size=size, bold=bold, align="centre")
    return y


def _draw_levels(pdf: Canvas, y: float, levels: Sequence[LevelCompleted], *, width: float) -> float:
    """The levels completed as a small centred table: level, accreditation, completed on."""
    if not levels:
        return y
    table_width = 190 * mm
    left = (width - table_width) / 2
    right = left + table_width
    level_x, accreditation_x = left, left + 70 * mm
    draw_text(pdf, level_x, y, "Level completed", size=10, bold=True)
    draw_text(pdf, accreditation_x, y, "Accreditation", size=10, bold=True)
    draw_text(pdf, right, y, "Completed", size=10, bold=True, align="right")
    pdf.setStrokeColor(LINE)
    pdf.setLineWidth(0.5)
    shown = levels[:MAX_LEVELS_LISTED]
    if len(levels) > MAX_LEVELS_LISTED:
        shown = levels[:MAX_LEVELS_LISTED - 1]
    for level in shown:
        y -= 2 * mm
        pdf.line(left, y, right, y)
        y -= 5 * mm
        draw_text(pdf, level_x, y, level.label, size=10, max_width=66 * mm)
        draw_text(pdf, accreditation_x, y, level.accreditation, size=10, max_width=80 * mm)
        draw_text(pdf, right, y, format_short_day(level.completed_on), size=10, align="right")
    if len(shown) < len(levels):
        y -= 2 * mm
        pdf.line(left, y, right, y)
        y -= 5 * mm
        rest = levels[len(shown):]
        draw_text(pdf, level_x, y, f"and {len(rest)} further levels, the last completed "
                  f"{format_short_day(max(level.completed_on for level in rest))}", size=10,
                  max_width=table_width)
    y -= 2 * mm
    pdf.line(left, y, right, y)
    return y


def _draw_marking(pdf: Canvas, data: CertificateData, *, width: float, height: float,
                  measure: float) -> None:
    """A certificate no longer valid: its word across the page, and a sentence at the top."""
    pdf.saveState()
    pdf.setFillColor(MARK_COLOUR, alpha=0.18)
    pdf.translate(width / 2, height / 2)
    pdf.rotate(24)
    draw_text(pdf, 0, -20, data.marking, size=96, bold=True, align="centre")
    pdf.restoreState()
    if data.superseded:
        sentence = ("SUPERSEDED: this certificate was replaced by a new one and is no longer valid. "
                    "Check online for the current certificate.")
    else:
        sentence = "REVOKED: this certificate has been revoked and is no longer valid."
    pdf.setFillColor(MARK_COLOUR)
    draw_text(pdf, width / 2, height - 18 * mm, sentence, size=11, bold=True, align="centre",
              max_width=measure + 10 * mm)
    pdf.setFillColor(INK)
