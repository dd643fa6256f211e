"""Invoice and credit note PDFs, /my-training/invoices/<number>.pdf, and a booking's calendar,
/my-training/<reference>/calendar.ics."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory
from trainingdesk.bookings.models import Booking
from trainingdesk.bookings.services import PayerDetails, book, cancel_booking
from trainingdesk.invoicing.documents import render_invoice_attachment


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def book_self(person, run, option) -> Booking:
    return book(participant=person, run_id=run.pk, option_id=option.pk, payer=self_paying(),
                now=NOW)


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_an_invoice_downloads_as_a_pdf_attachment_named_by_its_number(
    client, participant, run, with_supervision
):
    invoice = book_self(participant, run, with_supervision).invoices.get()
    client.force_login(participant)
    response = client.get(reverse("invoicing:pdf", args=[invoice.number]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    text = pdf_text(response.content)
    assert "VAT invoice" in text
    assert invoice.number in text
    assert "£792.00" in text


def test_a_credit_note_downloads_and_names_the_invoice_it_credits(
    client, participant, run, without_supervision
):
    booking = book_self(participant, run, without_supervision)
    cancel_booking(booking=booking, actor=participant, now=NOW)
    credit_note = booking.invoices.get(kind="credit_note")
    invoice = credit_note.credits
    client.force_login(participant)
    text = pdf_text(client.get(reverse("invoicing:pdf", args=[credit_note.number])).content)
    assert "Credit note" in text
    assert invoice.number in text


def test_an_unknown_invoice_number_is_not_found(client, participant):
    client.force_login(participant)
    assert client.get(reverse("invoicing:pdf", args=["INV-999999"])).status_code == 404


def events(content: bytes) -> list:
    return list(Calendar.from_ical(content).walk("VEVENT"))


def test_the_calendar_of_a_confirmed_place_has_every_day_and_the_joining_link(
    client, participant, run, without_supervision
):
    booking = book_self(participant, run, without_supervision)
    client.force_login(participant)
    response = client.get(reverse("bookings:calendar", args=[booking.reference]))
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="{booking.reference}.ics"'
    days = events(response.content)
    assert len(days) == 4
    assert "https://zoom.us/j/123?pwd=secret" in response.content.decode()


@pytest.mark.parametrize("how", ["waitlisted", "cancelled"])
def test_a_booking_without_a_place_offers_no_calendar(client, participant, run, without_supervision, how):
    if how == "waitlisted":
        for person in UserFactory.create_batch(2):
            book_self(person, run, without_supervision)
    booking = book_self(participant, run, without_supervision)
    if how == "cancelled":
        booking = cancel_booking(booking=booking, actor=participant, now=NOW)
    client.force_login(participant)
    assert booking.status == how
    calendar_url = reverse("bookings:calendar", args=[booking.reference])
    assert client.get(calendar_url).status_code == 404
    assert calendar_url not in client.get(booking.get_absolute_url()).content.decode()


def test_an_invoice_says_how_its_vat_is_worked_out(client, participant, run, with_supervision):
    invoice = book_self(participant, run, with_supervision).invoices.get()
    client.force_login(participant)
    response = client.get(reverse("invoicing:pdf", args=[invoice.number]))
    text = " ".join(pdf_text(response.content).split())
    assert "VAT is calculated on each line and rounded to the nearest penny (a half penny up)" in text


# Names in every script a participant can type (issue 8): the invoice used Helvetica, which
# printed "Łucja Nguyễn 李" as "■ucja Nguy■n ■".
NAMES = ["Łucja Nguyễn 李", "Γιώργος Παπαδόπουλος", "Анна Кузнецова", "Nguyễn Thị Minh Khai",
         "王小明", "山田 太郎", "محمد عبد الله", "דוד כהן"]


@pytest.mark.parametrize("name", NAMES)
def test_an_invoice_prints_the_name_it_is_made_out_to_as_written(client, participant, run,
                                                                   without_supervision, name):
    booking = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                   payer=self_paying(name), now=NOW)
    client.force_login(participant)
    response = client.get(reverse("invoicing:pdf", args=[booking.invoices.get().number]))
    assert name in pdf_text(response.content)


def test_an_invoice_with_a_400_line_address_and_a_very_long_name_is_still_served(
    client, participant, run, without_supervision
):
    address = "\n".join(f"Flat {n}, Tower Block" for n in range(1, 401))
    name = "Wolfeschlegelsteinhausenbergerdorff " * 5 + "Łucja"
    payer = PayerDetails(billing_name=name[:200], billing_address=address, billing_postcode="LS1 1AA",
                         invoice_email="pat@example.org")
    booking = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                   payer=payer, now=NOW)
    invoice = booking.invoices.get()
    client.force_login(participant)
    response = client.get(reverse("invoicing:pdf", args=[invoice.number]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = pdf_text(response.content)
    assert "Flat 1, Tower Block" in text and "Flat 400" not in text
    assert "pat@example.org" in text and "Total to pay" in text
    # The email's attachment is the same document: made, not failing for ever.
    filename, content, _ = render_invoice_attachment(invoice.pk)
    assert filename == f"{invoice.number}.pdf" and content == response.content


def test_an_invoice_pdf_carries_its_title_author_and_language_and_embeds_its_fonts(
    client, participant, run, with_supervision
):
    invoice = book_self(participant, run, with_supervision).invoices.get()
    client.force_login(participant)
    reader = PdfReader(io.BytesIO(
        client.get(reverse("invoicing:pdf", args=[invoice.number])).content))
    assert reader.metadata.title == f"VAT invoice {invoice.number}"
    assert reader.metadata.author == invoice.supplier_name
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts and all("/FontFile2" in font["/FontDescriptor"] for font in fonts)
