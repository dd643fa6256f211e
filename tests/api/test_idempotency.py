"""POST with an Idempotency-Key: the same key and body answer the first answer and do nothing
twice, also when the requests arrive at once; the same key with another body is refused."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.conftest import ALL, Api, assert_problem
from tests.bookings.test_concurrency import race
from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory, VatRateFactory
from trainingdesk.accounts.models import Role
from trainingdesk.accounts.roles import grant_role
from trainingdesk.api import services as tokens
from trainingdesk.api.models import IdempotencyRecord
from trainingdesk.bookings.models import Booking
from trainingdesk.invoicing.models import Invoice, NumberSeries


def _body(run, option, email="new@example.org"):
    return {"run": run.pk, "option": option.pk, "terms_accepted": True,
            "participant_email": email, "participant_name": "New Person",
            "billing_name": "New Person", "billing_address": "1 High Street, Leeds",
            "invoice_email": email}


def test_the_same_key_and_body_answer_the_first_answer_and_book_once(api: Api, world, run, option):
    run.capacity = 10
    run.save()
    token = world.tokens["coordinator"]
    first = api.post("bookings", token, _body(run, option), **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    count = (Booking.objects.count(), Invoice.objects.count())
    again = api.post("bookings", token, _body(run, option), **{"Idempotency-Key": "k-1"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert (Booking.objects.count(), Invoice.objects.count()) == count


def test_the_same_key_with_another_body_is_refused(api, world, run, option):
    run.capacity = 10
    run.save()
    token = world.tokens["coordinator"]
    api.post("bookings", token, _body(run, option), **{"Idempotency-Key": "k-2"})
    count = Booking.objects.count()
    body = assert_problem(api.post("bookings", token, _body(run, option, "other@example.org"),
                                   **{"Idempotency-Key": "k-2"}), 422)
    assert body["detail"] == "This Idempotency-Key was used with a different request."
    assert Booking.objects.count() == count


def test_keys_are_each_token_s_own(api, world, run, option, coordinator):
    run.capacity = 10
    run.save()
    other = tokens.create_token(actor=coordinator, name="Second", scopes=ALL).secret
    api.post("bookings", world.tokens["coordinator"], _body(run, option), **{"Idempotency-Key": "k"})
    response = api.post("bookings", other, _body(run, option, "b@example.org"), **{"Idempotency-Key": "k"})
    assert response.status_code == 201


def test_a_refused_request_keeps_no_answer_so_the_key_may_be_used_again(api, world, run, option):
    run.capacity = 10
    run.save()
    token = world.tokens["coordinator"]
    refused = api.post("bookings", token, {**_body(run, option), "terms_accepted": False},
                       **{"Idempotency-Key": "k-3"})
    assert_problem(refused, 422)
    assert not IdempotencyRecord.objects.filter(key="k-3").exists()


def test_a_cancellation_with_a_key_is_done_once(api, world):
    reference = world.pats_booking.reference
    token = world.tokens["participant"]
    first = api.post(f"bookings/{reference}/cancel", token, **{"Idempotency-Key": "c"})
    again = api.post(f"bookings/{reference}/cancel", token, **{"Idempotency-Key": "c"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()


def test_a_key_too_long_is_refused(api, world, run, option):
    assert_problem(api.post("bookings", world.tokens["coordinator"], _body(run, option),
                            **{"Idempotency-Key": "k" * 256}), 422)


@pytest.mark.concurrency
@pytest.mark.xdist_group("concurrency")
@pytest.mark.django_db(transaction=True)
def test_two_requests_with_the_same_key_at_once_book_one_place():
    NumberSeries.objects.get_or_create(code="INV", defaults={"prefix": "INV-"})
    NumberSeries.objects.get_or_create(code="CN", defaults={"prefix": "CN-"})
    VatRateFactory()
    run = CourseRunFactory(capacity=10, days=[timezone.localdate() + dt.timedelta(days=60)],
                           booking_closes_at=timezone.now() + dt.timedelta(days=50))
    option = PriceOptionFactory(run=run, net_amount=Decimal("660"))
    coordinator = UserFactory()
    grant_role(coordinator, Role.COORDINATOR)
    secret = tokens.create_token(actor=coordinator, name="HR", scopes=ALL).secret
    body = json.dumps(_body(run, option))

    def post() -> tuple[int, bytes]:
        response = Client().post("/api/v1/bookings", data=body, content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_IDEMPOTENCY_KEY="same")
        return response.status_code, response.content

    answers = race([post] * 8)
    assert all(isinstance(a, tuple) for a in answers), answers
    assert {status for status, _ in answers} == {201}
    assert len({content for _, content in answers}) == 1
    assert Booking.objects.count() == 1
    assert Invoice.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
