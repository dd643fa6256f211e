"""/control/balances/: what is owed, what is to be paid back, with totals and a CSV."""

from __future__ import annotations

import csv
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

URL = reverse("control:outstanding")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _book(run, option, name: str = "Person"):
    return services.book(participant=UserFactory(full_name=name), run_id=run.pk,
                         option_id=option.pk, payer=self_paying(name))


def _pay(booking, coordinator, amount: str):
    return services.record_payment(booking=booking, amount=Decimal(amount), received_on=NOW.date(),
                                   method="card", reference="", actor=coordinator)


def test_a_full_refund_after_a_payment_shows_a_refund_due(client, coordinator, run,
                                                          without_supervision):
    booking = _book(run, without_supervision, "Rita Refund")
    _pay(booking, coordinator, "600.00")
    client.force_login(coordinator)
    client.post(reverse("control:cancel_booking", args=[booking.reference]),
                {"reason": "Run clashes with leave", "full_refund": "on"})
    balances = client.get(URL).context["balances"]
    assert balances.owed == []
    assert [(b.pk, b.balance) for b in balances.refunds_due] == [(booking.pk, Decimal("-600.00"))]
    assert balances.total_refunds_due == Decimal("600.00")


def test_it_lists_money_owed_with_its_total_and_leaves_out_settled_bookings(
    client, coordinator, run, without_supervision, with_supervision
):
    part_paid = _book(run, without_supervision, "Paula Part")
    _pay(part_paid, coordinator, "100.00")
    owing = _book(run, with_supervision, "Owen Owing")
    settled = _book(run, without_supervision, "Sam Settled")  # waitlisted: nothing invoiced
    client.force_login(coordinator)
    response = client.get(URL)
    balances = response.context["balances"]
    assert {b.pk: b.balance for b in balances.owed} == {
        part_paid.pk: Decimal("500.00"), owing.pk: Decimal("792.00")}
    assert balances.total_owed == Decimal("1292.00")
    page = response.content.decode()
    assert "£1,292" in page and "Sam Settled" not in page
    assert settled.pk not in {b.pk for b in balances.refunds_due}


def test_a_refund_paid_out_settles_the_booking(client, coordinator, run, without_supervision):
    booking = _book(run, without_supervision)
    _pay(booking, coordinator, "600.00")
    services.cancel_booking(booking=booking, actor=coordinator, reason="Ill", full_refund=True)
    services.record_payment(booking=booking, amount=Decimal("600.00"), received_on=NOW.date(),
                            method="bank_transfer", kind="refund", reference="Refund",
                            actor=coordinator)
    client.force_login(coordinator)
    balances = client.get(URL).context["balances"]
    assert balances.owed == [] and balances.refunds_due == []
    assert "Nothing is owed." in client.get(URL).content.decode()


def test_its_query_count_does_not_grow_with_the_bookings(
    client, coordinator, run, without_supervision, django_assert_num_queries
):
    run.capacity = 20
    run.save()
    _book(run, without_supervision)
    client.force_login(coordinator)
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    for _ in range(5):
        booking = _book(run, without_supervision)
        _pay(booking, coordinator, "600.00")
        services.cancel_booking(booking=booking, actor=coordinator, reason="x",
                                full_refund=True)  # paid, then credited in full: refund due
    with django_assert_num_queries(len(queries)):
        balances = client.get(URL).context["balances"]
    assert (len(balances.owed), len(balances.refunds_due)) == (1, 5)


def test_the_csv_lists_both_directions_with_plain_amounts(client, coordinator, run,
                                                          without_supervision):
    owing = _book(run, without_supervision, "Owen Owing")
    over = _book(run, without_supervision, "Olive Overpaid")
    _pay(over, coordinator, "600.00")
    services.cancel_booking(booking=over, actor=coordinator, reason="Ill", full_refund=True)
    client.force_login(coordinator)
    response = client.get(reverse("control:outstanding_csv"))
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    found = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert (found[owing.reference]["balance"], found[owing.reference]["direction"]) == (
        "600.00", "owed")
    assert (found[over.reference]["balance"], found[over.reference]["direction"]) == (
        "-600.00", "refund due")


def test_it_shows_each_customer_s_balance_with_an_employer_paying_for_two(client, coordinator,
                                                                          run, without_supervision):
    run.capacity = 5
    run.save()
    for name in ("Ann Able", "Bob Best"):
        services.book(participant=UserFactory(full_name=name), run_id=run.pk,
                      option_id=without_supervision.pk,
                      payer=services.PayerDetails(payer="employer", billing_name="Leeds City Council",
                                                  billing_address="Civic Hall", billing_postcode="LS1 1UR",
                                                  invoice_email="invoices@leeds.example.org"))
    _pay(_book(run, without_supervision, "Carol Cash"), coordinator, "600.00")
    client.force_login(coordinator)
    response = client.get(URL)
    customers = response.context["customers"]
    assert [(c.name, c.kind, c.balance) for c in customers] == [
        ("Leeds City Council", "organisation", Decimal("1200.00"))]
    page = response.content.decode()
    assert "Customers with a balance" in page and "Carol Cash" not in page.split('id="customers"')[1]
