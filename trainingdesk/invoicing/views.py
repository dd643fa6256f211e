"""Downloading an invoice or credit note: its customer, the participant it is about, and the
coordinator may; anyone else is told there is no such document."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from trainingdesk.invoicing.documents import invoice_pdf
from trainingdesk.invoicing.models import Invoice


@login_required
@require_safe
def pdf(request: HttpRequest, number: str) -> HttpResponse:
    invoice = (Invoice.objects.select_related("credits").prefetch_related("lines")
               .filter(number=number).first())
    if invoice is None or not invoice.may_be_seen_by(request.user):
        raise Http404("No such invoice")
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response
