"""Cancelling a run reads its bookings and their invoices once; the rest is writing."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.bookings.conftest import NOW, self_paying
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory
from trainingdesk.bookings.services import book, cancel_run


def _reads_to_cancel(run, option, coordinator, people: int) -> tuple[int, int]:
    """(reads other than taking document numbers, reads taking document numbers)."""
    for _ in range(people):
        book(participant=UserFactory(), run_id=run.pk, option_id=option.pk, payer=self_paying(),
             now=NOW)
    with CaptureQueriesContext(connection) as captured:
        cancel_run(run=run, actor=coordinator, reason="Trainer unwell", now=NOW)
    reads = [q["sql"] for q in captured.captured_queries
             if q["sql"].lstrip().upper().startswith("SELECT")]
    numbers = sum(1 for sql in reads if '"invoicing_numberseries"' in sql)
    return len(reads) - numbers, numbers


def test_the_reads_do_not_grow_with_the_bookings(run, without_supervision, coordinator):
    days = [d.date for d in run.days.all()]
    small = CourseRunFactory(level=run.level, capacity=2, days=days,
                             booking_closes_at=run.booking_closes_at)
    large = CourseRunFactory(level=run.level, capacity=6, days=days,
                             booking_closes_at=run.booking_closes_at)
    two = _reads_to_cancel(small, PriceOptionFactory(run=small), coordinator, 2)
    six = _reads_to_cancel(large, PriceOptionFactory(run=large), coordinator, 6)
    assert six[0] <= two[0]  # the second call finds the role and content type cached
    # Each credit note takes the next number of its series under a row lock: one read each.
    assert (two[1], six[1]) == (2, 6)
