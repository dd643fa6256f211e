"""The API's callers: one token for each kind (the participant, another participant, an
employer, another employer, the coordinator) with every scope, and a run to book in 3 months."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import CourseRunFactory, PriceOptionFactory, UserFactory, VatRateFactory
from trainingdesk.accounts.models import Organisation, User
from trainingdesk.api import services as tokens
from trainingdesk.api.models import Scope
from trainingdesk.bookings.models import Booking
from trainingdesk.bookings.services import PayerDetails, book
from trainingdesk.catalogue.models import CourseRun, PriceOption

ALL = list(Scope.values)
KINDS = ["anonymous", "participant", "other_participant", "employer", "other_employer",
         "coordinator"]
# Which of the world's three bookings (Pat's paid by the employer, Oscar's self-paid, Quinn's
# paid by the other employer) each kind of token sees: the rule of `access.visible_bookings`,
# which the records of a booking (confirmations, supervision places) follow too.
BOOKINGS_SEEN = {
    "participant": {"pats"},
    "other_participant": {"oscars"},
    "employer": {"pats"},
    "other_employer": {"quinns"},
    "coordinator": {"pats", "oscars", "quinns"},
}


@dataclass
class Api:
    """A test client that speaks to /api/v1/ with a bearer token (or none)."""

    client: Client

    def call(self, method: str, path: str, token: str | None = None, body: Any = None,
             raw: bytes | None = None, **headers: str) -> Any:
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        url = path if path.startswith("http") or path.startswith("/") else f"/api/v1/{path}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is None and method.upper() == "POST":
            data = b""  # as curl -X POST sends it: no body at all
        kwargs: dict[str, Any] = {"content_type": "application/json"} if data is not None else {}
        if data is not None:
            kwargs["data"] = data
        return getattr(self.client, method.lower())(url, **kwargs, **extra)

    def get(self, path: str, token: str | None = None, **headers: str) -> Any:
        return self.call("GET", path, token, **headers)

    def post(self, path: str, token: str | None = None, body: Any = None, **headers: str) -> Any:
        return self.call("POST", path, token, body, **headers)


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """The answer is RFC 9457 problem details with this status."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "errors"}
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.content.decode()
    return body


@pytest.fixture
def run(db: None) -> CourseRun:
    VatRateFactory()
    first = timezone.localdate() + dt.timedelta(days=90)
    return CourseRunFactory(
        title="Summer", capacity=3, days=[first + dt.timedelta(days=n) for n in range(4)],
        booking_closes_at=timezone.now() + dt.timedelta(days=80))


@pytest.fixture
def option(run: CourseRun) -> PriceOption:
    return PriceOptionFactory(run=run, name="With group supervision", net_amount=Decimal("660"))


@pytest.fixture
def employer(db: None) -> Organisation:
    return Organisation.objects.create(name="Northshire NHS Foundation Trust",
                                       billing_address="1 Hospital Road\nNorthshire",
                                       postcode="NE1 4LP", invoice_email="invoices@example.org")


@pytest.fixture
def other_employer(db: None) -> Organisation:
    return Organisation.objects.create(name="Southshire Council", billing_address="Town Hall",
                                       postcode="SO1 1AA", invoice_email="ap@example.org")


@pytest.fixture
def other_participant(outsider: User) -> User:
    return outsider


def self_paying(user: User) -> PayerDetails:
    return PayerDetails(billing_name=user.full_name, billing_address="1 High Street\nLeeds",
                        billing_postcode="LS1 1AA", invoice_email=user.email)


@dataclass
class World:
    """Who holds which token, and a booking each can and cannot see."""

    tokens: dict[str, str | None]
    pats_booking: Booking  # Pat's own, paid by the employer
    oscars_booking: Booking  # Oscar's own, self-paid
    quinns_booking: Booking  # Quinn's, paid by the other employer


@pytest.fixture
def world(participant: User, other_participant: User, coordinator: User, employer: Organisation,
          other_employer: Organisation, run: CourseRun, option: PriceOption) -> World:
    def token(**owner: Any) -> str:
        actor = coordinator if "organisation" in owner else owner["user"]
        return tokens.create_token(actor=actor, name="Tests", scopes=ALL, **owner).secret

    pats = book(participant=participant, run_id=run.pk, option_id=option.pk,
                payer=PayerDetails(payer="employer", organisation_id=employer.pk))
    oscars = book(participant=other_participant, run_id=run.pk, option_id=option.pk,
                  payer=self_paying(other_participant))
    quinn = UserFactory(full_name="Quinn Quill", email="quinn@example.org")
    quinns = book(participant=quinn, run_id=run.pk, option_id=option.pk,
                  payer=PayerDetails(payer="employer", organisation_id=other_employer.pk))
    return World(
        tokens={"anonymous": None, "participant": token(user=participant),
                "other_participant": token(user=other_participant),
                "employer": token(organisation=employer),
                "other_employer": token(organisation=other_employer),
                "coordinator": token(user=coordinator)},
        pats_booking=pats, oscars_booking=oscars, quinns_booking=quinns)
