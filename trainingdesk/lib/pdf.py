"""Small ReportLab helpers shared by every document we issue (invoices, confirmations,
certificates): A4, one type scale, plain tables. No system libraries; a page in milliseconds."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

INK = colors.HexColor("#0b0c0c")
MUTED = colors.HexColor("#484949")
LINE = colors.HexColor("#b1b4b6")
BRAND = colors.HexColor("#123560")

_base = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("title", parent=_base["Title"], fontName="Helvetica-Bold", fontSize=20,
                            leading=24, alignment=0, textColor=BRAND, spaceAfter=4 * mm),
    "h2": ParagraphStyle("h2", parent=_base["Heading2"], fontName="Helvetica-Bold", fontSize=12,
                         leading=15, textColor=INK, spaceBefore=4 * mm, spaceAfter=2 * mm),
    "body": ParagraphStyle("body", parent=_base["BodyText"], fontName="Helvetica", fontSize=10,
                           leading=13, textColor=INK),
    "small": ParagraphStyle("small", parent=_base["BodyText"], fontName="Helvetica", fontSize=8.5,
                            leading=11, textColor=MUTED),
    "right": ParagraphStyle("right", parent=_base["BodyText"], fontName="Helvetica", fontSize=10,
                            leading=13, alignment=TA_RIGHT),
    "right_bold": ParagraphStyle("right_bold", parent=_base["BodyText"], fontName="Helvetica-Bold",
                                 fontSize=10, leading=13, alignment=TA_RIGHT),
}


def para(text: str, style: str = "body", *, bold_first_line: bool = False) -> Paragraph:
    """A paragraph of plain text: escaped, with line breaks kept (the first in bold, if asked)."""
    lines = escape(text).split("\n")
    if bold_first_line and lines:
        lines[0] = f"<b>{lines[0]}</b>"
    return Paragraph("<br/>".join(lines), STYLES[style])


def table(rows: Sequence[Sequence[object]], widths: Sequence[float], *, header: bool = True,
          total_rows: int = 0, numeric_from: int | None = None) -> Table:
    """A plain table; columns from `numeric_from` on are right-aligned (amounts)."""
    t = Table([list(r) for r in rows], colWidths=list(widths), hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), "Helvetica"),
        ("FONTSIZE", (0, 0), (-1, -1), 9.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style += [("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                  ("LINEBELOW", (0, 0), (-1, 0), 1, INK)]
    if total_rows:
        style += [("FONTNAME", (0, -total_rows), (-1, -1), "Helvetica-Bold")]
    if numeric_from is not None:
        style += [("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT")]
    t.setStyle(TableStyle(style))
    return t


def render(story: list[Flowable], *, title: str, author: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title=title, author=author,
                            invariant=1)
    doc.build(story)
    return buffer.getvalue()


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


CONTENT_WIDTH = A4[0] - 36 * mm
