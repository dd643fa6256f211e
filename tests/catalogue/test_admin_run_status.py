"""A run's status and places in the back office go through the booking services: the change page
cannot publish, unpublish or cancel a run; "Cancel the selected run" cancels its bookings with
credit notes and tells everyone; a change of places is locked, checked against the seats taken
and offers new places to the waitlist first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

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


# --- Cancel the selected run -------------------------------------------------------------------

def ask_to_cancel(client: Client, *runs: CourseRun) -> object:
    return client.post(RUNS_URL, {"action": "cancel_run", "index": 0,
                                  "_selected_action": [r.pk for r in runs]})


def confirm_cancel(client: Client, run: CourseRun, reason: str) -> object:
    return client.post(RUNS_URL, {"action": "cancel_run", "_selected_action": [run.pk],
                                  "confirm": "yes", "reason": reason}, follow=True)


def test_cancelling_a_run_first_asks_why_and_explains_what_happens(
    client_as_coordinator: Client, run: CourseRun, line: list[User]
) -> None:
    response = ask_to_cancel(client_as_coordinator, run)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Why is the run cancelled?" in html
    assert "each invoice gets a credit note for its full amount" in html
    assert "everyone booked or on the waitlist is emailed" in html
    assert "2 people have a place and 3 people are waiting." in html
    assert fresh(run).status == RunStatus.PUBLISHED
    assert status(line[0]) == BookingStatus.CONFIRMED


def test_the_cancel_action_cancels_every_booking_with_a_credit_note_and_tells_everyone(
    client_as_coordinator: Client, run: CourseRun, line: list[User], coordinator: User,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_cancel(client_as_coordinator, run, "The trainer is ill")
    messages = [m.message for m in response.context["messages"]]
    assert messages == ["Cancelled Foundation: Summer 2027. 5 bookings were cancelled with full "
                        "credit notes, and everyone was emailed."]
    assert fresh(run).status == RunStatus.CANCELLED
    assert [status(p) for p in line] == (
        [BookingStatus.CANCELLED] * 2 + [BookingStatus.LEFT_WAITLIST] * 3)
    # Each of the two invoices is credited in full.
    notes = Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).select_related("credits")
    assert sorted((n.participant.email, n.total_gross) for n in notes) == [
        ("person1@example.org", Decimal("600.00")), ("person2@example.org", Decimal("600.00"))]
    assert all(b.balance == 0 for b in Booking.objects.with_balance())
    told = [m for m in mail.outbox if m.subject == "Cancelled: Foundation, Summer 2027"]
    assert sorted(m.to[0] for m in told) == sorted(p.email for p in line)
    assert all("The trainer is ill" in m.body for m in told)
    entry = AuditEntry.objects.get(action="catalogue.run.cancelled")
    assert (entry.actor, entry.before["status"], entry.after["status"], entry.reason) == (
        coordinator, "published", "cancelled", "The trainer is ill")
    assert AuditEntry.objects.filter(action="bookings.booking.cancelled").count() == 5


def test_the_cancel_action_without_a_reason_asks_again_and_cancels_nothing(
    client_as_coordinator: Client, run: CourseRun, line: list[User]
) -> None:
    response = confirm_cancel(client_as_coordinator, run, "   ")
    assert response.status_code == 200
    assert response.context_data["form"].errors == {"reason": ["This field is required."]}
    assert fresh(run).status == RunStatus.PUBLISHED
    assert status(line[0]) == BookingStatus.CONFIRMED
    assert not AuditEntry.objects.filter(action="catalogue.run.cancelled").exists()


def test_the_cancel_action_takes_one_run_at_a_time(
    client_as_coordinator: Client, run: CourseRun
) -> None:
    other = CourseRunFactory(level=run.level, title="Autumn 2027")
    response = client_as_coordinator.post(
        RUNS_URL, {"action": "cancel_run", "index": 0, "_selected_action": [run.pk, other.pk]},
        follow=True,
    )
    assert [m.message for m in response.context["messages"]] == ["Choose one run to cancel."]
    assert CourseRun.objects.filter(status=RunStatus.CANCELLED).count() == 0


def test_a_cancelled_run_is_not_cancelled_twice(
    client_as_coordinator: Client, run: CourseRun
) -> None:
    confirm_cancel(client_as_coordinator, run, "Venue closed")
    response = confirm_cancel(client_as_coordinator, run, "Venue closed again")
    assert [m.message for m in response.context["messages"]] == [f"{run} is already cancelled."]
    assert AuditEntry.objects.filter(action="catalogue.run.cancelled").count() == 1


# --- Places ------------------------------------------------------------------------------------

def test_raising_the_places_offers_them_to_the_waitlist_in_order(
    client_as_coordinator: Client, run: CourseRun, line: list[User], option: PriceOption,
    coordinator: User, django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as_coordinator.post(change_url(run), run_post(run, capacity=4))
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
    # Only the places changed: the run's other fields wrote no entry of their own.
    assert not AuditEntry.objects.filter(action="catalogue.courserun.changed").exists()

    # The next person to book joins the waitlist behind them: the new places are taken.
    newcomer = people(1, start=9)[0]
    booking = book(participant=newcomer, run_id=run.pk, option_id=option.pk,
                   payer=self_paying(newcomer.full_name))
    assert booking.status == BookingStatus.WAITLISTED


def test_places_below_the_seats_taken_are_refused_beside_the_field_and_nothing_is_saved(
    client_as_coordinator: Client, run: CourseRun, line: list[User], coordinator: User
) -> None:
    response = client_as_coordinator.post(
        change_url(run), run_post(run, capacity=1, title="Summer 2027 (smaller)")
    )
    assert response.status_code == 200
    form = response.context_data["adminform"].form
    message = "2 places are already taken: the run needs at least 2 places."
    assert form.errors == {"capacity": [message]}
    assert message in response.content.decode()
    stored = fresh(run)
    assert (stored.title, stored.capacity) == ("Summer 2027", 2)
    assert not AuditEntry.objects.filter(actor=coordinator).exists()


def test_places_may_be_lowered_to_the_seats_taken(
    client_as_coordinator: Client, run: CourseRun, option: PriceOption
) -> None:
    CourseRun.objects.filter(pk=run.pk).update(capacity=5)
    run.refresh_from_db()
    for person in people(2):
        book(participant=person, run_id=run.pk, option_id=option.pk,
             payer=self_paying(person.full_name), now=BOOKED_AT)
    response = client_as_coordinator.post(change_url(run), run_post(run, capacity=2))
    assert response.status_code == 302
    assert fresh(run).capacity == 2
    entry = AuditEntry.objects.get(action="catalogue.run.capacity_changed")
    assert (entry.before["capacity"], entry.after["capacity"]) == (5, 2)


def test_a_change_of_places_and_title_writes_an_entry_for_each(
    client_as_coordinator: Client, run: CourseRun, line: list[User]
) -> None:
    response = client_as_coordinator.post(
        change_url(run), run_post(run, capacity=3, title="Summer 2027 (bigger room)")
    )
    assert response.status_code == 302
    stored = fresh(run)
    assert (stored.title, stored.capacity) == ("Summer 2027 (bigger room)", 3)
    changed = AuditEntry.objects.get(action="catalogue.courserun.changed")
    assert (changed.before["title"], changed.after["title"]) == (
        "Summer 2027", "Summer 2027 (bigger room)")
    assert changed.before["capacity"] == changed.after["capacity"] == 2
    places = AuditEntry.objects.get(action="catalogue.run.capacity_changed")
    assert (places.before["capacity"], places.after["capacity"]) == (2, 3)
    assert status(line[2]) == BookingStatus.OFFERED


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
    with pytest.raises(ValidationError, match="Only the training coordinator"):
        change_capacity(run=run, capacity=10, actor=participant)
    assert fresh(run).capacity == 2
