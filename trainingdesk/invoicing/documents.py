"""The PDF of a VAT invoice or credit note, drawn from the stored, immutable document."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from reportlab.lib.units import mm

from trainingdesk.invoicing.models import Invoice
from trainingdesk.lib.money import format_gbp
from trainingdesk.lib.pdf import (
    CONTENT_WIDTH,
    NAME_LINES,
    NOTE_LINES,
    address_block,
    para,
    render,
    spacer,
    table,
)
from trainingdesk.lib.zones import format_short_day

DESCRIPTION_LINES = 6


def _money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def invoice_pdf(invoice: Invoice) -> bytes:
    """One or two A4 pages with every field HMRC requires of a full VAT invoice. Names, addresses
    and notes print in any script and are bounded (`lib.pdf`): a 400-line address prints its
    first lines and an ellipsis, and the PDF is still made."""
    lines = list(invoice.lines.all())
    heading = "Credit note" if invoice.is_credit_note else "VAT invoice"
    facts = [
        ("Number", invoice.number),
        ("Date of issue", format_short_day(timezone.localdate(invoice.issued_at))),
        ("Tax point", format_short_day(invoice.tax_point)),
    ]
    if invoice.is_credit_note and invoice.credits_id:
        facts.append(("Credits invoice", invoice.credits.number if invoice.credits else ""))
    if invoice.purchase_order:
        facts.append(("Purchase order", invoice.purchase_order))
    if invoice.due_date:
        facts.append(("Payment due", format_short_day(invoice.due_date)))
    width = CONTENT_WIDTH
    story = [
        para(heading, "title"),
        table(
            [[address_block("From", invoice.supplier_name, invoice.supplier_address,
                            f"VAT registration number: {invoice.supplier_vat_number}"),
              address_block("To", invoice.customer_name, invoice.customer_address,
                            invoice.customer_email)]],
            [width / 2, width / 2], header=False,
        ),
        spacer(),
        table([[para(k, "body"), para(v, "body", max_lines=NAME_LINES)] for k, v in facts],
              [45 * mm, width - 45 * mm],
              header=False),
        spacer(),
        table(
            [["Description", "Qty", "Unit price", "VAT rate", "Net", "VAT"]]
            + [[para(line.description, max_lines=DESCRIPTION_LINES), str(line.quantity),
                _money(line.unit_net), f"{line.vat_rate.normalize():f}%", _money(line.net), _money(line.vat)]
               for line in lines],
            [width * 0.42, width * 0.06, width * 0.13, width * 0.13, width * 0.13, width * 0.13],
            numeric_from=1,
        ),
        spacer(2),
        table(
            [["Total net", _money(invoice.total_net)],
             ["Total VAT", _money(invoice.total_vat)],
             ["Credit note total" if invoice.is_credit_note else "Total to pay",
              _money(invoice.total_gross)]],
            [width * 0.74, width * 0.26], header=False, total_rows=1, numeric_from=1,
        ),
        spacer(),
        para(f"Amounts in pounds sterling. {invoice.payment_terms}." if invoice.payment_terms
             else "Amounts in pounds sterling."),
        *([para(f"How to pay\n{invoice.how_to_pay}", bold_first_line=True, max_lines=NOTE_LINES)]
          if invoice.how_to_pay else []),
        para("VAT is calculated on each line and rounded to the nearest penny (a half penny up); "
             "the totals are the sums of the lines.", "small"),
    ]
    if invoice.participant_name:
        story.append(para(f"Participant: {invoice.participant_name}", "small", max_lines=NAME_LINES))
    if invoice.note:
        story.append(para(invoice.note, "small", max_lines=NOTE_LINES))
    story.append(para(f"{heading} {invoice.number} total {format_gbp(invoice.total_gross)}", "small"))
    return render(story, title=f"{heading} {invoice.number}", author=invoice.supplier_name)


def render_invoice_attachment(invoice_id: int) -> tuple[str, bytes, str]:
    invoice = (Invoice.objects.select_related("credits").prefetch_related("lines")
               .get(pk=invoice_id))
    return f"{invoice.number}.pdf", invoice_pdf(invoice), "application/pdf"


