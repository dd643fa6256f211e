"""The coordinator's control area: runs at a glance, a run's bookings and what can be done with
them, balances, and exports for the accounts. Coordinators only.

Views parse input, call one service and render; lists come from `control_selectors` in a fixed
number of queries.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from trainingdesk.accounts.models import User
from trainingdesk.accounts.services import person_booked_for
from trainingdesk.bookings import control_selectors as selectors
from trainingdesk.bookings import exports, services
from trainingdesk.bookings import selectors as booking_selectors
from trainingdesk.bookings.control_forms import (
    BookingFilterForm,
    CancelBookingForm,
    CancelRunForm,
    PaymentForm,
    PlacesForm,
    RunFilterForm,
    TransferForm,
)
from trainingdesk.bookings.forms import BookForSomeoneForm
from trainingdesk.bookings.models import Booking, Payer
from trainingdesk.bookings.views import book_page_context, option_choices
from trainingdesk.catalogue.models import CourseRun
from trainingdesk.invoicing.selectors import customer_balances
from trainingdesk.lib.access import coordinator_required
from trainingdesk.lib.csvfiles import csv_response
from trainingdesk.lib.forms import add_service_errors


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _run(run_id: int) -> CourseRun:
    run = selectors.run_with_counts(run_id)
    if run is None:
        raise Http404("No such run")
    return run


def _booking(reference: str) -> Booking:
    booking = selectors.booking_for_control(reference)
    if booking is None:
        raise Http404("No such booking")
    return booking


def _filters(form: RunFilterForm | BookingFilterForm) -> dict[str, Any]:
    """The valid filters of a GET form; an invalid value is ignored rather than refused."""
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value}


# --- runs ------------------------------------------------------------------------------------

@require_safe
@coordinator_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("control:runs")


@require_safe
@coordinator_required
def runs(request: HttpRequest) -> HttpResponse:
    data = request.GET if request.GET else {"when": selectors.UPCOMING}
    form = RunFilterForm(data)
    chosen = _filters(form)
    level = chosen.get("level")
    rows = selectors.runs_overview(
        today=timezone.localdate(), when=chosen.get("when", ""),
        level_id=level.pk if level else None, status=chosen.get("status", ""),
    )
    return render(request, "bookings/control/runs.html", {"form": form, "runs": rows, "section": "runs"})


# --- a run's bookings ------------------------------------------------------------------------

def _booking_filters(request: HttpRequest) -> tuple[BookingFilterForm, dict[str, Any]]:
    form = BookingFilterForm(request.GET)
    return form, _filters(form)


@require_safe
@coordinator_required
def run_bookings(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(run_id)
    form, chosen = _booking_filters(request)
    rows = selectors.run_bookings(run=run, **chosen)
    return render(request, "bookings/control/run_bookings.html", {
        "run": run, "form": form, "rows": rows, "section": "runs",
        "query": request.GET.urlencode(),
    })


@require_safe
@coordinator_required
def run_bookings_csv(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(run_id)
    _form, chosen = _booking_filters(request)
    rows = selectors.run_bookings(run=run, **chosen)
    return csv_response(f"run-{run.pk}-bookings.csv", exports.BOOKING_HEADER,
                                exports.booking_rows(rows))


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def book_for_someone(request: HttpRequest, run_id: int) -> HttpResponse:
    """A place booked by the coordinator for someone else: on the phone, or each of an
    employer's staff in turn (the payer's details stay filled in for the next)."""
    coordinator = _actor(request)
    run = booking_selectors.run_for_booking(run_id=run_id, viewer=coordinator)
    if run is None:
        raise Http404("No such run")
    now = timezone.now()
    choices = option_choices(run, coordinator, timezone.localdate(now))
    option_ids = [c.option.pk for c in choices]
    form = BookForSomeoneForm(request.POST or None, option_ids=option_ids, level_id=run.level_id,
                              today=timezone.localdate(now),
                              initial={**_payer_of(request.GET.get("after", "")),
                                       "submission_token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = person_booked_for(email=data["participant_email"],
                                           full_name=data["participant_name"], actor=coordinator)
                booking = services.book(
                    participant=person, run_id=run.pk, option_id=data["option"],
                    payer=form.payer_details(), discount_code=data["discount_code"],
                    submission_token=data["submission_token"], terms_accepted_at=now,
                    actor=coordinator, now=now,
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _(
                "%(name)s is booked: %(status)s, booking %(reference)s. They have been emailed. "
                "The form below keeps who pays, to book someone else.") % {
                "name": person.full_name, "status": booking.get_status_display().lower(),
                "reference": booking.reference})
            return redirect(f"{reverse('control:book_for_someone', args=[run.pk])}"
                            f"?after={booking.reference}")
    context = book_page_context(run=run, form=form, choices=choices, now=now,
                                unbookable=run.refusal_to_book(now))
    return render(request, "bookings/book.html", {**context, "for_someone": True},
                  status=400 if request.method == "POST" else 200)


def _payer_of(reference: str) -> dict[str, Any]:
    """The previous booking's payer, to book the next of an employer's staff."""
    booking = Booking.objects.filter(reference=reference).first() if reference else None
    if booking is None:
        return {"payer": Payer.SELF}
    if booking.payer == Payer.EMPLOYER:
        return {"payer": Payer.EMPLOYER, "organisation": booking.organisation_id,
                "purchase_order": booking.purchase_order}
    return {"payer": Payer.SELF}


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def change_places(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(run_id)
    form = PlacesForm(request.POST or None, initial={"capacity": run.capacity})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_capacity(run=run, capacity=form.cleaned_data["capacity"],
                                     actor=_actor(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The run now has %(count)d places.")
                             % {"count": form.cleaned_data["capacity"]})
            return redirect("control:run_bookings", run_id=run.pk)
    return render(request, "bookings/control/change_places.html",
                  {"run": run, "form": form, "section": "runs"})


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def cancel_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(run_id)
    form = CancelRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.cancel_run(run=run, actor=_actor(request),
                                       reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, " ".join([ngettext(
                "The run is cancelled. %(count)d booking was cancelled and credited; "
                "everyone has been emailed.",
                "The run is cancelled. %(count)d bookings were cancelled and credited; "
                "everyone has been emailed.", done.bookings) % {"count": done.bookings},
                *done.also]))
            return redirect("control:run_bookings", run_id=run.pk)
    return render(request, "bookings/control/cancel_run.html",
                  {"run": run, "form": form, "also": services.also_on_the_run(run)})


# --- one booking's actions -------------------------------------------------------------------

def _back_to_run(booking: Booking) -> HttpResponse:
    return redirect("control:run_bookings", run_id=booking.run_id)


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def cancel_booking(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(reference)
    form = CancelBookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_booking(booking=booking, actor=_actor(request),
                                    reason=form.cleaned_data["reason"],
                                    full_refund=form.cleaned_data["full_refund"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Booking %(reference)s is cancelled and its invoice "
                                        "credited.") % {"reference": booking.reference})
            return _back_to_run(booking)
    return render(request, "bookings/control/cancel_booking.html",
                  {"booking": booking, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def transfer_booking(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(reference)
    targets = selectors.transfer_targets(booking, today=timezone.localdate())
    form = TransferForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        option = form.cleaned_data["to_option"]
        try:
            moved = services.transfer_booking(
                booking=booking, to_run=form.cleaned_data["to_run"],
                to_option_id=option.pk if option else None, actor=_actor(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Booking %(reference)s has moved to %(run)s. Its invoice "
                                        "was credited and a new one issued; what was paid "
                                        "moved to the new invoice.") % {"reference": moved.reference,
                                                       "run": moved.run})
            return _back_to_run(moved)
    return render(request, "bookings/control/transfer_booking.html",
                  {"booking": booking, "form": form, "targets": targets})


@require_http_methods(["GET", "HEAD", "POST"])
@coordinator_required
def record_payment(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(reference)
    form = PaymentForm(request.POST or None, initial={"received_on": timezone.localdate()},
                       invoices=list(booking.invoices.all()))  # prefetched, with balances
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.record_payment(
                booking=booking, invoice_number=data["invoice"], amount=data["amount"],
                received_on=data["received_on"], kind=data["kind"], method=data["method"],
                reference=data["reference"], actor=_actor(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(payment)s recorded against invoice %(number)s for "
                                        "booking %(reference)s.") % {
                "payment": payment.describe(), "number": payment.invoice.number,
                "reference": booking.reference})
            return _back_to_run(booking)
    return render(request, "bookings/control/record_payment.html",
                  {"booking": booking, "form": form})


# --- balances --------------------------------------------------------------------------------

@require_safe
@coordinator_required
def outstanding(request: HttpRequest) -> HttpResponse:
    return render(request, "bookings/control/balances.html",
                  {"balances": selectors.balances(), "section": "balances",
                   "customers": customer_balances(outstanding_only=True)})


@require_safe
@coordinator_required
def outstanding_csv(request: HttpRequest) -> HttpResponse:
    return csv_response("balances.csv", exports.BALANCE_HEADER,
                                exports.balance_rows(selectors.outstanding_bookings()))


# --- exports for the accounts ----------------------------------------------------------------

class BadDates(ValueError):
    pass


def _date_param(request: HttpRequest, name: str) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadDates(
            f"The '{name}' date must be written YYYY-MM-DD, like 2027-04-01; got {raw[:20]!r}."
        ) from None


def _date_range(request: HttpRequest) -> tuple[dt.date | None, dt.date | None]:
    start, end = _date_param(request, "from"), _date_param(request, "to")
    if start and end and start > end:
        raise BadDates("The 'from' date must not be after the 'to' date.")
    return start, end


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@coordinator_required
def invoices_csv(request: HttpRequest) -> HttpResponse:
    try:
        start, end = _date_range(request)
    except BadDates as error:
        return _bad_request(str(error))
    invoices = exports.invoices_for_export(start=start, end=end)
    return csv_response("invoices.csv", exports.INVOICE_HEADER,
                                exports.invoices_rows(invoices))


@require_safe
@coordinator_required
def payments_csv(request: HttpRequest) -> HttpResponse:
    try:
        start, end = _date_range(request)
    except BadDates as error:
        return _bad_request(str(error))
    payments = exports.payments_for_export(start=start, end=end)
    return csv_response("payments.csv", exports.PAYMENT_HEADER,
                                exports.payments_rows(payments))
