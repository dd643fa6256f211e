"""A run's status and places go through the booking services: the back office's change page
cannot publish, unpublish or cancel a run, nor change its places; those are on the run's bookings
page, where a change of places is locked, checked against the seats taken and offers new places
to the waitlist first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.bookings.conftest import self_paying
from tests.catalogue.admin_forms import RUNS_URL, change_url, run_post
from tests.factories import CourseRunFactory, PriceOptionFactory, VatRateFactory
from trainingdesk.accounts.models import User
from trainingdesk.audit.models import AuditEntry
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.bookings.services import book, change_capacity
from trainingdesk.catalogue.models import CourseRun, PriceOption, RunStatus
from trainingdesk.invoicing.models import DocumentKind, Invoice

# Bookings are made on 1 March 2027 for a run in June 2027.
BOOKED_AT = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
RUN_DAYS = [dt.date(2027, 6, 1), dt.date(2027, 6, 2), dt.date(2027, 6, 3), dt.date(2027, 9, 14)]


@pytest.fixture
def client_as_coordinator(client: Client, coordinator: User) -> Client:
    client.force_login(coordinator)
    return client


@pytest.fixture
def run(db: None) -> CourseRun:
    VatRateFactory()
    return CourseRunFactory(title="Summer 2027", capacity=2, days=RUN_DAYS,
                            booking_closes_at=dt.datetime(2027, 5, 25, tzinfo=dt.UTC))


@pytest.fixture
def option(run: CourseRun) -> PriceOption:
    return PriceOptionFactory(run=run, name="Foundation only", net_amount=Decimal("500"))


def people(count: int, start: int = 1) -> list[User]:
    # Made in one query: they never sign in, so they skip the password hashing.
    return User.objects.bulk_create(
        User(email=f"person{n}@example.org", full_name=f"Person {n}", password="!")
        for n in range(start, start + count)
    )


@pytest.fixture
def line(run: CourseRun, option: PriceOption) -> list[User]:
    """Two people holding the run's two seats, then three waiting, first in line first."""
    line = people(5)
    for minutes, person in enumerate(line):
        book(participant=person, run_id=run.pk, option_id=option.pk,
             payer=self_paying(person.full_name), now=BOOKED_AT + dt.timedelta(minutes=minutes))
    mail.outbox.clear()
    return line


def status(person: User) -> str:
    return Booking.objects.get(participant=person).status


def fresh(run: CourseRun) -> CourseRun:
    return CourseRun.objects.get(pk=run.pk)


# --- The status is not a field of the change page ----------------------------------------------

def test_the_change_page_shows_the_status_without_a_field_for_it(
    client_as_coordinator: Client, run: CourseRun
) -> None:
    response = client_as_coordinator.get(change_url(run))
    assert response.status_code == 200
    assert "status" not in response.context_data["adminform"].form.fields
    html = response.content.decode()
    assert 'name="status"' not in html
    assert "Published" in html


@pytest.mark.parametrize("posted", [RunStatus.CANCELLED, RunStatus.DRAFT])
def test_posting_a_status_on_the_change_page_changes_nothing(
    client_as_coordinator: Client, run: CourseRun, line: list[User], posted: str
) -> None:
    response = client_as_coordinator.post(change_url(run), run_post(run, status=posted))
    assert response.status_code == 302
    assert fresh(run).status == RunStatus.PUBLISHED
    assert [status(p) for p in line] == [BookingStatus.CONFIRMED] * 2 + [BookingStatus.WAITLISTED] * 3
    assert not Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).exists()
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action__in=["catalogue.run.cancelled",
                                                     "catalogue.courserun.changed"]).exists()


# --- Cancelling and places live on the run's bookings page --------------------------------------

PLACES = "control:change_places"


def places(client: Client, run: CourseRun, capacity: object) -> object:
    return client.post(reverse(PLACES, args=[run.pk]), {"capacity": capacity})


