"""/control/exports/invoices.csv and payments.csv: for import into accounting software."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory
from trainingdesk.bookings import services
from trainingdesk.lib.csvfiles import amount, text

INVOICES = reverse("control:invoices_csv")
PAYMENTS = reverse("control:payments_csv")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content.decode("utf-8")
    assert not content.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(content)))
    return [dict(zip(header, row, strict=True)) for row in rows]


def _book(run, option, **payer):
    return services.book(participant=UserFactory(), run_id=run.pk, option_id=option.pk,
                         payer=services.PayerDetails(**{**self_paying().__dict__, **payer}))


def test_the_invoice_export_lists_invoices_and_negative_credit_notes(
    client, coordinator, run, with_supervision
):
    booking = _book(run, with_supervision, purchase_order="PO-77")
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        services.cancel_booking(booking=booking, actor=coordinator, reason="Ill", full_refund=True)
    client.force_login(coordinator)
    invoice, note = _rows(client.get(INVOICES))
    assert invoice == {
        "number": "INV-000001", "kind": "invoice", "date_of_issue": "2027-03-01",
        "tax_point": "2027-03-01", "customer": "Pat Participant", "purchase_order": "PO-77",
        "net": "660.00", "vat": "132.00", "gross": "792.00", "credits_invoice": "",
        "booking_reference": booking.reference,
    }
    assert (note["number"], note["kind"], note["tax_point"]) == ("CN-000001", "credit_note",
                                                                 "2027-03-04")
    assert (note["net"], note["vat"], note["gross"]) == ("-660.00", "-132.00", "-792.00")
    assert note["credits_invoice"] == "INV-000001"


def test_the_invoice_export_filters_by_tax_point(client, coordinator, run, without_supervision):
    booking = _book(run, without_supervision)
    with time_machine.travel(NOW + dt.timedelta(days=10), tick=False):
        services.cancel_booking(booking=booking, actor=coordinator, reason="Ill", full_refund=True)
    client.force_login(coordinator)
    assert [r["number"] for r in _rows(client.get(INVOICES, {"from": "2027-03-02"}))] == ["CN-000001"]
    assert [r["number"] for r in _rows(client.get(INVOICES, {"to": "2027-03-01"}))] == ["INV-000001"]
    assert _rows(client.get(INVOICES, {"from": "2027-03-02", "to": "2027-03-05"})) == []


@pytest.mark.parametrize(("params", "message"), [
    ({"from": "01/03/2027"}, "The 'from' date must be written YYYY-MM-DD"),
    ({"to": "2027-02-30"}, "The 'to' date must be written YYYY-MM-DD"),
    ({"from": "2027-04-01", "to": "2027-03-01"}, "The 'from' date must not be after the 'to' date."),
])
def test_a_bad_date_is_refused_with_a_clear_message(client, coordinator, params, message):
    client.force_login(coordinator)
    for url in (INVOICES, PAYMENTS):
        response = client.get(url, params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_the_payment_export_lists_each_payment_and_refund(client, coordinator, run,
                                                         without_supervision):
    booking = _book(run, without_supervision)
    for value, kind, reference in (("250", "payment", "=cmd|' /C calc'!A0"),
                                   ("50", "refund", "Refund to card")):
        services.record_payment(booking=booking, amount=Decimal(value), received_on=dt.date(2027, 2, 28),
                                method="bank_transfer", kind=kind, reference=reference,
                                actor=coordinator)
    client.force_login(coordinator)
    paid, refunded = _rows(client.get(PAYMENTS))
    assert paid == {
        "date": "2027-02-28", "kind": "payment", "booking_reference": booking.reference,
        "invoice_number": "INV-000001", "customer": "Pat Participant", "amount": "250.00",
        "method": "Bank transfer", "reference": "'=cmd|' /C calc'!A0",
        "recorded_by": "Cora Coordinator",
    }
    assert (refunded["kind"], refunded["amount"]) == ("refund", "-50.00")


def test_the_exports_query_count_does_not_grow_with_the_rows(
    client, coordinator, run, without_supervision, django_assert_num_queries
):
    run.capacity = 20
    run.save()
    services.record_payment(booking=_book(run, without_supervision), amount=Decimal(1),
                            received_on=NOW.date(), method="card", reference="", actor=coordinator)
    client.force_login(coordinator)
    client.get(INVOICES)
    counts = {}
    for url in (INVOICES, PAYMENTS):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts[url] = len(queries)
    for _ in range(5):
        booking = _book(run, without_supervision)
        services.record_payment(booking=booking, amount=Decimal(1), received_on=NOW.date(),
                                method="card", reference="", actor=coordinator)
        services.cancel_booking(booking=booking, actor=coordinator, reason="x", full_refund=True)
    for url, count in counts.items():
        with django_assert_num_queries(count):
            assert len(_rows(client.get(url))) > 5


@pytest.mark.parametrize(("value", "cell"), [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"), ("+44 113 000", "'+44 113 000"), ("-1+1", "'-1+1"),
    ("@SUM(1)", "'@SUM(1)"), ("\tx", "'\tx"), ("Leeds City Council", "Leeds City Council"),
    ("", ""), (None, ""),
])
def test_text_cells_that_a_spreadsheet_would_run_are_made_text(value, cell):
    assert text(value) == cell


def test_amounts_stay_numeric_with_two_decimals():
    assert [amount(Decimal(v)) for v in ("792", "-792", "0.5", "1234.5")] == [
        "792.00", "-792.00", "0.50", "1234.50"]
