"""What the participant's pages read: bookings with their run, days, documents, balance and
place in line, in a fixed number of queries however many bookings there are."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from trainingdesk.accounts.models import User
from trainingdesk.bookings.models import Booking
from trainingdesk.catalogue.models import CourseRun, PriceOption, RunStatus, TrainingDay
from trainingdesk.invoicing.models import Invoice


def _for_pages() -> QuerySet[Booking]:
    return (
        Booking.objects.with_balance()
        .with_waitlist_position()
        .select_related("run__level__programme__provider", "participant")
        .prefetch_related(
            Prefetch("run__days", queryset=TrainingDay.objects.order_by("number")),
            Prefetch("invoices", queryset=Invoice.objects.select_related("credits")
                     .order_by("issued_at", "id")),
        )
    )


def bookings_for_participant(*, participant: User) -> list[Booking]:
    """Every booking of one person, newest first: four queries."""
    return list(_for_pages().filter(participant=participant).order_by("-created_at", "-id"))


def booking_for_page(*, reference: str) -> Booking | None:
    """One booking as its page shows it, or None. Who may see it is the view's to decide."""
    return _for_pages().filter(reference=reference).first()


def waitlist_position(*, booking: Booking) -> int | None:
    """This booking's number in line, or None when it is not waiting."""
    return (Booking.objects.filter(pk=booking.pk).with_waitlist_position()
            .values_list("waitlist_position", flat=True).first())  # type: ignore[misc]


def run_for_booking(*, run_id: int, viewer: User) -> CourseRun | None:
    """A run as the booking page shows it, with its level, provider, days and options; drafts
    only to staff, as on the run's public page."""
    runs = CourseRun.objects.select_related("level__programme__provider").prefetch_related(
        Prefetch("days", queryset=TrainingDay.objects.order_by("number")),
        Prefetch("options", queryset=PriceOption.objects.order_by("position", "id")),
    )
    if not viewer.is_staff:
        runs = runs.exclude(status=RunStatus.DRAFT)
    return runs.filter(pk=run_id).first()


def active_booking_on(*, run: CourseRun, participant: User) -> Booking | None:
    return run.bookings.active().filter(participant=participant).first()


def seats_taken_on(run_ids: list[int]) -> dict[int, int]:
    """Places taken (confirmed, or held by an open offer) on each of these runs: one query."""
    return dict(
        Booking.objects.filter(run_id__in=run_ids).holding_seats()
        .values("run_id").annotate(taken=Count("id")).values_list("run_id", "taken")
    )
