"""The participant's side of bookings: booking a place, "My training", one booking's page with
its offer, waitlist and cancellation, and the invoice and calendar downloads.

Each view parses, calls one service, and renders. Who may see what is decided by the small
access helpers below: a participant sees only their own bookings and documents (anyone else's
is a 404, so references cannot be probed); the coordinator may look at any of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trainingdesk.accounts.models import User
from trainingdesk.bookings import documents, selectors, services
from trainingdesk.bookings.eligibility import admission_refusal
from trainingdesk.bookings.forms import BookingForm, CancelForm
from trainingdesk.bookings.models import Booking, BookingStatus, CancellationTerm
from trainingdesk.catalogue import presentation
from trainingdesk.catalogue.models import Audience, CourseRun, PriceOption, VatTable
from trainingdesk.invoicing.models import Invoice
from trainingdesk.lib.money import TaxedAmount
from trainingdesk.lib.zones import format_date_set

# --- access helpers --------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _booking_for(request: HttpRequest, reference: str) -> Booking:
    """A booking its owner or the coordinator may look at; anyone else gets a 404."""
    booking = selectors.booking_for_page(reference=reference)
    user = _user(request)
    if booking is None or not (booking.participant_id == user.pk or user.is_coordinator):
        raise Http404("No such booking")
    return booking


def _own_booking(request: HttpRequest, reference: str) -> Booking:
    """A booking only its owner may act on (accept, decline, leave, cancel); a 404 for anyone
    else, the coordinator included: the coordinator acts from the control pages."""
    booking = (
        Booking.objects.select_related("run__level__programme__provider")
        .filter(reference=reference, participant=_user(request)).first()
    )
    if booking is None:
        raise Http404("No such booking")
    return booking


# --- booking a place -------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionChoice:
    option: PriceOption
    price: TaxedAmount
    input_id: str
    open_to_viewer: bool


def option_choices(run: CourseRun, user: User, on: dt.date) -> list[OptionChoice]:
    """The options this person is shown: those past their last day are left out; members'
    options are shown to everyone else too, disabled, so they know why they cannot have them."""
    vat = VatTable.load()
    choices = []
    enabled = disabled = 0
    for option in run.options.all():  # prefetched
        if not option.available_on(on):
            continue
        if option.open_to(user):
            input_id, enabled = f"id_option_{enabled}", enabled + 1
        else:
            input_id, disabled = f"id_option_unavailable_{disabled}", disabled + 1
        choices.append(OptionChoice(option, option.price(vat, on), input_id, option.open_to(user)))
    return choices


def _why_unbookable(run: CourseRun, user: User, now: dt.datetime) -> str | None:
    """Why the booking page shows no form, in the participant's words; None when it can. A full
    run of a level that admits by application may still be joined in line while applying."""
    state = presentation.booking(run, now)
    if not state.is_open:
        return state.text
    if selectors.seats_taken_on([run.pk]).get(run.pk, 0) >= run.capacity:
        return None
    refusal = admission_refusal(user, run.level, run)
    return refusal.rstrip(".") if refusal else None  # the page ends the sentence


def _booked_message(booking: Booking) -> str:
    if booking.status == BookingStatus.WAITLISTED:
        position = selectors.waitlist_position(booking=booking)
        return _("The run is full: you are on the waitlist, number %(n)s in line. We will email "
                 "you if a place comes up.") % {"n": position}
    return _("Your place is confirmed. We have emailed you the confirmation and your invoice.")


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, run_id: int) -> HttpResponse:
    user = _user(request)
    run = selectors.run_for_booking(run_id=run_id, viewer=user)
    if run is None:
        raise Http404("No such run")
    now = timezone.now()
    choices = option_choices(run, user, timezone.localdate(now))
    option_ids = [c.option.pk for c in choices if c.open_to_viewer]
    existing = selectors.active_booking_on(run=run, participant=user)
    unbookable = _why_unbookable(run, user, now)

    if request.method == "POST":
        form = BookingForm(request.POST, option_ids=option_ids, level_id=run.level_id,
                           today=timezone.localdate(now))
        if form.is_valid():
            try:
                booking = services.book(
                    participant=user, run_id=run.pk, option_id=form.cleaned_data["option"],
                    payer=form.payer_details(),
                    discount_code=form.cleaned_data["discount_code"],
                    submission_token=form.cleaned_data["submission_token"],
                    terms_accepted_at=now,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _booked_message(booking))
                return redirect(booking)
        status = 400 if unbookable or existing else 200
    else:
        form = BookingForm(initial=BookingForm.initial_for(user), option_ids=option_ids)
        status = 200

    return render(request, "bookings/book.html", book_page_context(
        run=run, form=form, choices=choices, now=now, existing=existing, unbookable=unbookable,
    ), status=status)


def book_page_context(*, run: CourseRun, form: BookingForm, choices: list[OptionChoice],
                      now: dt.datetime, existing: Booking | None = None,
                      unbookable: str | None = None) -> dict[str, Any]:
    """What the booking form's page shows, for a participant or for the coordinator booking
    for someone."""
    terms = list(CancellationTerm.objects.filter(provider_id=run.level.programme.provider_id)
                 .order_by("-days_notice"))
    return {
        "run": run,
        "level": run.level,
        "programme": run.level.programme,
        "summary": presentation.summarise(run, VatTable.load(), now,
                                          taken=selectors.seats_taken_on([run.pk]).get(run.pk, 0)),
        "form": form,
        "choices": choices,
        "members_only": any(c.option.audience == Audience.MEMBERS for c in choices),
        "existing": existing,
        "unbookable": unbookable,
        "checked_option": str(form["option"].value() or ""),
        "terms": terms,
        "terms_cover_every_notice": any(term.days_notice == 0 for term in terms),
        "checked_payer": str(form["payer"].value() or ""),
    }


# --- my training -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingRow:
    """One booking as the participant's pages show it: plain values, no queries."""

    booking: Booking
    run: CourseRun
    days: list[presentation.DayRow]
    dates: str
    first_starts_at: dt.datetime | None
    is_past: bool
    is_cancelled: bool
    joining_link: str
    waitlist_position: int | None
    invoices: list[Invoice]
    balance: Decimal

    @property
    def tag(self) -> str:
        return {
            BookingStatus.CONFIRMED: "green", BookingStatus.OFFERED: "",
            BookingStatus.WAITLISTED: "", BookingStatus.CANCELLED: "grey",
            BookingStatus.LEFT_WAITLIST: "grey",
        }.get(BookingStatus(self.booking.status), "")

    @property
    def refund_due(self) -> Decimal:
        return -self.balance


