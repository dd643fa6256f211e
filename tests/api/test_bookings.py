"""Bookings through the API, for each kind of caller: who sees which booking, who may book and
cancel, and that a refusal changes nothing in the database."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import BOOKINGS_SEEN, KINDS, Api, World, assert_problem, self_paying
from tests.factories import UserFactory
from trainingdesk.accounts.models import User
from trainingdesk.api import services as tokens
from trainingdesk.audit.models import AuditEntry
from trainingdesk.bookings.models import Booking, BookingStatus
from trainingdesk.bookings.services import book
from trainingdesk.invoicing.models import Invoice


def _references(world: World, names: set[str]) -> set[str]:
    return {getattr(world, f"{name}_booking").reference for name in names}


def _state() -> tuple[int, int, int, list[str]]:
    return (Booking.objects.count(), Invoice.objects.count(), AuditEntry.objects.count(),
            sorted(Booking.objects.values_list("status", flat=True)))


@pytest.mark.parametrize("kind", KINDS)
def test_each_token_lists_only_the_bookings_it_may_see(api: Api, world: World, kind):
    response = api.get("bookings", world.tokens[kind])
    if kind == "anonymous":
        assert_problem(response, 401)
        return
    assert response.status_code == 200
    assert {b["reference"] for b in response.json()["items"]} == _references(world, BOOKINGS_SEEN[kind])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("whose", ["pats", "oscars", "quinns"])
def test_each_token_reads_a_booking_it_may_see_and_gets_404_for_another(api: Api, world: World,
                                                                        kind, whose):
    reference = getattr(world, f"{whose}_booking").reference
    response = api.get(f"bookings/{reference}", world.tokens[kind])
    if kind == "anonymous":
        assert_problem(response, 401)
    elif whose in BOOKINGS_SEEN[kind]:
        assert response.status_code == 200
        assert response.json()["reference"] == reference
    else:
        assert_problem(response, 404)


def test_a_booking_shows_its_price_invoice_and_balance(api: Api, world: World):
    body = api.get(f"bookings/{world.pats_booking.reference}", world.tokens["participant"]).json()
    assert body["status"] == "confirmed"
    assert body["price"]["gross"] == {"amount": "792.00", "currency": "GBP"}
    assert body["balance"] == {"amount": "792.00", "currency": "GBP"}
    assert body["invoices"] == [world.pats_booking.invoices.get().number]
    assert body["created_at"].endswith("+00:00")


def _booking(run, option, **more):
    return {"run": run.pk, "option": option.pk, "terms_accepted": True, **more}


def test_a_participant_books_their_own_place_as_the_booking_page_does(api, world, run, option,
                                                                      participant):
    Booking.objects.filter(participant=participant).update(status=BookingStatus.CANCELLED)
    response = api.post("bookings", world.tokens["participant"], _booking(
        run, option, billing_name="Pat Participant", billing_address="1 High Street",
        invoice_email="pat@example.org"))
    assert response.status_code == 201, response.content
    booking = Booking.objects.get(reference=response.json()["reference"])
    assert booking.participant == participant
    assert booking.terms_accepted_at is not None
    assert AuditEntry.objects.filter(action="api.booking.created", object_id=str(booking.pk),
                                     actor=participant).exists()
    assert AuditEntry.objects.filter(action__startswith="bookings.booking.",
                                     object_id=str(booking.pk)).exists()


def test_a_full_run_puts_the_api_booking_on_the_waitlist(api, world, run, option):
    response = api.post("bookings", world.tokens["employer"], _booking(
        run, option, participant_email="new@example.org", participant_name="New Person"))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "waitlisted" and body["waitlist_position"] == 1
    assert body["payer"] == "employer" and body["invoices"] == []


def test_an_employer_books_its_staff_paid_for_by_it_and_sees_the_invoice(api, world, run, option,
                                                                        employer):
    run.capacity = 10
    run.save()
    response = api.post("bookings", world.tokens["employer"], _booking(
        run, option, participant_email="staff@example.org", participant_name="Sam Staff",
        purchase_order="PO-1"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed" and body["organisation_id"] == employer.pk
    [number] = body["invoices"]
    invoice = api.get(f"invoices/{number}", world.tokens["employer"]).json()
    assert invoice["customer_organisation_id"] == employer.pk
    assert invoice["purchase_order"] == "PO-1"


@pytest.mark.parametrize(("kind", "status"), [
    ("anonymous", 401), ("participant", 403), ("other_participant", 403)])
def test_a_token_may_not_book_for_someone_else_unless_employer_or_coordinator(api, world, run,
                                                                               option, kind, status):
    before = _state()
    response = api.post("bookings", world.tokens[kind], _booking(
        run, option, participant_email="quinn@example.org"))
    assert_problem(response, status)
    assert _state() == before


def test_booking_without_accepting_the_terms_is_refused_at_that_field(api, world, run, option):
    before = _state()
    body = assert_problem(api.post("bookings", world.tokens["coordinator"], {
        **_booking(run, option, participant_email="new@example.org", participant_name="N"),
        "terms_accepted": False}), 422)
    assert body["errors"] == [{"field": "terms_accepted", "pointer": "/terms_accepted",
                               "message": "Read the cancellation terms and accept them to book a place."}]
    assert _state() == before


def test_the_service_s_refusals_come_back_field_by_field(api, world, run, option):
    run.capacity = 10
    run.save()
    before = _state()
    body = assert_problem(api.post("bookings", world.tokens["coordinator"], _booking(
        run, option, participant_email="new@example.org", participant_name="New",
        billing_postcode="???")), 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"billing_name", "billing_address", "invoice_email", "billing_postcode"} <= fields
    assert _state() == before


def test_booking_an_unknown_run_or_a_second_place_is_refused(api, world, run, option):
    before = _state()
    body = assert_problem(api.post("bookings", world.tokens["participant"], {
        "run": 999999, "option": option.pk, "terms_accepted": True}), 422)
    assert body["errors"][0]["field"] == "run"
    body = assert_problem(api.post("bookings", world.tokens["participant"], _booking(run, option)), 422)
    assert "already have a place" in body["detail"]
    assert _state() == before


def test_a_token_without_the_book_scope_may_not_book(api, world, run, option, participant):
    token = tokens.create_token(actor=participant, name="Read only",
                                scopes=["read:bookings"]).secret
    before = _state()
    body = assert_problem(api.post("bookings", token, _booking(run, option)), 403)
    assert body["detail"] == "This token may not book."
    assert_problem(api.post(f"bookings/{world.pats_booking.reference}/cancel", token), 403)
    assert _state() == before


CANCELS = {"participant": "pats", "other_participant": "oscars", "employer": "pats",
           "other_employer": "quinns", "coordinator": "oscars"}


@pytest.mark.parametrize("kind", KINDS)
def test_each_token_cancels_only_a_booking_it_may_see(api: Api, world: World, kind):
    others = {"pats", "oscars", "quinns"} - BOOKINGS_SEEN.get(kind, set())
    for whose in sorted(others):
        before = _state()
        reference = getattr(world, f"{whose}_booking").reference
        response = api.post(f"bookings/{reference}/cancel", world.tokens[kind])
        assert_problem(response, 401 if kind == "anonymous" else 404)
        assert _state() == before
    if kind == "anonymous":
        return
    booking = getattr(world, f"{CANCELS[kind]}_booking")
    response = api.post(f"bookings/{booking.reference}/cancel", world.tokens[kind],
                        {"reason": "Changed plans"})
    assert response.status_code == 200, response.content
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancellation_reason == "Changed plans"
    assert AuditEntry.objects.filter(action="api.booking.cancelled", object_id=str(booking.pk)).exists()


def test_cancelling_twice_is_refused_the_second_time(api, world):
    reference = world.pats_booking.reference
    assert api.post(f"bookings/{reference}/cancel", world.tokens["participant"]).status_code == 200
    before = _state()
    body = assert_problem(api.post(f"bookings/{reference}/cancel", world.tokens["participant"]), 422)
    assert body["detail"] == "This booking is already cancelled."
    assert _state() == before


def test_pages_are_stable_while_bookings_are_added(api, world, run, option, coordinator):
    run.capacity = 100
    run.save()
    for n in range(5):
        person = UserFactory()
        book(participant=person, run_id=run.pk, option_id=option.pk, payer=self_paying(person),
             now=timezone.now() + dt.timedelta(seconds=n))
    seen: list[str] = []
    url = "bookings?limit=3"
    first = api.get(url, world.tokens["coordinator"]).json()
    seen += [b["reference"] for b in first["items"]]
    # A booking made between two pages is on a later page, not a repeat of an earlier row.
    late = UserFactory()
    book(participant=late, run_id=run.pk, option_id=option.pk, payer=self_paying(late),
         now=timezone.now() + dt.timedelta(minutes=5))
    url = first["next"]
    while url:
        page = api.get(url, world.tokens["coordinator"]).json()
        seen += [b["reference"] for b in page["items"]]
        url = page["next"]
    expected = list(Booking.objects.order_by("created_at", "id").values_list("reference", flat=True))
    assert seen == expected
    assert len(seen) == 9


def test_a_cursor_this_api_did_not_give_is_refused(api, world):
    body = assert_problem(api.get("bookings?cursor=not-a-cursor", world.tokens["coordinator"]), 422)
    assert body["errors"][0]["field"] == "cursor"


def test_bookings_filter_by_time_and_refuse_a_time_without_offset(api, world):
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    response = api.get("bookings", world.tokens["coordinator"])
    assert len(response.json()["items"]) == 3
    after = api.get(f"bookings?created_after={quote(later)}", world.tokens["coordinator"])
    assert after.json()["items"] == []
    assert_problem(api.get("bookings?created_after=2026-01-01T10:00:00", world.tokens["coordinator"]), 422)


def test_an_integration_fetches_only_the_bookings_changed_since_its_last_sync(api, world):
    token = world.tokens["coordinator"]
    last_sync = timezone.now() + dt.timedelta(minutes=10)
    with time_machine.travel(last_sync + dt.timedelta(minutes=5), tick=False):
        api.post(f"bookings/{world.oscars_booking.reference}/cancel", token)
    changed = api.get(f"bookings?updated_after={quote(last_sync.isoformat())}", token).json()
    [item] = changed["items"]
    assert item["reference"] == world.oscars_booking.reference
    assert item["status"] == "cancelled"
    assert dt.datetime.fromisoformat(item["updated_at"]) == last_sync + dt.timedelta(minutes=5)
    # The cancellation offered the freed seat to nobody (the run has no waitlist): nothing else.
    earlier = (last_sync - dt.timedelta(minutes=20)).isoformat()
    assert len(api.get(f"bookings?updated_after={quote(earlier)}", token).json()["items"]) == 3


def _page_queries(api: Api, token: str) -> int:
    api.get("bookings?limit=1", token)  # the token's last use and the minute's count exist now
    with CaptureQueriesContext(connection) as queries:
        response = api.get("bookings?limit=100", token)
    assert response.status_code == 200
    return len(queries)


def test_a_page_of_100_bookings_takes_as_many_queries_as_a_page_of_one(api, world, run, option):
    run.capacity = 200
    run.save()
    one = _page_queries(api, world.tokens["participant"])
    for _ in range(100):
        person = UserFactory()
        book(participant=person, run_id=run.pk, option_id=option.pk, payer=self_paying(person))
    many = _page_queries(api, world.tokens["coordinator"])
    assert len(api.get("bookings?limit=100", world.tokens["coordinator"]).json()["items"]) == 100
    assert many == one


# --- an employer's token is the employer, not the coordinator who made it ---------------------

def test_an_employer_token_may_not_cancel_once_the_run_has_started_but_a_coordinator_may(
        api, world, run):
    reference = world.pats_booking.reference
    started = run.first_day().starts_at + dt.timedelta(hours=1)
    with time_machine.travel(started, tick=False):
        before = _state()
        body = assert_problem(api.post(f"bookings/{reference}/cancel", world.tokens["employer"]), 422)
        assert body["detail"] == "This run has started: ask the training coordinator to cancel."
        assert _state() == before
        response = api.post(f"bookings/{reference}/cancel", world.tokens["coordinator"])
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"


@pytest.mark.parametrize("payer", [{"payer": "self"}, {"payer": "employer", "organisation": "other"}])
def test_an_employer_token_may_book_only_places_its_organisation_pays_for(
        api, world, run, option, other_employer, payer):
    run.capacity = 10
    run.save()
    if payer.get("organisation") == "other":
        payer = {**payer, "organisation": other_employer.pk}
    before = _state()
    body = assert_problem(api.post("bookings", world.tokens["employer"], _booking(
        run, option, participant_email="staff@example.org", participant_name="Sam Staff",
        billing_name="Sam Staff", billing_address="1 Road", invoice_email="sam@example.org",
        **payer)), 422)
    assert body["errors"] == [{"field": "payer", "pointer": "/payer", "message":
                               "An employer books and cancels only the places it pays for."}]
    assert _state() == before
    assert not User.objects.filter(email="staff@example.org").exists()


def test_an_employer_token_outlives_its_maker_s_coordinator_role_and_account(
        api, world, run, option, coordinator):
    run.capacity = 10
    run.save()
    coordinator.groups.clear()  # no longer the coordinator
    response = api.post("bookings", world.tokens["employer"], _booking(
        run, option, participant_email="staff@example.org", participant_name="Sam Staff"))
    assert response.status_code == 201, response.content
    created = AuditEntry.objects.get(action="api.booking.created")
    assert created.actor == coordinator  # who answers for the token, though no longer coordinator
    coordinator.delete()
    reference = response.json()["reference"]
    response = api.post(f"bookings/{reference}/cancel", world.tokens["employer"])
    assert response.status_code == 200, response.content
    cancelled = AuditEntry.objects.get(action="api.booking.cancelled")
    assert cancelled.actor is None and cancelled.after["on_behalf_of"] == "Northshire NHS Foundation Trust"
