"""Bookings: list, read, book (a seat with its invoice, or the waitlist when the run is full)
and cancel, through `bookings.services` exactly as the web pages call it.

Who books: a person's token books for its person (the coordinator's for anyone, by email); an
organisation's token books its staff, by email, as places the organisation pays for, and cancels
them under the provider's terms: the booking service's `employer`, with none of the
coordinator's powers, whoever made the token.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Body, Field, Query, Router, Schema

from trainingdesk.accounts.models import User
from trainingdesk.accounts.services import person_booked_for
from trainingdesk.api import idempotency
from trainingdesk.api.access import one_or_404, visible_bookings
from trainingdesk.api.auth import Caller, TokenAuth, caller_of
from trainingdesk.api.models import ApiToken, Scope
from trainingdesk.api.pagination import PageParams, filtered, paginate
from trainingdesk.api.problems import COMMON, Problem
from trainingdesk.api.schemas import Id, Input, Money, Price, Time, TimeIn
from trainingdesk.audit.log import log_action
from trainingdesk.bookings import services
from trainingdesk.bookings.models import Booking, BookingQuerySet, BookingStatus, Payer
from trainingdesk.catalogue.models import CourseRun

router = Router(tags=["Bookings"], auth=TokenAuth())

TERMS_REFUSAL = "Read the cancellation terms and accept them to book a place."


class BookingOut(Schema):
    reference: str = Field(..., examples=["BK7M2Q9XZ"])
    status: BookingStatus
    run_id: int
    run: str = Field(..., examples=["Foundation: Summer 2027"])
    participant_name: str
    participant_email: str
    option_id: int
    option: str
    price: Price
    payer: Payer
    organisation_id: int | None
    billing_name: str
    purchase_order: str
    waitlist_position: int | None
    invoices: list[str] = Field(..., description="Numbers of its invoices and credit notes.")
    balance: Money = Field(..., description="Still owed; negative when money is due back.")
    created_at: Time = Field(..., examples=["2027-03-01T10:00:00+00:00"])
    confirmed_at: Time | None
    waitlisted_at: Time | None
    offer_expires_at: Time | None
    cancelled_at: Time | None
    updated_at: Time = Field(..., description="Its last change of any kind.")
    url: str


class BookingPage(Schema):
    items: list[BookingOut]
    next: str | None


def _rows(bookings: BookingQuerySet) -> BookingQuerySet:
    return (bookings.select_related("run__level", "participant")
            .with_balance().with_waitlist_position().prefetch_related("invoices"))


def _out(request: HttpRequest, booking: Booking) -> BookingOut:
    return BookingOut(
        reference=booking.reference, status=BookingStatus(booking.status), run_id=booking.run_id,
        run=str(booking.run), participant_name=booking.participant.full_name,
        participant_email=booking.participant.email, option_id=booking.option_id,
        option=booking.option_name, price=Price.of(booking.price), payer=Payer(booking.payer),
        organisation_id=booking.organisation_id, billing_name=booking.billing_name,
        purchase_order=booking.purchase_order,
        waitlist_position=getattr(booking, "waitlist_position", None),
        invoices=sorted(invoice.number for invoice in booking.invoices.all()),
        balance=Money.of(booking.balance),  # type: ignore[attr-defined]  # with_balance()
        created_at=booking.created_at, confirmed_at=booking.confirmed_at,
        waitlisted_at=booking.waitlisted_at, offer_expires_at=booking.offer_expires_at,
        cancelled_at=booking.cancelled_at, updated_at=booking.updated_at,
        url=request.build_absolute_uri(f"/api/v1/bookings/{booking.reference}"),
    )


class BookingFilters(PageParams):
    created_after: TimeIn | None = Field(None, description="Booked after this time.")
    created_before: TimeIn | None = Field(None, description="Booked before this time.")
    updated_after: TimeIn | None = Field(
        None, description="Changed after this time: booked, confirmed, offered a place, "
        "cancelled, transferred or its details edited (a payment changes its invoice, not the "
        "booking). Give the time your last sync began.")
    run: Id | None = Field(None, description="A run's id.")
    status: BookingStatus | None = None


@router.get("/bookings", response={200: BookingPage, **COMMON},
            summary="Bookings this token may see, oldest first", description="Scope: read:bookings.")
def list_bookings(request: HttpRequest, filters: Query[BookingFilters]) -> BookingPage:
    caller = caller_of(request)
    caller.require(Scope.READ_BOOKINGS)
    bookings = filtered(visible_bookings(caller), filters, {
        "created_after": "created_at__gt", "created_before": "created_at__lt",
        "updated_after": "updated_at__gt", "run": "run_id", "status": "status"})
    page = paginate(request, _rows(bookings), order="created_at", kind=dt.datetime, params=filters)
    return BookingPage(items=[_out(request, b) for b in page.items], next=page.next)


def _visible(caller: Caller, reference: str) -> Booking:
    return one_or_404(_rows(visible_bookings(caller)), "booking", reference=reference)


@router.get("/bookings/{reference}", response={200: BookingOut, **COMMON},
            summary="One booking", description="Scope: read:bookings.")
def get_booking(request: HttpRequest, reference: str) -> BookingOut:
    caller = caller_of(request)
    caller.require(Scope.READ_BOOKINGS)
    return _out(request, _visible(caller, reference))


class BookingIn(Input):
    run: Id
    option: Id
    terms_accepted: bool = Field(..., description="The participant has read and accepted the "
                                 "provider's cancellation terms (required to be true).")
    participant_email: str | None = Field(
        None, max_length=254, description="Whom the place is for: required for an organisation's "
        "token; a person's token books for its person (the coordinator's for anyone).")
    participant_name: str = Field("", max_length=200,
                                  description="Their full name, when they have no account yet.")
    payer: Payer | None = Field(None, description="Default: self for a person's token, employer "
                                "(the token's organisation) for an organisation's token.")
    organisation: Id | None = Field(None, description="The paying employer's id (payer employer).")
    billing_name: str = Field("", max_length=200)
    billing_address: str = Field("", max_length=1000)
    billing_postcode: str = Field("", max_length=12)
    invoice_email: str = Field("", max_length=254)
    purchase_order: str = Field("", max_length=50)
    discount_code: str = Field("", max_length=30)

    model_config = {**Input.model_config, "json_schema_extra": {"examples": [{
        "run": 12, "option": 31, "terms_accepted": True,
        "participant_email": "sam@example.org", "purchase_order": "PO-2027-0042"}]}}


def _payer(caller: Caller, data: BookingIn) -> services.PayerDetails:
    """What the request says of the payer; an organisation's token by default pays itself (and
    the booking service refuses it any other payer)."""
    employer = caller.organisation
    return services.PayerDetails(
        payer=data.payer or (Payer.EMPLOYER if employer else Payer.SELF),
        organisation_id=data.organisation or (employer.pk if employer else None),
        billing_name=data.billing_name, billing_address=data.billing_address,
        billing_postcode=data.billing_postcode, invoice_email=data.invoice_email,
        purchase_order=data.purchase_order)


def _participant(caller: Caller, actor: User | None, data: BookingIn) -> User:
    email = (data.participant_email or "").strip()
    own = caller.user
    if own is not None and (not email or email.lower() == own.email.lower()):
        return own
    if not caller.is_coordinator and caller.organisation is None:
        raise Problem(403, "This token books places for its own person only.", kind="forbidden")
    if not email:
        raise ValidationError({"participant_email": "Enter the email address of the person the "
                                                    "place is for."})
    try:
        return person_booked_for(email=email, full_name=data.participant_name, actor=actor,
                                 employer=caller.organisation)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise ValidationError({"participant_email": error.messages}) from error


def _book(request: HttpRequest, caller: Caller, token: ApiToken, data: BookingIn
          ) -> tuple[int, dict[str, Any]]:
    if not data.terms_accepted:
        raise ValidationError({"terms_accepted": TERMS_REFUSAL})
    actor = caller.actor
    if not CourseRun.objects.filter(pk=data.run).exists():
        raise ValidationError({"run": "There is no such run."})
    now = timezone.now()
    with transaction.atomic():
        participant = _participant(caller, actor, data)
        booking = services.book(
            participant=participant, run_id=data.run, option_id=data.option,
            payer=_payer(caller, data), discount_code=data.discount_code,
            terms_accepted_at=now, now=now, actor=actor, employer=caller.organisation)
        log_action(actor, "api.booking.created", booking,
                   after=token.audit_note())
    fresh = _rows(Booking.objects.filter(pk=booking.pk)).get()
    return 201, _out(request, fresh).model_dump(mode="json")


@router.post("/bookings", response={201: BookingOut, **COMMON},
             summary="Book a place (or a place on the waitlist when the run is full)",
             description="Scope: book. Send an Idempotency-Key to retry safely.")
def create_booking(request: HttpRequest, data: BookingIn) -> HttpResponse:
    caller = caller_of(request)
    token = caller.require(Scope.BOOK)
    return idempotency.once(request, token, lambda: _book(request, caller, token, data))


class CancelIn(Input):
    reason: str = Field("", max_length=1000)


def _cancel(request: HttpRequest, caller: Caller, token: ApiToken, reference: str,
            reason: str) -> tuple[int, dict[str, Any]]:
    booking = _visible(caller, reference)
    actor = caller.actor
    with transaction.atomic():
        services.cancel_booking(booking=booking, actor=actor, reason=reason,
                                employer=caller.organisation)
        log_action(actor, "api.booking.cancelled", booking,
                   after=token.audit_note())
    fresh = _rows(Booking.objects.filter(pk=booking.pk)).get()
    return 200, _out(request, fresh).model_dump(mode="json")


@router.post("/bookings/{reference}/cancel", response={200: BookingOut, **COMMON},
             summary="Cancel a booking, or leave the waitlist, under the provider's terms",
             description="Scope: book. A confirmed place's invoice is credited; when the terms "
             "keep part of the price, a new invoice charges it.")
def cancel_booking(request: HttpRequest, reference: str,
                   data: CancelIn | None = Body(None)) -> HttpResponse:  # noqa: B008
    caller = caller_of(request)
    token = caller.require(Scope.BOOK)
    reason = data.reason if data is not None else ""
    return idempotency.once(request, token, lambda: _cancel(request, caller, token, reference, reason))
