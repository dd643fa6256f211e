"""The booking form's messages (issue 8, accessibility): every problem at once, each naming its
field, each tied to its field or group of radios, and the payer's details asked once."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tests.bookings.conftest import NOW
from trainingdesk.accounts.models import Organisation
from trainingdesk.bookings.models import Booking, DiscountCode


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def url(run) -> str:
    return reverse("bookings:book", args=[run.pk])


def _post(client, run, **data: Any):
    return client.post(url(run), {"submission_token": str(uuid.uuid4()), **data})


def _summary_links(html: str) -> list[tuple[str, str]]:
    start = html.index('class="error-summary"')
    summary = html[start:html.index("</ul>", start)]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_an_empty_form_names_every_missing_field_at_once(client, participant, run, without_supervision):
    client.force_login(participant)
    response = _post(client, run, payer="self")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {
        "option": ["Choose an option."],
        "billing_name": ["Enter the name to put on the invoice."],
        "billing_address": ["Enter your billing address."],
        "invoice_email": ["Enter the email address to send the invoice to."],
        "accept_terms": ["Read the cancellation terms and accept them to book a place."],
    }
    html = response.content.decode()
    assert "This field is required" not in html
    assert [target for target, _text in _summary_links(html)] == [
        "id_option_0", "id_billing_name", "id_billing_address", "id_invoice_email", "id_accept_terms",
    ]
    assert not Booking.objects.exists()


def test_an_employers_missing_details_a_bad_postcode_and_an_unknown_code_come_in_one_round(
    client, participant, run, without_supervision
):
    client.force_login(participant)
    response = _post(client, run, option=without_supervision.pk, payer="employer",
                     organisation_postcode="!!!", organisation_email="accounts@", discount_code="NOSUCH",
                     accept_terms="on")
    assert response.context["form"].errors == {
        "organisation_name": ["Enter your employer's name, or choose your employer from the list."],
        "organisation_address": ["Enter your employer's billing address."],
        "organisation_postcode": ["Enter a real postcode, like SW1A 1AA."],
        "organisation_email": ["Enter an email address for your employer's invoice, like name@example.org."],
        "discount_code": ["We do not recognise that discount code. Check it and try again."],
    }
    assert not Booking.objects.exists()


def test_an_employer_from_the_list_needs_only_its_purchase_order_and_an_expired_code_is_said_with_it(
    client, participant, run, without_supervision
):
    council = Organisation.objects.create(
        name="Leeds City Council", billing_address="Civic Hall\nLeeds", postcode="LS1 1UR",
        invoice_email="invoices@leeds.example.org", requires_purchase_order=True)
    DiscountCode.objects.create(code="OLD10", percent_off=Decimal(10),
                                valid_until=NOW.date().replace(year=2026))
    client.force_login(participant)
    response = _post(client, run, option=without_supervision.pk, payer="employer",
                     organisation=council.pk, discount_code="old10")
    assert response.context["form"].errors == {
        "purchase_order": ["Leeds City Council requires a purchase-order number."],
        "discount_code": ["The discount code OLD10 expired on 01 March 2026."],
        "accept_terms": ["Read the cancellation terms and accept them to book a place."],
    }
    assert DiscountCode.objects.get().times_used == 0


def test_a_self_payer_is_not_asked_for_the_employers_details(client, participant, run, without_supervision):
    client.force_login(participant)
    response = _post(client, run, option=without_supervision.pk, payer="self", billing_name="Pat",
                     billing_address="1 High Street", invoice_email="pat@example.org", accept_terms="on")
    assert response.status_code == 302
    assert Booking.objects.get().billing_name == "Pat"


def test_the_radio_groups_name_their_error_and_the_error_is_tied_to_the_group(
    client, participant, run, without_supervision
):
    client.force_login(participant)
    html = _post(client, run).content.decode()
    for group, message in (("option", "Choose an option."), ("payer", "Say who is paying.")):
        fieldset = re.search(rf'<fieldset[^>]*id="{group}-group"[^>]*>', html)
        assert fieldset, group
        described_by = re.search(r'aria-describedby="([^"]+)"', fieldset.group(0))
        assert described_by and f"id_{group}_error" in described_by.group(1).split()
        error = re.search(rf'id="id_{group}_error"[^>]*>(.*?)</div>', html, re.S)
        assert error and message in error.group(1)


def test_every_error_line_has_an_id_of_its_own(client, participant, run, without_supervision):
    client.force_login(participant)
    # Too long and with a hidden direction control: two messages on one field.
    html = _post(client, run, payer="self", billing_name="\u202e" + "x" * 210).content.decode()
    assert len(re.findall(r'class="field__error"', html)) >= 6
    ids = Counter(re.findall(r'\bid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []


def test_both_payer_blocks_have_a_heading_and_a_script_shows_only_the_chosen_one(
    client, participant, run, without_supervision
):
    client.force_login(participant)
    html = client.get(url(run)).content.decode()
    assert re.search(r'<fieldset[^>]*data-payer-block="self"', html)
    assert re.search(r'<fieldset[^>]*data-payer-block="employer"', html)
    assert "<legend" in html and "If you are paying yourself" in html and "If your employer is paying" in html
    assert "js/book.js" in html


def test_the_booking_page_writes_its_price_the_one_way_the_catalogue_does(
    client, participant, run, without_supervision
):
    from tests.html import text_of

    client.force_login(participant)
    response = _post(client, run, option=without_supervision.pk, payer="self", billing_name="Pat",
                     billing_address="1 High Street", invoice_email="pat@example.org", accept_terms="on")
    page = text_of(client.get(response["Location"]).content.decode())
    assert "£600 (£500 + £100 VAT)" in page
