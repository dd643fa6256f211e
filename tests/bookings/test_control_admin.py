"""The bookings back office (Django admin): issued documents and payments can be looked at, never
changed; discount codes and cancellation terms are kept there, audited."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from tests.bookings.conftest import NOW, self_paying
from tests.factories import UserFactory
from trainingdesk.audit.models import AuditEntry
from trainingdesk.bookings import services
from trainingdesk.bookings.models import DiscountCode
from trainingdesk.invoicing.models import Invoice, Payment


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def invoice(participant, run, without_supervision) -> Invoice:
    booking = services.book(participant=participant, run_id=run.pk,
                            option_id=without_supervision.pk, payer=self_paying())
    return booking.invoices.get()


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_an_issued_invoice_cannot_be_changed_or_deleted_even_by_a_superuser(client, superuser,
                                                                             invoice):
    client.force_login(superuser)
    change = reverse("admin:invoicing_invoice_change", args=[invoice.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change, {"customer_name": "Someone else"}).status_code == 403
    assert client.post(reverse("admin:invoicing_invoice_delete", args=[invoice.pk]),
                       {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:invoicing_invoice_add")).status_code == 403
    invoice.refresh_from_db()
    assert invoice.customer_name == "Pat Participant"


def test_the_coordinator_can_look_at_bookings_payments_and_emails(client, coordinator, invoice):
    services.record_payment(booking=invoice.bookings.get(), amount=invoice.total_gross,
                            received_on=NOW.date(), method="card", reference="", actor=coordinator)
    client.force_login(coordinator)
    for name in ("bookings_booking", "invoicing_invoice", "invoicing_payment",
                 "bookings_discountcode", "bookings_cancellationterm", "invoicing_paymentdetails"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    emails = client.get(reverse("admin:notifications_email_changelist"))
    assert emails.status_code == 200
    assert "1 email" in emails.content.decode()
    payment = Payment.objects.get()
    assert client.get(reverse("admin:invoicing_payment_add")).status_code == 403
    assert client.post(reverse("admin:invoicing_payment_change", args=[payment.pk]),
                       {"amount": "1"}).status_code == 403


def test_a_discount_code_is_a_percentage_or_an_amount_not_both(client, coordinator):
    client.force_login(coordinator)
    url = reverse("admin:bookings_discountcode_add")
    response = client.post(url, {"code": "early", "percent_off": "10", "amount_off": "50"})
    assert response.status_code == 200
    assert "Enter either a percentage or an amount off, not both." in response.content.decode()
    assert not DiscountCode.objects.exists()
    response = client.post(url, {"code": "early", "percent_off": "10"})
    assert response.status_code == 302
    assert DiscountCode.objects.get().code == "EARLY"
    assert AuditEntry.objects.filter(action="bookings.discountcode.added",
                                     actor=coordinator).exists()
