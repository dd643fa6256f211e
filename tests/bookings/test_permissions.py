"""Who may open every participant-side bookings URL, and who may act on a booking.

Pat (the participant) owns a confirmed place, a place on a waitlist and an open offer. Oscar
(another participant) and Tom (a trainer) get a 404 for all of Pat's, so references and
invoice numbers cannot be probed, and their POSTs change nothing. Cora (the coordinator) may
look at any booking, its invoice and calendar, but acts from the control pages, not these.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from tests.bookings.conftest import NOW, RUN_DAYS, self_paying
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.bookings.services import book, cancel_booking
from trainingdesk.invoicing.models import Invoice


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class World:
    run_id: int
    confirmed: Booking
    waitlisted: Booking
    offered: Booking
    trainers_own: Booking

    @property
    def invoice(self) -> Invoice:
        return self.confirmed.invoices.get()


def _run_for_one(title: str):
    run = CourseRunFactory(title=title, capacity=1, days=RUN_DAYS)
    return run, PriceOptionFactory(run=run, net_amount=Decimal("500"))


def _book(person, run, option) -> Booking:
    return book(participant=person, run_id=run.pk, option_id=option.pk, payer=self_paying(),
                now=NOW)


@pytest.fixture
def world(participant, trainer, run, without_supervision) -> World:
    confirmed = _book(participant, run, without_supervision)
    trainers_own = _book(trainer, run, without_supervision)

    full, full_option = _run_for_one("Full run")
    _book(UserFactory(), full, full_option)
    waitlisted = _book(participant, full, full_option)

    freed, freed_option = _run_for_one("Freed run")
    leaver = _book(UserFactory(), freed, freed_option)
    offered = _book(participant, freed, freed_option)
    cancel_booking(booking=leaver, actor=leaver.participant, now=NOW)
    offered.refresh_from_db()
    assert (waitlisted.status, offered.status) == (BookingStatus.WAITLISTED, BookingStatus.OFFERED)
    return World(run.pk, confirmed, waitlisted, offered, trainers_own)


# (name, method, how to build the URL from the world)
PAGES = {
    "book": ("get", lambda w: reverse("bookings:book", args=[w.run_id])),
    "my_training": ("get", lambda w: reverse("bookings:my_training")),
    "detail": ("get", lambda w: reverse("bookings:detail", args=[w.confirmed.reference])),
    "calendar": ("get", lambda w: reverse("bookings:calendar", args=[w.confirmed.reference])),
    "invoice_pdf": ("get", lambda w: reverse("invoicing:pdf", args=[w.invoice.number])),
    "cancel_page": ("get", lambda w: reverse("bookings:cancel", args=[w.confirmed.reference])),
}
ACTIONS = {
    "cancel": lambda w: reverse("bookings:cancel", args=[w.confirmed.reference]),
    "accept_offer": lambda w: reverse("bookings:accept_offer", args=[w.offered.reference]),
    "decline_offer": lambda w: reverse("bookings:decline_offer", args=[w.offered.reference]),
    "leave_waitlist": lambda w: reverse("bookings:leave_waitlist", args=[w.waitlisted.reference]),
}
BOOKING_PAGES = ["detail", "calendar", "invoice_pdf"]  # the coordinator may look at these


def shows_the_booking(page: str, world: Any, response: Any) -> bool:
    """Whether a page that answered 200 really shows this world's confirmed booking."""
    if page == "invoice_pdf":
        return response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    if page == "calendar":
        text = response.content.decode()
        return text.startswith("BEGIN:VCALENDAR") and world.confirmed.reference in text
    if page == "book":  # its owner already has a place on the run, so the page points to it
        text = response.content.decode()
        return "You already have a place" in text and world.confirmed.get_absolute_url() in text
    return world.confirmed.reference in response.content.decode()


def state() -> list[tuple[str, str]]:
    """Every booking's status and every document: what a refused POST must leave alone."""
    return (list(Booking.objects.order_by("pk").values_list("reference", "status"))
            + list(Invoice.objects.order_by("pk").values_list("number", "kind")))


# --- anonymous -------------------------------------------------------------------------------

@pytest.mark.parametrize("page", [*PAGES, *ACTIONS])
def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client, world, page):
    method, make = PAGES[page] if page in PAGES else ("post", ACTIONS[page])
    url = make(world)
    before = state()
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    assert state() == before


# --- the owner -------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_the_participant_can_open_every_page_of_their_own(client, participant, world, page):
    method, make = PAGES[page]
    client.force_login(participant)
    response = getattr(client, method)(make(world))
    assert response.status_code == 200
    assert shows_the_booking(page, world, response)


@pytest.mark.parametrize(("action", "booking", "status"), [
    ("cancel", "confirmed", BookingStatus.CANCELLED),
    ("accept_offer", "offered", BookingStatus.CONFIRMED),
    ("decline_offer", "offered", BookingStatus.LEFT_WAITLIST),
    ("leave_waitlist", "waitlisted", BookingStatus.LEFT_WAITLIST),
])
def test_the_participant_can_act_on_their_own_booking(client, participant, world, action, booking,
                                                      status):
    client.force_login(participant)
    target: Booking = getattr(world, booking)
    response = client.post(ACTIONS[action](world))
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
    target.refresh_from_db()
    assert target.status == status


# --- another participant and a trainer -------------------------------------------------------

@pytest.mark.parametrize("persona", ["outsider", "trainer"])
@pytest.mark.parametrize("page", ["detail", "calendar", "invoice_pdf", "cancel_page"])
def test_someone_elses_booking_pages_are_not_found(client, world, request, persona, page):
    client.force_login(request.getfixturevalue(persona))
    method, make = PAGES[page]
    assert getattr(client, method)(make(world)).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "trainer"])
@pytest.mark.parametrize("page", ["book", "my_training"])
def test_anyone_signed_in_may_book_and_see_their_own_training(client, world, request, persona, page):
    client.force_login(request.getfixturevalue(persona))
    method, make = PAGES[page]
    response = getattr(client, method)(make(world))
    assert response.status_code == 200
    assert world.confirmed.reference not in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "trainer", "coordinator"])
@pytest.mark.parametrize("action", ACTIONS)
def test_a_post_against_someone_elses_booking_changes_nothing(client, world, request, persona,
                                                              action):
    client.force_login(request.getfixturevalue(persona))
    before = state()
    assert client.post(ACTIONS[action](world)).status_code == 404
    assert state() == before


def test_a_trainer_who_booked_a_place_sees_their_own_booking(client, trainer, world):
    client.force_login(trainer)
    booking = world.trainers_own
    assert client.get(booking.get_absolute_url()).status_code == 200
    assert client.get(reverse("invoicing:pdf", args=[booking.invoices.get().number])).status_code == 200
    assert client.get(reverse("bookings:calendar", args=[booking.reference])).status_code == 200


# --- the coordinator -------------------------------------------------------------------------

@pytest.mark.parametrize("page", [*BOOKING_PAGES, "book", "my_training"])
def test_the_coordinator_may_look_at_any_booking_its_invoice_and_calendar(client, coordinator,
                                                                         world, page):
    method, make = PAGES[page]
    client.force_login(coordinator)
    response = getattr(client, method)(make(world))
    assert response.status_code == 200
    if page in BOOKING_PAGES:
        assert shows_the_booking(page, world, response)


def test_the_coordinator_acts_from_the_control_pages_not_the_participants(client, coordinator,
                                                                          world):
    client.force_login(coordinator)
    assert client.get(PAGES["cancel_page"][1](world)).status_code == 404
