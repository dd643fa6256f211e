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
from trainingdesk.lib.pdf import BRAND, INK, LINE, MUTED
from trainingdesk.lib.verification import draw_qr, verification_url
from trainingdesk.lib.zones import format_short_day


def confirmation_pdf(confirmation: AttendanceConfirmation) -> bytes:
    buffer = io.BytesIO()
    width, height = A4
    pdf = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=0)
    pdf.setTitle(confirmation.title)
    pdf.setAuthor(confirmation.provider_name)
    left = 22 * mm
    y = height - 30 * mm

    pdf.setFillColor(BRAND)
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(left, y, confirmation.provider_name)
    y -= 22 * mm
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawString(left, y, "Attendance Confirmation")
    pdf.setFillColor(INK)
    y -= 16 * mm
    pdf.setFont("Helvetica", 12)
    pdf.drawString(left, y, "This confirms that")
    y -= 11 * mm
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawString(left, y, confirmation.holder_name)
    y -= 11 * mm
    pdf.setFont("Helvetica", 12)
    pdf.drawString(left, y, f"attended every day of the {confirmation.level_name} Level training of")
    y -= 7 * mm
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(left, y, confirmation.programme_name)
    if confirmation.accreditation:
        y -= 7 * mm
        pdf.setFont("Helvetica", 12)
        pdf.drawString(left, y, f"Accreditation: {confirmation.accreditation}")

    y -= 14 * mm
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(left, y, "Day")
    pdf.drawString(left + 20 * mm, y, "Date")
    pdf.drawString(left + 75 * mm, y, "Run")
    pdf.drawRightString(width - left, y, "Hours")
    pdf.setStrokeColor(LINE)
    pdf.setFont("Helvetica", 11)
    for day in confirmation.days:
        y -= 2.5 * mm
        pdf.line(left, y, width - left, y)
        y -= 5.5 * mm
        pdf.drawString(left, y, str(day["number"]))
        pdf.drawString(left + 20 * mm, y, format_short_day(dt.date.fromisoformat(day["date"])))
        pdf.drawString(left + 75 * mm, y, str(day["run"])[:40])
        pdf.drawRightString(width - left, y, str(day["hours"]))
    y -= 2.5 * mm
    pdf.line(left, y, width - left, y)
    y -= 6 * mm
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(left, y, "Total hours attended")
    pdf.drawRightString(width - left, y, f"{confirmation.hours_attended}")

    y -= 16 * mm
    pdf.setFont("Helvetica", 11)
    pdf.drawString(left, y, f"Issued {format_short_day(timezone.localdate(confirmation.issued_at))} by "
                            f"{confirmation.provider_name}.")
    if confirmation.provider_accreditation:
        y -= 6 * mm
        pdf.setFillColor(MUTED)
        pdf.drawString(left, y, confirmation.provider_accreditation[:95])
        pdf.setFillColor(INK)

    url = verification_url(confirmation.code)
    qr_size = 32 * mm
    draw_qr(pdf, url, width - left - qr_size, 22 * mm, qr_size)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(left, 38 * mm, "Check this confirmation online:")
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(left, 32 * mm, url)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(left, 26 * mm, f"Verification code: {confirmation.code}")
    if confirmation.revoked_at:
        pdf.setFillColor(BRAND)
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(left, 48 * mm, "REVOKED: this confirmation is no longer valid.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def render_confirmation_attachment(confirmation_id: int) -> tuple[str, bytes, str]:
    confirmation = AttendanceConfirmation.objects.get(pk=confirmation_id)
    filename = f"attendance-confirmation-{confirmation.code}.pdf"
    return filename, confirmation_pdf(confirmation), "application/pdf"