def test_the_back_office_leaves_cancelling_and_places_to_the_bookings_page(
    client_as_coordinator: Client, run: CourseRun, line: list[User]
) -> None:
    page = client_as_coordinator.get(change_url(run)).content.decode()
    assert reverse("control:run_bookings", args=[run.pk]) in page
    assert 'name="capacity"' not in page
    listing = client_as_coordinator.get(RUNS_URL).content.decode()
    assert 'value="cancel_run"' not in listing
    # A post of other places on the change page changes the title, never the places.
    response = client_as_coordinator.post(change_url(run), run_post(run, capacity=9,
                                                                     title="Summer 2027 (room 2)"))
    assert response.status_code == 302
    assert (fresh(run).title, fresh(run).capacity) == ("Summer 2027 (room 2)", 2)


def test_raising_the_places_offers_them_to_the_waitlist_in_order(
    client_as_coordinator: Client, run: CourseRun, line: list[User], option: PriceOption,
    coordinator: User, django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = places(client_as_coordinator, run, 4)
    assert response.status_code == 302
    assert fresh(run).capacity == 4
    assert [status(p) for p in line] == [
        BookingStatus.CONFIRMED, BookingStatus.CONFIRMED,
        BookingStatus.OFFERED, BookingStatus.OFFERED, BookingStatus.WAITLISTED,
    ]
    offers = [m for m in mail.outbox if m.subject == "A place is free for you: Foundation, Summer 2027"]
    assert [m.to for m in offers] == [[line[2].email], [line[3].email]]
    entry = AuditEntry.objects.get(action="catalogue.run.capacity_changed")
    assert (entry.actor, entry.before["capacity"], entry.after["capacity"]) == (coordinator, 2, 4)
    assert AuditEntry.objects.filter(action="bookings.waitlist.offered").count() == 2

    # The next person to book joins the waitlist behind them: the new places are taken.
    newcomer = people(1, start=9)[0]
    booking = book(participant=newcomer, run_id=run.pk, option_id=option.pk,
                   payer=self_paying(newcomer.full_name))
    assert booking.status == BookingStatus.WAITLISTED


@pytest.mark.parametrize(("capacity", "message"), [
    (1, "2 places are already taken: the run needs at least 2 places."),
    (0, "A run needs at least one place."),
    ("lots", "Enter a whole number of places, like 24."),
])
def test_places_below_the_seats_taken_are_refused_beside_the_field_and_nothing_is_saved(
    client_as_coordinator: Client, run: CourseRun, line: list[User], coordinator: User,
    capacity: object, message: str,
) -> None:
    response = places(client_as_coordinator, run, capacity)
    assert response.status_code == 200
    assert response.context["form"].errors == {"capacity": [message]}
    assert 'href="#id_capacity"' in response.content.decode()
    assert fresh(run).capacity == 2
    assert not AuditEntry.objects.filter(actor=coordinator).exists()


def test_places_may_be_lowered_to_the_seats_taken(
    client_as_coordinator: Client, run: CourseRun, option: PriceOption
) -> None:
    CourseRun.objects.filter(pk=run.pk).update(capacity=5)
    run.refresh_from_db()
    for person in people(2):
        book(participant=person, run_id=run.pk, option_id=option.pk,
             payer=self_paying(person.full_name), now=BOOKED_AT)
    response = places(client_as_coordinator, run, 2)
    assert response.status_code == 302
    assert fresh(run).capacity == 2
    entry = AuditEntry.objects.get(action="catalogue.run.capacity_changed")
    assert (entry.before["capacity"], entry.after["capacity"]) == (5, 2)


def test_the_service_refuses_places_below_the_seats_taken_at_the_field(
    run: CourseRun, line: list[User], coordinator: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        change_capacity(run=run, capacity=1, actor=coordinator)
    assert refused.value.message_dict == {
        "capacity": ["2 places are already taken: the run needs at least 2 places."]}
    assert fresh(run).capacity == 2
    assert not AuditEntry.objects.filter(action="catalogue.run.capacity_changed").exists()


def test_only_the_coordinator_changes_a_runs_places(run: CourseRun, participant: User) -> None:
    with pytest.raises(PermissionDenied, match="Only the coordinator can"):
        change_capacity(run=run, capacity=10, actor=participant)
    assert fresh(run).capacity == 2
