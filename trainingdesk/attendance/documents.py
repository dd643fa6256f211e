"""The one-page Attendance Confirmation PDF, drawn straight onto a ReportLab canvas (no
layout engine), with a QR code that opens its public verification page (`lib.verification`)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.lib.pdf import BRAND, INK, LINE, MUTED, draw_text, fit_text, new_canvas, wrap_text
from trainingdesk.lib.verification import draw_qr, verification_url
from trainingdesk.lib.zones import format_short_day


def confirmation_pdf(confirmation: AttendanceConfirmation) -> bytes:
    """One A4 page. Names and titles print in any script (`lib.pdf`); a long name shrinks to
    12 pt and then wraps onto up to three lines, and every other line is cut with an ellipsis or
    wrapped, so no text runs off the page or into the verification block."""
    buffer = io.BytesIO()
    width, height = A4
    pdf = new_canvas(buffer, title=confirmation.title, author=confirmation.provider_name)
    left = 22 * mm
    measure = width - 2 * left
    y = height - 30 * mm

    pdf.setFillColor(BRAND)
    draw_text(pdf, left, y, confirmation.provider_name, size=12, bold=True, max_width=measure)
    y -= 22 * mm
    draw_text(pdf, left, y, "Attendance Confirmation", size=26, bold=True)
    pdf.setFillColor(INK)
    y -= 16 * mm
    draw_text(pdf, left, y, "This confirms that", size=12)
    y -= 11 * mm
    size, lines = fit_text(confirmation.holder_name, width=measure, size=22, min_size=12, bold=True,
                           max_lines=3)
    for index, line in enumerate(lines):
        if index:
            y -= size * 1.2
        draw_text(pdf, left, y, line, size=size, bold=True)
    y -= 11 * mm
    y = _draw_wrapped(pdf, left, y, f"attended every day of the {confirmation.level_name} Level "
                      "training of", size=12, width=measure)
    y -= 7 * mm
    y = _draw_wrapped(pdf, left, y, confirmation.programme_name, size=13, width=measure, bold=True)
    if confirmation.accreditation:
        y -= 7 * mm
        y = _draw_wrapped(pdf, left, y, f"Accreditation: {confirmation.accreditation}", size=12,
                          width=measure)

    y -= 14 * mm
    draw_text(pdf, left, y, "Day", size=11, bold=True)
    draw_text(pdf, left + 20 * mm, y, "Date", size=11, bold=True)
    draw_text(pdf, left + 75 * mm, y, "Run", size=11, bold=True)
    draw_text(pdf, width - left, y, "Hours", size=11, bold=True, align="right")
    pdf.setStrokeColor(LINE)
    for day in confirmation.days:
        y -= 2.5 * mm
        pdf.line(left, y, width - left, y)
        y -= 5.5 * mm
        draw_text(pdf, left, y, str(day["number"]), size=11)
        draw_text(pdf, left + 20 * mm, y, format_short_day(dt.date.fromisoformat(day["date"])), size=11)
        draw_text(pdf, left + 75 * mm, y, str(day["run"]), size=11, max_width=measure - 95 * mm)
        draw_text(pdf, width - left, y, str(day["hours"]), size=11, align="right")
    y -= 2.5 * mm
    pdf.line(left, y, width - left, y)
    y -= 6 * mm
    draw_text(pdf, left, y, "Total hours attended", size=11, bold=True)
    draw_text(pdf, width - left, y, f"{confirmation.hours_attended}", size=11, bold=True, align="right")

    y -= 16 * mm
    y = _draw_wrapped(pdf, left, y, f"Issued {format_short_day(timezone.localdate(confirmation.issued_at))} "
                      f"by {confirmation.provider_name}.", size=11, width=measure)
    if confirmation.provider_accreditation:
        y -= 6 * mm
        pdf.setFillColor(MUTED)
        _draw_wrapped(pdf, left, y, confirmation.provider_accreditation, size=11, width=measure)
        pdf.setFillColor(INK)

    url = verification_url(confirmation.code)
    qr_size = 32 * mm
    draw_qr(pdf, url, width - left - qr_size, 22 * mm, qr_size)
    draw_text(pdf, left, 38 * mm, "Check this confirmation online:", size=10)
    draw_text(pdf, left, 32 * mm, url, size=10, bold=True)
    draw_text(pdf, left, 26 * mm, f"Verification code: {confirmation.code}", size=10)
    if confirmation.revoked_at:
        pdf.setFillColor(BRAND)
        draw_text(pdf, left, 48 * mm, "REVOKED: this confirmation is no longer valid.", size=14, bold=True)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_wrapped(pdf: Canvas, x: float, y: float, text: str, *, size: float, width: float,
                  bold: bool = False, max_lines: int = 2) -> float:
    """Draw `text` on at most `max_lines` lines from the baseline `y`; returns the last baseline."""
    for index, line in enumerate(wrap_text(text, width=width, size=size, bold=bold, max_lines=max_lines)):
        if index:
            y -= size * 1.25
        draw_text(pdf, x, y, line, size=size, bold=bold)
    return y


def render_confirmation_attachment(confirmation_id: int) -> tuple[str, bytes, str]:
    confirmation = AttendanceConfirmation.objects.get(pk=confirmation_id)
    filename = f"attendance-confirmation-{confirmation.code}.pdf"
    return filename, confirmation_pdf(confirmation), "application/pdf"
