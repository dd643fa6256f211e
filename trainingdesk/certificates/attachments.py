"""A certificate's PDF as an email attachment, rendered when the email is sent."""

from __future__ import annotations

from trainingdesk.certificates.documents import certificate_pdf
from trainingdesk.certificates.models import Certificate


def filename(certificate: Certificate) -> str:
    return f"certificate-{certificate.code}.pdf"


def certificate_pdf_attachment(certificate_id: int) -> tuple[str, bytes, str]:
    certificate = Certificate.objects.for_display().get(pk=certificate_id)
    return filename(certificate), certificate_pdf(certificate.as_data()), "application/pdf"