def _row(booking: Booking, viewer_zone: str | None, now: dt.datetime) -> BookingRow:
    run = booking.run
    days = list(run.days.all())  # prefetched
    is_past = bool(days) and now >= days[-1].finishes_at
    cancelled = booking.status in (BookingStatus.CANCELLED, BookingStatus.LEFT_WAITLIST)
    return BookingRow(
        booking=booking,
        run=run,
        days=presentation.day_rows(run, viewer_zone),
        dates=format_date_set(d.date for d in days),
        first_starts_at=days[0].starts_at if days else None,
        is_past=is_past,
        is_cancelled=cancelled,
        # The joining link is for confirmed places only, and not once the run is over.
        joining_link=run.joining_link if booking.is_confirmed and not is_past else "",
        waitlist_position=getattr(booking, "waitlist_position", None)
        if booking.status == BookingStatus.WAITLISTED else None,
        invoices=list(booking.invoices.all()),  # prefetched
        balance=getattr(booking, "balance", Decimal(0)),
    )


@login_required
@require_GET
def my_training(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    now = timezone.now()
    rows = [_row(b, user.time_zone, now)
            for b in selectors.bookings_for_participant(participant=user)]
    upcoming = [r for r in rows if not r.is_cancelled and not r.is_past]
    never = dt.datetime.max.replace(tzinfo=dt.UTC)
    upcoming.sort(key=lambda r: (r.first_starts_at or never, r.booking.pk))
    return render(request, "bookings/my_training.html", {
        "upcoming": upcoming,
        "past": [r for r in rows if not r.is_cancelled and r.is_past],
        "cancelled": [r for r in rows if r.is_cancelled],
        "viewer_zone": user.time_zone,
    })


# --- one booking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CancellationTerms:
    days_notice: int
    refund_percent: Decimal
    refund: Decimal
    kept: Decimal


def _cancellation_terms(booking: Booking, row: BookingRow, now: dt.datetime) -> CancellationTerms | None:
    """What cancelling now would cost, for a confirmed booking of a run not yet started."""
    if not booking.is_confirmed or row.first_starts_at is None or now >= row.first_starts_at:
        return None
    quote = services.cancellation_quote(booking=booking, now=now)
    return CancellationTerms(quote.days_notice, quote.refund_percent, quote.refund, quote.kept)


@login_required
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking_for(request, reference)
    user = _user(request)
    now = timezone.now()
    row = _row(booking, user.time_zone, now)
    is_owner = booking.participant_id == user.pk
    return render(request, "bookings/detail.html", {
        "row": row,
        "booking": booking,
        "run": booking.run,
        "is_owner": is_owner,
        "terms": _cancellation_terms(booking, row, now) if is_owner else None,
        "offer_open": booking.offer_is_open(now),
        "viewer_zone": user.time_zone,
    })


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    """Are you sure? The terms that apply now, then the cancellation itself."""
    booking = _own_booking(request, reference)
    if booking.status != BookingStatus.CONFIRMED:
        messages.error(request, _("Only a confirmed place can be cancelled here."))
        return redirect(booking)
    now = timezone.now()
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_booking(booking=booking, actor=_user(request),
                                    reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your booking %(ref)s is cancelled. We have emailed you "
                                        "the credit note.") % {"ref": booking.reference})
        return redirect(booking)
    page = selectors.booking_for_page(reference=reference)
    assert page is not None
    row = _row(page, _user(request).time_zone, now)
    return render(request, "bookings/cancel.html", {
        "booking": page, "run": page.run, "row": row, "form": form,
        "terms": _cancellation_terms(page, row, now),
    })


