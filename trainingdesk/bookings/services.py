"""Every change to bookings, the waitlist, invoices and payments goes through these functions.

Each is atomic, locks what is scarce, writes its audit entry with `log_action` and queues its
emails in the outbox, which sends them only after the transaction commits.

The scarce thing is a run's seats. Every workflow that takes or frees a seat (booking,
accepting an offer, cancelling, transferring, expiring offers, cancelling a run) first locks
the run's row, so two requests can never both see the last seat free. On PostgreSQL that is
`SELECT ... FOR UPDATE`; on SQLite the IMMEDIATE transaction already holds the database's
write lock from its first statement, which serialises them the same way.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from trainingdesk.accounts.models import Organisation, User
from trainingdesk.accounts.services import employer_named
from trainingdesk.audit.log import log_action, snapshot
from trainingdesk.bookings import pricing
from trainingdesk.bookings.eligibility import admission_refusal
from trainingdesk.bookings.models import (
    ACTIVE,
    Booking,
    BookingInvoice,
    BookingStatus,
    CancellationTerm,
    DiscountCode,
    Payer,
    new_reference,
)
from trainingdesk.catalogue.models import CourseRun, PriceOption, RunStatus, VatTable
from trainingdesk.invoicing import services as invoicing
from trainingdesk.invoicing.models import Invoice, Payment, PaymentKind
from trainingdesk.lib import events
from trainingdesk.lib.access import require_coordinator
from trainingdesk.lib.money import TaxedAmount, format_gbp
from trainingdesk.lib.zones import format_short_day
from trainingdesk.notifications.services import send_email

ALREADY_BOOKED = "You already have a place (or a place on the waitlist) on this run."


def _today(now: dt.datetime) -> dt.date:
    """The provider's date at `now` (UK time): the tax point, the VAT rate's date, the last day
    of an early rate or a discount. Not the UTC date, which is a day behind after midnight BST."""
    return timezone.localdate(now)


@dataclass(frozen=True)
class PayerDetails:
    payer: str = Payer.SELF
    organisation_id: int | None = None
    billing_name: str = ""
    billing_address: str = ""
    billing_postcode: str = ""
    invoice_email: str = ""
    purchase_order: str = ""


# --- reading under lock ----------------------------------------------------------------------

def _lock_run(run_id: int) -> CourseRun:
    # With its days, read once for the start-date check, the invoice's description and the
    # email, rather than a query each while the run is locked.
    # The lock on the run's row is what keeps a rush for its last seat from overselling: every
    # booking, cancellation and offer counts the seats after taking it (on SQLite, the IMMEDIATE
    # transaction is the lock).
    return (
        CourseRun.objects.select_related("level__programme__provider").prefetch_related("days")
        .select_for_update(of=("self",)).get(pk=run_id)
    )


def _lock_booking(booking_id: int) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("run__level__programme__provider", "participant", "option")
        .get(pk=booking_id)
    )


def seats_taken(run: CourseRun) -> int:
    return run.bookings.holding_seats().count()


# --- booking ---------------------------------------------------------------------------------

def book(
    *,
    participant: User,
    run_id: int,
    option_id: int,
    payer: PayerDetails,
    discount_code: str = "",
    submission_token: uuid.UUID | None = None,
    terms_accepted_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    actor: User | None = None,
    employer: Organisation | None = None,
) -> Booking:
    """Book a place on a run: a confirmed seat with its VAT invoice, or a place on the waitlist
    when the run is full. Refuses with a ValidationError (field-keyed where it belongs to one
    field) and saves nothing when anything is wrong. A second submission of the same form
    (same `submission_token`) returns the first booking instead of making another.

    `actor`: who made the booking, when not the participant (the coordinator booking for
    someone on the phone, or for an employer's staff); audited as theirs.

    `employer`: an employer booking its own staff (its HR system, through the organisation's
    API token): the place must be one it pays for, and `actor` is whoever answers for the
    token (audited; None when their account is gone). It has none of the coordinator's powers."""
    now = now or timezone.now()
    if employer is not None:
        refuse_unless_paid_by(employer, payer.payer, payer.organisation_id)
    else:
        actor = actor or participant
        if actor.pk != participant.pk:
            require_coordinator(actor, "book places for other people")
    if submission_token and (earlier := _earlier_submission(participant, submission_token)):
        return earlier
    vat = VatTable.load()  # the rates are not scarce: read before taking the run's lock
    try:
        with transaction.atomic():
            run = _lock_run(run_id)
            if submission_token and (earlier := _earlier_submission(participant, submission_token)):
                return earlier
            option = _check_bookable(participant, run, option_id, now)
            payer_fields = _check_payer(payer)
            if payer_fields["payer"] == Payer.EMPLOYER and payer_fields["organisation"] is None:
                payer_fields["organisation"] = employer_named(
                    name=payer_fields["billing_name"], billing_address=payer_fields["billing_address"],
                    postcode=payer_fields["billing_postcode"],
                    invoice_email=payer_fields["invoice_email"], actor=actor)
            discount = _take_discount(discount_code, run, now)
            price = pricing.booking_price(
                option.net_amount, vat.rate(option.vat_category, _today(now)),
                discount_rule(discount) if discount else None,
            )
            has_seat = seats_taken(run) < run.capacity
            # A level that admits by application: a seat needs the approval; a place in line
            # does not (one may apply while waiting), but taking an offered seat will.
            if has_seat and (refusal := admission_refusal(participant, run.level, run)):
                raise ValidationError(refusal)
            booking = Booking.objects.create(
                reference=new_reference(), run=run, participant=participant, option=option,
                status=BookingStatus.CONFIRMED if has_seat else BookingStatus.WAITLISTED,
                option_name=option.name, supervision_hours=option.supervision_hours,
                unit_net=option.net_amount, discount_code=discount,
                discount_net=option.net_amount - price.net, vat_rate=price.rate,
                net=price.net, vat=price.vat, gross=price.gross,
                created_at=now, confirmed_at=now if has_seat else None,
                waitlisted_at=None if has_seat else now,
                submission_token=submission_token, terms_accepted_at=terms_accepted_at, **payer_fields,
            )
            if has_seat:
                invoice = issue_invoice(booking=booking, now=now)
                log_action(actor, "bookings.booking.confirmed", booking, after=snapshot(booking))
                events.emit(events.BOOKING_CONFIRMED, {"booking_id": booking.pk})
                _email_confirmation(booking, invoice)
            else:
                log_action(actor, "bookings.booking.waitlisted", booking, after=snapshot(booking))
                send_email(to=[participant.email], template="bookings/email/waitlisted.txt",
                            context=_context(booking))
            return booking
    except IntegrityError as exc:
        # The database's own guard against a second live booking of the same run.
        if submission_token and (earlier := _earlier_submission(participant, submission_token)):
            return earlier
        message = str(exc)
        if "one_active_booking_per_run" in message or "run_id, bookings_booking.participant_id" in message:
            raise ValidationError(ALREADY_BOOKED) from exc
        raise


EMPLOYER_PAYS_ONLY = "An employer books and cancels only the places it pays for."


def refuse_unless_paid_by(employer: Organisation, payer: str, organisation_id: int | None) -> None:
    """The rule of an employer acting for its staff: the place is one it pays for."""
    if payer != Payer.EMPLOYER or organisation_id != employer.pk:
        raise ValidationError({"payer": EMPLOYER_PAYS_ONLY})


def _earlier_submission(participant: User, token: uuid.UUID) -> Booking | None:
    return Booking.objects.filter(submission_token=token, participant=participant).first()


def _check_bookable(participant: User, run: CourseRun, option_id: int, now: dt.datetime) -> PriceOption:
    if refusal := run.refusal_to_book(now):
        raise ValidationError(refusal)
    if Booking.objects.filter(run=run, participant=participant, status__in=ACTIVE).exists():
        raise ValidationError(ALREADY_BOOKED)
    option = PriceOption.objects.filter(pk=option_id, run=run).first()
    if option is None:
        raise ValidationError({"option": "Choose one of this run's options."})
    if not option.open_to(participant):
        raise ValidationError({"option": f"The option “{option.name}” is for members only."})
    if not option.available_on(_today(now)):
        raise ValidationError({"option": f"The option “{option.name}” is no longer available."})
    return option


def _check_payer(payer: PayerDetails) -> dict[str, Any]:
    errors: dict[str, str] = {}
    organisation = None
    if payer.payer not in Payer.values:
        errors["payer"] = "Say who is paying."
    if payer.payer == Payer.EMPLOYER and payer.organisation_id:
        organisation = Organisation.objects.filter(pk=payer.organisation_id).first()
        if organisation is None:
            errors["organisation"] = "Choose your employer from the list."
    name = payer.billing_name.strip() or (organisation.name if organisation else "")
    address = payer.billing_address.strip() or (organisation.billing_address if organisation else "")
    postcode = payer.billing_postcode.strip().upper() or (organisation.postcode if organisation else "")
    email = payer.invoice_email.strip() or (organisation.invoice_email if organisation else "")
    if not name:
        errors["billing_name"] = "Enter the name the invoice is made out to."
    if not address:
        errors["billing_address"] = "Enter the billing address."
    if postcode and not looks_like_postcode(postcode):
        errors["billing_postcode"] = "Enter a real postcode, like SW1A 1AA."
    try:
        validate_email(email)
    except ValidationError:
        errors["invoice_email"] = "Enter an email address for the invoice, like name@example.org."
    purchase_order = payer.purchase_order.strip()
    if payer.payer == Payer.EMPLOYER and organisation and organisation.requires_purchase_order \
            and not purchase_order:
        errors["purchase_order"] = f"{organisation.name} requires a purchase-order number."
    if errors:
        raise ValidationError(errors)
    return {
        "payer": payer.payer, "organisation": organisation, "billing_name": name,
        "billing_address": address, "billing_postcode": postcode, "invoice_email": email.lower(),
        "purchase_order": purchase_order,
    }


def looks_like_postcode(postcode: str) -> bool:
    """A UK postcode, or a plausible foreign one (participants are international)."""
    uk = re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", postcode)
    foreign = re.fullmatch(r"[A-Z0-9][A-Z0-9 \-]{1,10}", postcode) and any(c.isdigit() for c in postcode)
    return bool(uk or foreign)


def _take_discount(code: str, run: CourseRun, now: dt.datetime) -> DiscountCode | None:
    code = code.strip()
    if not code:
        return None
    # Lock the code: two bookings may not both take its last use.
    discount = DiscountCode.objects.select_for_update().filter(code__iexact=code).first()
    refusal = pricing.discount_refusal(
        discount_rule(discount) if discount else None, today=_today(now), level_id=run.level_id
    )
    if refusal or discount is None:
        raise ValidationError({"discount_code": refusal})
    DiscountCode.objects.filter(pk=discount.pk).update(times_used=F("times_used") + 1)
    return discount


def _close(booking: Booking, *, reason: str, now: dt.datetime, actor: User | None,
           action: str = "bookings.booking.cancelled") -> None:
    """End a live booking, the one way every path does it (cancelling, a run's cancellation, an
    offer expiring): a place in line ends as "left the waitlist" and gives back its discount
    code's use; a confirmed place ends as cancelled. Audited. Call with the run locked."""
    before = snapshot(booking)
    was_waiting = booking.status in (BookingStatus.WAITLISTED, BookingStatus.OFFERED)
    booking.status = BookingStatus.LEFT_WAITLIST if was_waiting else BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.offer_expires_at = None
    booking.cancellation_reason = reason
    booking.save(update_fields=["status", "cancelled_at", "offer_expires_at", "cancellation_reason"])
    if was_waiting:
        _release_discount(booking)
    log_action(actor, action, booking, before=before, after=snapshot(booking), reason=reason)
    events.emit(events.BOOKING_CANCELLED, {"booking_id": booking.pk})


def _release_discount(booking: Booking) -> None:
    """Give back the use of a discount code taken by a booking that never held a place (it
    left the waitlist, declined or let its offer expire): a limited code is for places."""
    if booking.discount_code_id is not None:
        DiscountCode.objects.filter(pk=booking.discount_code_id, times_used__gt=0).update(
            times_used=F("times_used") - 1)


def discount_rule(discount: DiscountCode) -> pricing.Discount:
    return pricing.Discount(
        code=discount.code, percent_off=discount.percent_off, amount_off=discount.amount_off,
        valid_until=discount.valid_until, max_uses=discount.max_uses,
        times_used=discount.times_used, level_id=discount.level_id,
    )


# --- documents -------------------------------------------------------------------------------

def _describe(booking: Booking) -> str:
    run = booking.run
    level = run.level
    dates = ", ".join(format_short_day(d.date) for d in run.days.all())  # ordered by number
    accreditation = f" ({level.accreditation})" if level.accreditation else ""
    text = (f"{level.programme.name}: {level.name}{accreditation}, {run.title}. "
            f"{booking.option_name}. Participant: {booking.participant.full_name}. Days: {dates}.")
    if booking.discount_net:
        text += f" Discount {booking.discount_code}: {format_gbp(booking.discount_net)} off."
    return text


def _customer(booking: Booking) -> invoicing.Customer:
    """Who a booking's invoice is made out to: the employer's organisation when the employer
    pays, else the participant; with the billing details as entered."""
    employer = booking.organisation_id if booking.payer == Payer.EMPLOYER else None
    return invoicing.Customer(
        name=booking.billing_name,
        address="\n".join(filter(None, [booking.billing_address, booking.billing_postcode])),
        email=booking.invoice_email, purchase_order=booking.purchase_order,
        person_id=None if employer else booking.participant_id, organisation_id=employer,
    )


def _invoice(booking: Booking, lines: list[invoicing.Line], now: dt.datetime,
             actor: User | None = None) -> Invoice:
    invoice = invoicing.issue_invoice(
        supplier=booking.run.level.programme.provider, customer=_customer(booking), lines=lines,
        now=now, participant=booking.participant, actor=actor,
    )
    _link(booking, [invoice])
    return invoice


def issue_invoice(*, booking: Booking, now: dt.datetime) -> Invoice:
    """The VAT invoice for a confirmed booking, at the price copied onto the booking."""
    return _invoice(booking, [invoicing.Line(_describe(booking), booking.price)], now)


def _open_invoices(booking: Booking) -> list[Invoice]:
    """The booking's invoices that no credit note has cancelled yet (prefetched into
    `open_invoices` by a caller handling many bookings, else read here)."""
    prefetched = getattr(booking, "open_invoices", None)
    if prefetched is not None:
        return list(prefetched)
    return list(Invoice.objects.filter(bookings=booking).not_credited().prefetch_related("lines"))


def _credit_everything(booking: Booking, reason: str, now: dt.datetime,
                       actor: User | None = None) -> list[Invoice]:
    credit_notes = [invoicing.issue_credit_note(invoice=inv, reason=reason, now=now, actor=actor)
                    for inv in _open_invoices(booking)]
    _link(booking, credit_notes)
    return credit_notes


def _link(booking: Booking, documents: list[Invoice]) -> None:
    """Keep the documents among the booking's own (an insert; `invoices.add` would read first)."""
    BookingInvoice.objects.bulk_create(BookingInvoice(booking=booking, invoice=d) for d in documents)


# --- cancellations ---------------------------------------------------------------------------

def cancellation_terms_for(run: CourseRun, now: dt.datetime) -> tuple[int, Decimal]:
    """(days' notice, refund %) if the participant cancelled now."""
    first_day = run.first_day()
    notice = (first_day.date - timezone.localdate(now, ZoneInfo(run.time_zone))).days if first_day else 0
    terms = list(
        CancellationTerm.objects.filter(provider=run.level.programme.provider)
        .values_list("days_notice", "refund_percent")
    )
    return notice, pricing.refund_percent(terms, days_notice=notice)


@dataclass(frozen=True)
class CancellationQuote:
    """What cancelling a confirmed booking now costs under the provider's terms."""

    days_notice: int
    refund_percent: Decimal
    kept: Decimal  # gross, kept as a cancellation charge
    refund: Decimal  # gross, of what was invoiced


def _quote(booking: Booking, invoices: list[Invoice], notice: int, refund: Decimal) -> CancellationQuote:
    invoiced = sum((inv.total_gross for inv in invoices), Decimal(0))
    kept = sum((pricing.retained_amount(inv.total_gross, refund) for inv in invoices), Decimal(0))
    return CancellationQuote(notice, refund, kept, invoiced - kept)


def cancellation_quote(*, booking: Booking, now: dt.datetime) -> CancellationQuote:
    """The terms the booking's page shows: computed exactly as `cancel_booking` will charge."""
    notice, refund = cancellation_terms_for(booking.run, now)
    return _quote(booking, _open_invoices(booking), notice, refund)


def cancel_booking(
    *, booking: Booking, actor: User | None, reason: str = "", full_refund: bool = False,
    now: dt.datetime | None = None, notify: bool = True, employer: Organisation | None = None,
) -> Booking:
    """Cancel a booking (or leave the waitlist). An invoiced booking gets a credit note for its
    invoice; when the provider's terms keep part of the price, a new invoice for that
    cancellation charge. The freed seat is offered to the first person on the waitlist.

    Participants cancel under the provider's terms; the coordinator may refund in full. An
    `employer` (see `book`) cancels the places it pays for, under the terms, as the participant
    would; `actor` is then whoever answers for it, or None."""
    return _cancel(booking=booking, actor=actor, reason=reason, full_refund=full_refund,
                   now=now, notify=notify, waiting_only=False, employer=employer)


def _cancel(
    *, booking: Booking, actor: User | None, reason: str, full_refund: bool,
    now: dt.datetime | None, notify: bool, waiting_only: bool, employer: Organisation | None = None,
) -> Booking:
    now = now or timezone.now()
    with transaction.atomic():
        run = _lock_run(booking.run_id)
        booking = _lock_booking(booking.pk)
        is_coordinator = employer is None and actor is not None and actor.is_coordinator
        if employer is not None:
            refuse_unless_paid_by(employer, booking.payer, booking.organisation_id)
        elif actor is None or (booking.participant_id != actor.pk and not is_coordinator):
            raise ValidationError("You can only cancel your own bookings.")
        if booking.status not in ACTIVE:
            raise ValidationError("This booking is already cancelled.")
        if waiting_only and booking.status not in (BookingStatus.WAITLISTED, BookingStatus.OFFERED):
            # Checked under the lock: declining must never cancel a place already confirmed
            # (say, one accepted a moment ago in another tab).
            raise ValidationError("This place is confirmed, so there is no offer to decline. "
                                  "Cancel the booking instead.")
        if not is_coordinator and run.has_started(now):
            raise ValidationError("This run has started: ask the training coordinator to cancel.")
        held_seat = booking.holds_seat
        was_waiting = booking.status in (BookingStatus.WAITLISTED, BookingStatus.OFFERED)
        credit_notes: list[Invoice] = []
        charge: Invoice | None = None
        if booking.is_confirmed:
            notice, refund = cancellation_terms_for(run, now)
            if full_refund and is_coordinator:
                refund = Decimal(100)
            quote = _quote(booking, _open_invoices(booking), notice, refund)
            credit_notes = _credit_everything(booking, reason or "Booking cancelled", now, actor)
            retained = quote.kept
            if retained > 0:
                amount = TaxedAmount.from_gross(retained, booking.vat_rate)
                charge = _invoice(booking, [invoicing.Line(
                    f"Cancellation charge for booking {booking.reference} ({run}), {notice} "
                    f"days' notice: {(100 - refund).normalize():f}% of the price is kept under "
                    "the cancellation terms.", amount)], now, actor)
        _close(booking, reason=reason, now=now, actor=actor)
        if notify:
            send_email(
                to=_recipients(booking), template="bookings/email/cancelled.txt",
                context={**_context(booking), "credit_notes": credit_notes, "charge": charge,
                         "was_waiting": was_waiting},
                attachments=[{"kind": "invoice", "id": d.pk} for d in [*credit_notes, charge] if d],
            )
        if held_seat:
            offer_free_seats(run=run, now=now)
        return booking


class AlsoOnTheRun(Protocol):
    """What an app above bookings has on a run that its cancellation must deal with (a make-up
    day another run's participant was given on it). Bookings asks; the app answers, having
    registered itself with `when_a_run_is_cancelled` at start-up."""

    def count_on(self, run: CourseRun) -> str | None:
        """What the cancel page warns of, in a sentence; None when there is nothing."""

    def cancel_on(self, *, run: CourseRun, reason: str, actor: User, now: dt.datetime) -> str | None:
        """Deal with it inside the run's cancellation (audited, people told); say what was done."""


_also_on_a_run: list[AlsoOnTheRun] = []


def when_a_run_is_cancelled(party: AlsoOnTheRun) -> None:
    _also_on_a_run.append(party)


def also_on_the_run(run: CourseRun) -> list[str]:
    """What else a cancellation of this run affects, for the page that asks to confirm it."""
    return [text for party in _also_on_a_run if (text := party.count_on(run))]


@dataclass(frozen=True)
class RunCancellation:
    bookings: int
    also: list[str]


def cancel_run(*, run: CourseRun, actor: User, reason: str,
               now: dt.datetime | None = None) -> RunCancellation:
    """Cancel a run: every live booking is cancelled with a full credit note, everyone booked
    or waiting is told, and whatever else is on the run (make-up days) is dealt with by the app
    that owns it. Returns how many bookings were cancelled and what else was done."""
    now = now or timezone.now()
    require_coordinator(actor, "cancel a run")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the run is cancelled: participants are told."})
    with transaction.atomic():
        run = _lock_run(run.pk)
        if run.status == RunStatus.CANCELLED:
            raise ValidationError("This run is already cancelled.")
        before = snapshot(run)
        run.status = RunStatus.CANCELLED
        run.save(update_fields=["status"])
        log_action(actor, "catalogue.run.cancelled", run, before=before, after=snapshot(run),
                   reason=reason)
        # Everything the loop below reads, read up front: it only writes, a booking at a time.
        bookings = list(
            run.bookings.filter(status__in=ACTIVE)
            .select_related("participant", "run__level__programme__provider")
            .prefetch_related(Prefetch("invoices", to_attr="open_invoices",
                                       queryset=Invoice.objects.not_credited().prefetch_related("lines")))
        )
        for booking in bookings:
            credit_notes = _credit_everything(booking, f"Run cancelled: {reason}", now, actor)
            _close(booking, reason=f"Run cancelled: {reason}", now=now, actor=actor)
            send_email(
                to=_recipients(booking), template="bookings/email/run_cancelled.txt",
                context={**_context(booking), "reason": reason, "credit_notes": credit_notes},
                attachments=[{"kind": "invoice", "id": d.pk} for d in credit_notes],
            )
        also = [text for party in _also_on_a_run
                if (text := party.cancel_on(run=run, reason=reason, actor=actor, now=now))]
        return RunCancellation(bookings=len(bookings), also=also)


# --- the waitlist ----------------------------------------------------------------------------

def offer_free_seats(*, run: CourseRun, now: dt.datetime) -> list[Booking]:
    """Offer each free seat to the next person in line. Call with the run locked."""
    free = run.capacity - seats_taken(run)
    if free <= 0:
        return []
    hours = run.level.programme.provider.waitlist_offer_hours
    offered = list(run.bookings.waitlist().select_related("participant")[:free])
    for booking in offered:
        before = snapshot(booking)
        booking.status = BookingStatus.OFFERED
        booking.offer_expires_at = now + dt.timedelta(hours=hours)
        booking.save(update_fields=["status", "offer_expires_at"])
        log_action(None, "bookings.waitlist.offered", booking, before=before, after=snapshot(booking))
        events.emit(events.WAITLIST_OFFER_MADE, {"booking_id": booking.pk})
        send_email(to=[booking.participant.email], template="bookings/email/offer.txt",
                    context={**_context(booking), "expires_at": booking.offer_expires_at})
    return offered


def accept_offer(*, booking: Booking, actor: User, now: dt.datetime | None = None) -> Booking:
    """Take the seat a waitlist offer holds: the booking is confirmed and invoiced."""
    now = now or timezone.now()
    with transaction.atomic():
        run = _lock_run(booking.run_id)
        booking = _lock_booking(booking.pk)
        if booking.participant_id != actor.pk:
            raise ValidationError("This offer is not yours.")
        if booking.status != BookingStatus.OFFERED:
            raise ValidationError("There is no open offer on this booking.")
        if refusal := admission_refusal(booking.participant, run.level, run):
            raise ValidationError(refusal)
        expired = booking.offer_has_expired(now)
        if expired:
            # Pass the seat on, and let that commit: raising inside this block would undo it.
            _expire(booking, now)
            offer_free_seats(run=run, now=now)
    if expired:
        raise ValidationError("Sorry, this offer has expired and has passed to the next person.")
    with transaction.atomic():
        run = _lock_run(booking.run_id)
        booking = _lock_booking(booking.pk)
        if booking.status != BookingStatus.OFFERED:
            raise ValidationError("There is no open offer on this booking.")
        before = snapshot(booking)
        # The net price is the one chosen on joining the waitlist; the VAT is the rate on the
        # day the place is taken, the invoice's tax point.
        rate = VatTable.load().rate(booking.option.vat_category, _today(now))
        price = TaxedAmount.from_net(booking.net, rate)
        booking.vat_rate, booking.vat, booking.gross = price.rate, price.vat, price.gross
        booking.status = BookingStatus.CONFIRMED
        booking.confirmed_at = now
        booking.offer_expires_at = None
        booking.save(update_fields=["status", "confirmed_at", "offer_expires_at", "vat_rate", "vat",
                                    "gross"])
        invoice = issue_invoice(booking=booking, now=now)
        log_action(actor, "bookings.waitlist.accepted", booking, before=before, after=snapshot(booking))
        events.emit(events.BOOKING_CONFIRMED, {"booking_id": booking.pk})
        _email_confirmation(booking, invoice)
        return booking


def decline_offer(*, booking: Booking, actor: User, now: dt.datetime | None = None) -> Booking:
    """Turn down a waitlist offer (or leave the waitlist): the seat passes to the next."""
    return _cancel(booking=booking, actor=actor, reason="Declined the offer of a place",
                   full_refund=False, now=now, notify=False, waiting_only=True)


def leave_waitlist(*, booking: Booking, actor: User, now: dt.datetime | None = None) -> Booking:
    """Leave the waitlist (declining any open offer). Checked under the lock: a place confirmed
    a moment ago in another tab is never cancelled this way."""
    reason = ("Declined the offer of a place" if booking.status == BookingStatus.OFFERED
              else "Left the waitlist")
    return _cancel(booking=booking, actor=actor, reason=reason, full_refund=False, now=now,
                   notify=False, waiting_only=True)


def _expire(booking: Booking, now: dt.datetime) -> None:
    _close(booking, reason="The offer of a place expired", now=now, actor=None,
           action="bookings.waitlist.expired")
    send_email(to=[booking.participant.email], template="bookings/email/offer_expired.txt",
               context=_context(booking))


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Pass every expired offer to the next in line. Run every few minutes by the scheduler
    (`manage.py expire_waitlist_offers`). Returns how many offers expired."""
    now = now or timezone.now()
    run_ids = set(
        Booking.objects.expired_offers(now).values_list("run_id", flat=True)
    )
    expired = 0
    for run_id in sorted(run_ids):
        with transaction.atomic():
            run = _lock_run(run_id)
            stale = list(Booking.objects.filter(run=run).expired_offers(now)
                         .select_related("participant", "run__level__programme"))
            for booking in stale:
                _expire(booking, now)
            expired += len(stale)
            offer_free_seats(run=run, now=now)
    return expired


# --- transfers -------------------------------------------------------------------------------

def transfer_booking(
    *, booking: Booking, to_run: CourseRun, to_option_id: int | None, actor: User,
    now: dt.datetime | None = None,
) -> Booking:
    """Move a confirmed booking to another run of the same level. Its invoice is credited and
    a new one issued for the new run; what was paid on the old invoice is allocated to the new one,
so nothing paid is lost."""
    now = now or timezone.now()
    require_coordinator(actor, "transfer a booking")
    with transaction.atomic():
        # Lock both runs in id order, so two opposite transfers cannot deadlock.
        locked = {r.pk: r for r in (_lock_run(pk) for pk in sorted({booking.run_id, to_run.pk}))}
        source, target = locked[booking.run_id], locked[to_run.pk]
        booking = _lock_booking(booking.pk)
        if booking.status != BookingStatus.CONFIRMED:
            raise ValidationError("Only a confirmed booking can be transferred.")
        if target.pk == source.pk:
            raise ValidationError({"to_run": "Choose a different run."})
        if target.level_id != source.level_id:
            raise ValidationError({"to_run": "A booking can only move to a run of the same level."})
        if target.status != RunStatus.PUBLISHED:
            raise ValidationError({"to_run": "That run is not published."})
        if target.has_started(now):
            raise ValidationError({"to_run": "That run has already started."})
        if Booking.objects.filter(run=target, participant=booking.participant_id,
                                  status__in=ACTIVE).exists():
            raise ValidationError({"to_run": "The participant already has a booking on that run."})
        if seats_taken(target) >= target.capacity:
            raise ValidationError({"to_run": "That run is full."})
        option = _matching_option(booking, target, to_option_id)
        before = snapshot(booking)
        credited = _open_invoices(booking)
        credit_notes = _credit_everything(booking, f"Transferred to {target}", now, actor)
        vat = VatTable.load()
        # A discount given at booking moves with the booking (its use was counted then), so a
        # transfer the participant did not cause never costs them more.
        discount = booking.discount_code
        price = pricing.booking_price(option.net_amount, vat.rate(option.vat_category, _today(now)),
                                      discount_rule(discount) if discount else None)
        booking.run = target
        booking.option = option
        booking.option_name = option.name
        booking.supervision_hours = option.supervision_hours
        booking.unit_net = option.net_amount
        booking.discount_net = option.net_amount - price.net
        booking.vat_rate, booking.net, booking.vat, booking.gross = (
            price.rate, price.net, price.vat, price.gross)
        booking.save()
        invoice = issue_invoice(booking=booking, now=now)
        invoicing.move_payments(from_invoices=credited, to_invoice=invoice, actor=actor)
        log_action(actor, "bookings.booking.transferred", booking, before=before,
                   after=snapshot(booking))
        # The joining link and calendar go to the participant only; a payer who is someone
        # else (an employer's accounts team) gets the credit notes and the new invoice.
        documents = [{"kind": "invoice", "id": d.pk} for d in [*credit_notes, invoice]]
        send_email(
            to=[booking.participant.email], template="bookings/email/transferred.txt",
            context={**_context(booking), "from_run": source, "credit_notes": credit_notes,
                     "invoice": invoice},
            attachments=[*documents, {"kind": "ics", "id": booking.pk}],
        )
        if booking.invoice_email.lower() != booking.participant.email.lower():
            send_email(to=[booking.invoice_email], template="bookings/email/invoice_to_payer.txt",
                        context={**_context(booking), "invoice": invoice},
                        attachments=documents)
        offer_free_seats(run=source, now=now)
        return booking


def _matching_option(booking: Booking, target: CourseRun, option_id: int | None) -> PriceOption:
    options = list(target.options.all())
    if option_id is not None:
        chosen = next((o for o in options if o.pk == option_id), None)
        if chosen is None:
            raise ValidationError({"to_option": "Choose one of that run's options."})
        return chosen
    same = [o for o in options if o.name == booking.option_name] or [
        o for o in options if o.supervision_hours == booking.supervision_hours]
    if not same:
        raise ValidationError({"to_option": "Choose which of that run's options to move to."})
    return same[0]


# --- payments --------------------------------------------------------------------------------

def record_payment(
    *, booking: Booking, amount: Decimal, received_on: dt.date, method: str, reference: str,
    actor: User, kind: str = PaymentKind.PAYMENT, invoice_number: str = "",
) -> Payment:
    """Record a payment (or refund) against one of the booking's invoices: the one named, else
    the latest still owed money (for a refund, the latest paid)."""
    invoices = list(Invoice.objects.filter(bookings=booking).invoices().with_balance()
                    .order_by("-issued_at", "-id"))
    invoice: Invoice | None
    if invoice_number:
        invoice = next((i for i in invoices if i.number == invoice_number), None)
    else:
        figure = "paid" if kind == PaymentKind.REFUND else "balance"  # annotated
        wanted = [i for i in invoices if getattr(i, figure) > 0]
        invoice = next(iter(wanted or invoices), None)
    if invoice is None:
        raise ValidationError({"invoice": "Choose one of this booking's invoices."})
    return invoicing.record_payment(invoice=invoice, amount=amount, received_on=received_on,
                                    method=method, reference=reference, kind=kind, actor=actor)


# --- emails ----------------------------------------------------------------------------------

def _recipients(booking: Booking) -> list[str]:
    emails = [booking.participant.email]
    if booking.invoice_email and booking.invoice_email.lower() != booking.participant.email.lower():
        emails.append(booking.invoice_email)
    return emails


def _context(booking: Booking) -> dict[str, Any]:
    return {"booking": booking, "run": booking.run, "participant": booking.participant}


def _email_confirmation(booking: Booking, invoice: Invoice) -> None:
    """To the participant: the confirmation, the invoice and the calendar with the joining link.
    To the payer, when someone else pays: the invoice."""
    send_email(
        to=[booking.participant.email], template="bookings/email/confirmed.txt",
        context={**_context(booking), "invoice": invoice},
        attachments=[{"kind": "invoice", "id": invoice.pk}, {"kind": "ics", "id": booking.pk}],
    )
    if booking.invoice_email.lower() != booking.participant.email.lower():
        send_email(to=[booking.invoice_email], template="bookings/email/invoice_to_payer.txt",
                    context={**_context(booking), "invoice": invoice},
                    attachments=[{"kind": "invoice", "id": invoice.pk}])


# --- a run's places --------------------------------------------------------------------------

def places_taken_message(taken: int) -> str:
    if taken == 1:
        return "1 place is already taken: the run needs at least 1 place."
    return f"{taken} places are already taken: the run needs at least {taken} places."


def change_capacity(
    *, run: CourseRun, capacity: int, actor: User, now: dt.datetime | None = None
) -> CourseRun:
    """Change how many places a run has. Refused below the places already taken (confirmed or
    offered); new places go to the waitlist first, in order, before any new booker sees them."""
    now = now or timezone.now()
    require_coordinator(actor, "change a run's places")
    if capacity < 1:
        raise ValidationError({"capacity": "A run needs at least one place."})
    with transaction.atomic():
        # Locked as a booking locks it: otherwise a booking could take a seat between counting
        # the places taken and saving fewer, or take a new place ahead of the waitlist.
        run = _lock_run(run.pk)
        taken = seats_taken(run)
        if capacity < taken:
            raise ValidationError({"capacity": places_taken_message(taken)})
        if capacity == run.capacity:
            return run
        before = snapshot(run)
        run.capacity = capacity
        run.save(update_fields=["capacity"])
        log_action(actor, "catalogue.run.capacity_changed", run, before=before,
                   after=snapshot(run))
        offer_free_seats(run=run, now=now)
        return run
