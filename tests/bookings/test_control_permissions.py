"""The control area is the coordinator's: every page, for every persona."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from tests.bookings.conftest import NOW, self_paying
from trainingdesk.bookings import services
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.invoicing.models import Invoice


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def booking(participant, run, without_supervision) -> Booking:
    return services.book(participant=participant, run_id=run.pk, option_id=without_supervision.pk,
                         payer=self_paying())


def _urls(booking: Booking) -> list[str]:
    run_id, reference = booking.run_id, booking.reference
    return [
        reverse("control:index"),
        reverse("control:runs"),
        reverse("control:run_bookings", args=[run_id]),
        reverse("control:run_bookings_csv", args=[run_id]),
        reverse("control:cancel_run", args=[run_id]),
        reverse("control:change_places", args=[run_id]),
        reverse("control:cancel_booking", args=[reference]),
        reverse("control:transfer_booking", args=[reference]),
        reverse("control:record_payment", args=[reference]),
        reverse("control:outstanding"),
        reverse("control:outstanding_csv"),
        reverse("control:invoices_csv"),
        reverse("control:payments_csv"),
    ]


def test_it_sends_an_anonymous_visitor_to_sign_in(client, booking):
    for url in _urls(booking):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login") + "?next="), url


@pytest.mark.parametrize("persona", ["participant", "outsider", "trainer"])
def test_it_refuses_anyone_who_is_not_the_coordinator(client, booking, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for url in _urls(booking):
        assert client.get(url).status_code == 403, url


def test_the_booking_s_own_participant_cannot_cancel_it_here(client, booking, participant):
    client.force_login(participant)
    response = client.post(reverse("control:cancel_booking", args=[booking.reference]),
                           {"reason": "Trying", "full_refund": "on"})
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Invoice.objects.count() == 1


def test_it_lets_the_coordinator_in(client, booking, coordinator):
    client.force_login(coordinator)
    for url in _urls(booking):
        expected = 302 if url == reverse("control:index") else 200
        assert client.get(url).status_code == expected, url


def test_an_unknown_run_or_booking_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("control:run_bookings", args=[999])).status_code == 404
    assert client.get(reverse("control:cancel_booking", args=["BNOSUCH"])).status_code == 404


@pytest.mark.parametrize("persona", [None, "participant", "outsider", "trainer"])
def test_nobody_but_the_coordinator_changes_a_run_s_places_or_cancels_it(client, booking, persona,
                                                                         request):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    run = booking.run
    client.post(reverse("control:change_places", args=[run.pk]), {"capacity": 40})
    client.post(reverse("control:cancel_run", args=[run.pk]), {"reason": "x", "confirm": "on"})
    run.refresh_from_db()
    booking.refresh_from_db()
    assert (run.capacity, run.status, booking.status) == (2, "published", BookingStatus.CONFIRMED)
