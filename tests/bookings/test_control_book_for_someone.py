"""/control/runs/<id>/book/: the coordinator books a place for someone (a phone booking, or an
employer's staff one after another)."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from tests.bookings.conftest import NOW
from tests.factories import UserFactory
from trainingdesk.accounts.models import Organisation, User
from trainingdesk.audit.models import AuditEntry
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.invoicing.models import Invoice


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(run) -> str:
    return reverse("control:book_for_someone", args=[run.pk])


def _post(client, run, option, **fields):
    data = {"participant_email": "new.person@example.org", "participant_name": "Łucja Nguyễn",
            "option": option.pk, "payer": "self", "billing_name": "Łucja Nguyễn",
            "billing_address": "2 Low Road\nYork", "invoice_email": "new.person@example.org",
            "accept_terms": "on", **fields}
    return client.post(_url(run), data)


def test_the_coordinator_books_a_place_for_someone_with_no_account(client, coordinator, run,
                                                                   without_supervision):
    client.force_login(coordinator)
    assert "Book a place for someone" in client.get(
        reverse("control:run_bookings", args=[run.pk])).content.decode()
    response = _post(client, run, without_supervision)
    assert response.status_code == 302
    person = User.objects.get(email="new.person@example.org")
    assert person.full_name == "Łucja Nguyễn" and not person.has_usable_password()
    booking = Booking.objects.get(participant=person)
    assert booking.status == BookingStatus.CONFIRMED and booking.terms_accepted_at == NOW
    assert Invoice.objects.get(bookings=booking).customer_person == person
    confirmed = AuditEntry.objects.get(action="bookings.booking.confirmed")
    assert confirmed.actor == coordinator
    assert AuditEntry.objects.get(action="accounts.user.created_for_booking").actor == coordinator
    page = client.get(response["Location"]).content.decode()
    assert f"Łucja Nguyễn is booked: confirmed, booking {booking.reference}" in page


def test_an_existing_person_is_found_by_their_email_whatever_its_case(client, coordinator, run,
                                                                      without_supervision):
    existing = UserFactory(email="sam@example.org", full_name="Sam Okafor")
    client.force_login(coordinator)
    _post(client, run, without_supervision, participant_email="SAM@example.org",
          participant_name="")
    assert Booking.objects.get().participant == existing
    assert User.objects.count() == 2  # Sam and the coordinator: nobody new


def test_an_employer_s_staff_are_booked_one_after_another_with_the_employer_kept(
    client, coordinator, run, without_supervision
):
    client.force_login(coordinator)
    employer = {"payer": "employer", "organisation_name": "Leeds City Council",
                "organisation_address": "Civic Hall", "organisation_email": "ap@leeds.example.org",
                "purchase_order": "PO-1"}
    first = _post(client, run, without_supervision, participant_email="ann@example.org",
                  participant_name="Ann Able", **employer)
    council = Organisation.objects.get()
    form = client.get(first["Location"]).context["form"]
    assert (form["payer"].value(), form["organisation"].value()) == ("employer", council.pk)
    _post(client, run, without_supervision, participant_email="bob@example.org",
          participant_name="Bob Best", payer="employer", organisation=council.pk,
          purchase_order="PO-1")
    assert sorted(Booking.objects.values_list("participant__full_name", "organisation__name")) == [
        ("Ann Able", "Leeds City Council"), ("Bob Best", "Leeds City Council")]


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"participant_email": ""}, "participant_email",
     "Enter the email address of the person the place is for."),
    ({"participant_email": "not an email"}, "participant_email",
     "Enter an email address like name@example.org."),
    ({"participant_name": ""}, "participant_name",
     "Enter the person's full name: they have no account yet."),
    ({"accept_terms": ""}, "accept_terms",
     "Tell them the cancellation terms, and tick the box when they accept them."),
])
def test_what_is_missing_is_said_beside_its_field_and_nothing_is_saved(
    client, coordinator, run, without_supervision, fields, field, message
):
    client.force_login(coordinator)
    response = _post(client, run, without_supervision, **fields)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not Booking.objects.exists()
    assert not User.objects.filter(email="new.person@example.org").exists()


@pytest.mark.parametrize("persona", [None, "participant", "outsider", "trainer"])
def test_nobody_else_may_book_for_someone(client, run, without_supervision, persona, request):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    expected = 302 if persona is None else 403
    assert client.get(_url(run)).status_code == expected
    assert _post(client, run, without_supervision).status_code == expected
    assert not Booking.objects.exists()
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_the_form_speaks_of_them_not_of_you(client, coordinator, run, without_supervision):
    client.force_login(coordinator)
    page = client.get(_url(run)).content.decode()
    for words in ("They are paying themselves", "Their employer is paying",
                  "If their employer is paying", "They have been told the cancellation terms"):
        assert words in page
    for words in ("I am paying myself", "If your employer is paying", "Book my place"):
        assert words not in page
