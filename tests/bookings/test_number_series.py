from __future__ import annotations

from tests.bookings.conftest import NOW, self_paying
from trainingdesk.bookings.services import book
from trainingdesk.invoicing.models import NumberSeries


def test_a_missing_number_series_is_made_by_the_first_invoice(participant, run, without_supervision):
    NumberSeries.objects.all().delete()
    booking = book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                   payer=self_paying(), now=NOW)
    assert booking.invoices.get().number == "INV-000001"
    assert NumberSeries.objects.get(code="INV").next_number == 2
