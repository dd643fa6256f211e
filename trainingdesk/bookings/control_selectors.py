"""What the coordinator's control area reads: each list in a fixed number of queries.

Counts of seats, waitlist and offers are annotations on the run query (`Count(filter=Q(...))`);
balances come from `BookingQuerySet.with_balance()`; invoice numbers are prefetched. Nothing
here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from trainingdesk.bookings.models import ACTIVE, SEAT_HOLDING, Booking, BookingStatus
from trainingdesk.catalogue.models import CourseRun, RunStatus
from trainingdesk.invoicing.models import Invoice, Payment

UPCOMING = "upcoming"
PAST = "past"

OWED = "owed"
REFUND_DUE = "refund_due"
SETTLED = "settled"


# --- runs ------------------------------------------------------------------------------------

def _with_counts(runs: QuerySet[CourseRun]) -> QuerySet[CourseRun]:
    """Dates, seats taken, free seats, waitlist length and open offers, in the run's query.

    The days join and the bookings join multiply each other's rows, so every count is
    `distinct`; `Min`/`Max` are unaffected by the duplicates."""
    return (
        runs.select_related("level", "level__programme")
        .annotate(
            first_date=Min("days__date"),
            last_date=Max("days__date"),
            day_count=Count("days", distinct=True),
            seats_taken=Count("bookings", filter=Q(bookings__status__in=SEAT_HOLDING),
                              distinct=True),
            waitlist_length=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITLISTED),
                                  distinct=True),
            open_offers=Count("bookings", filter=Q(bookings__status=BookingStatus.OFFERED),
                              distinct=True),
        )
        .annotate(free_seats=F("capacity") - F("seats_taken"))
    )


def runs_overview(
    *, today: dt.date, when: str = "", level_id: int | None = None, status: str = "",
) -> list[CourseRun]:
    """Every run with its capacity at a glance, soonest first: one query.

    `when` is "upcoming" (not finished: last day today or later, or no days yet), "past", or
    empty for all."""
    runs = _with_counts(CourseRun.objects.all())
    if when == UPCOMING:
        runs = runs.filter(Q(last_date__gte=today) | Q(last_date__isnull=True))
    elif when == PAST:
        runs = runs.filter(Q(last_date__lt=today))
    if level_id is not None:
        runs = runs.filter(level_id=level_id)
    if status:
        runs = runs.filter(status=status)
    if when == PAST:  # the most recent first
        return list(runs.order_by(F("first_date").desc(nulls_last=True), "-id"))
    return list(runs.order_by(F("first_date").asc(nulls_last=True), "id"))


def run_with_counts(run_id: int) -> CourseRun | None:
    """One run with the same figures as the overview: one query."""
    return _with_counts(CourseRun.objects.filter(pk=run_id)).first()


def transfer_targets(booking: Booking, *, today: dt.date) -> list[CourseRun]:
    """Where a booking may move: other published runs of its level that have not started and
    have a free seat, with their options. Two queries."""
    runs = (
        _with_counts(CourseRun.objects.filter(level_id=booking.run.level_id,
                                              status=RunStatus.PUBLISHED))
        .exclude(pk=booking.run_id)
        .filter(Q(first_date__gt=today) | Q(first_date__isnull=True))
        .filter(Q(free_seats__gt=0))
        .prefetch_related("options")
        .order_by(F("first_date").asc(nulls_last=True), "id")
    )
    return list(runs)


# --- a run's bookings ------------------------------------------------------------------------

@dataclass(frozen=True)
class BookingRow:
    booking: Booking
    documents: list[Invoice]
    waitlist_position: int | None

    @property
    def can_cancel(self) -> bool:
        return self.booking.status in ACTIVE

    @property
    def can_transfer(self) -> bool:
        return self.booking.status == BookingStatus.CONFIRMED


_STATUS_ORDER = Case(
    When(status=BookingStatus.CONFIRMED, then=Value(0)),
    When(status=BookingStatus.OFFERED, then=Value(1)),
    When(status=BookingStatus.WAITLISTED, then=Value(2)),
    When(status=BookingStatus.CANCELLED, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


def _documents() -> Prefetch[str, QuerySet[Invoice], str]:
    return Prefetch(
        "invoices",
        queryset=Invoice.objects.only("id", "number", "kind", "issued_at")
        .order_by("issued_at", "id"),
    )


def _balance_filter(bookings: QuerySet[Booking], balance: str) -> QuerySet[Booking]:
    if balance == OWED:
        return bookings.filter(Q(balance__gt=0))
    if balance == REFUND_DUE:
        return bookings.filter(Q(balance__lt=0))
    if balance == SETTLED:
        return bookings.filter(Q(balance=0))
    return bookings


def run_bookings(
    *, run: CourseRun, status: str = "", payer: str = "", balance: str = "",
) -> list[BookingRow]:
    """A run's bookings with their balances, documents and place on the waitlist: three
    queries, whatever the number of bookings."""
    bookings: QuerySet[Booking] = (
        Booking.objects.filter(run=run).with_balance().with_waitlist_position()
        .select_related("participant", "organisation")
        .prefetch_related(_documents())
        .order_by(_STATUS_ORDER, "waitlisted_at", "created_at", "id")
    )
    if status:
        bookings = bookings.filter(status=status)
    if payer:
        bookings = bookings.filter(payer=payer)
    bookings = _balance_filter(bookings, balance)
    # Positions count the whole waitlist, whatever the filters show.
    return [BookingRow(booking=b, documents=list(b.invoices.all()),
                       waitlist_position=getattr(b, "waitlist_position", None))
            for b in bookings]


def booking_for_control(reference: str) -> Booking | None:
    """A booking as its action pages show it: with run, participant, balance, and each
    invoice's own balance and payments."""
    return (
        Booking.objects.filter(reference=reference).with_balance()
        .select_related("run__level__programme", "participant", "organisation")
        .prefetch_related(Prefetch(
            "invoices", queryset=Invoice.objects.with_balance().order_by("issued_at", "id")
            .prefetch_related(Prefetch("payments",
                                       queryset=Payment.objects.order_by("received_on", "id")))))
        .first()
    )


def balance_of(booking: Booking) -> Decimal:
    """The `balance` that `BookingQuerySet.with_balance()` annotates."""
    return cast(Decimal, booking.balance)  # type: ignore[attr-defined]


# --- balances --------------------------------------------------------------------------------

@dataclass
class Balances:
    owed: list[Booking] = field(default_factory=list)
    refunds_due: list[Booking] = field(default_factory=list)

    @property
    def total_owed(self) -> Decimal:
        return sum((balance_of(b) for b in self.owed), Decimal(0))

    @property
    def total_refunds_due(self) -> Decimal:
        """As a positive amount: what is to be paid back."""
        return -sum((balance_of(b) for b in self.refunds_due), Decimal(0))


def outstanding_bookings() -> list[Booking]:
    """Every booking whose balance is not zero, owed first then refunds due: one query."""
    return list(
        Booking.objects.with_balance().exclude(Q(balance=0))
        .select_related("run__level", "participant", "organisation")
        .order_by("run__level__position", "run_id", "participant__full_name", "id")
    )


def balances(bookings: Iterable[Booking] | None = None) -> Balances:
    result = Balances()
    for booking in outstanding_bookings() if bookings is None else bookings:
        if balance_of(booking) > 0:
            result.owed.append(booking)
        elif balance_of(booking) < 0:
            result.refunds_due.append(booking)
    return result