def _act(
    request: HttpRequest, booking: Booking, success: str, act: Callable[[], object]
) -> HttpResponseRedirect:
    """Do one thing to a booking, say how it went, and go back to the booking's page."""
    try:
        act()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return HttpResponseRedirect(reverse("bookings:detail", args=[booking.reference]))


@login_required
@require_POST
def accept_offer(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    return _act(request, booking, _("Your place is confirmed. We have emailed you your invoice."),
                lambda: services.accept_offer(booking=booking, actor=_user(request)))


@login_required
@require_POST
def decline_offer(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    if booking.status != BookingStatus.OFFERED:
        messages.error(request, _("There is no open offer on this booking."))
        return redirect(booking)
    return _act(request, booking, _("You have turned down the place. It will be offered to the "
                                    "next person in line."),
                lambda: services.decline_offer(booking=booking, actor=_user(request)))


@login_required
@require_POST
def leave_waitlist(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    user = _user(request)
    if booking.status not in (BookingStatus.OFFERED, BookingStatus.WAITLISTED):
        messages.error(request, _("You are not on the waitlist for this run."))
        return redirect(booking)
    return _act(request, booking, _("You have left the waitlist."),
                lambda: services.leave_waitlist(booking=booking, actor=user))


# --- downloads -------------------------------------------------------------------------------


@login_required
@require_GET
def calendar(request: HttpRequest, reference: str) -> HttpResponse:
    """The training days, for a confirmed place only: someone waiting, offered a place or
    cancelled has no days to put in their calendar."""
    booking = _booking_for(request, reference)
    if not booking.is_confirmed:
        raise Http404("Only a confirmed place has training days to add to a calendar.")
    response = HttpResponse(documents.booking_calendar(booking),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
    return response
