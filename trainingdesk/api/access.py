"""What a caller may see: the one home of the API's access rules for bookings and invoices.

- a person's token: their own bookings; the invoices they are the customer of or are about
  (`Invoice.may_be_seen_by`, the rule of `invoicing:pdf`);
- an organisation's token: the bookings and invoices that organisation pays for (people have no
  link to an organisation but through the bookings it pays for);
- the coordinator's own token: everything.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from trainingdesk.api.auth import Caller
from trainingdesk.bookings.models import Booking, BookingQuerySet, Payer
from trainingdesk.invoicing.models import Invoice, InvoiceQuerySet

M = TypeVar("M", bound=Model)


def one_or_404(rows: QuerySet[M], what: str, **key: str) -> M:
    """The row with this key among `rows` (those the caller may see), or 404 "No such <what>":
    also for a key no database would take (a NUL character)."""
    if any("\x00" in value for value in key.values()):
        raise Http404(f"No such {what}")
    found = rows.filter(**key).first()
    if found is None:
        raise Http404(f"No such {what}")
    return found


def visible_bookings(caller: Caller) -> BookingQuerySet:
    bookings = Booking.objects.all()
    if caller.is_coordinator:
        return bookings
    if caller.organisation is not None:
        return bookings.filter(payer=Payer.EMPLOYER, organisation=caller.organisation)
    if caller.user is not None:
        return bookings.filter(participant=caller.user)
    return bookings.none()


def visible_invoices(caller: Caller) -> InvoiceQuerySet:
    invoices = Invoice.objects.all()
    if caller.is_coordinator:
        return invoices
    if caller.organisation is not None:
        return invoices.filter(customer_organisation=caller.organisation)
    if caller.user is not None:
        return invoices.filter(Q(customer_person=caller.user) | Q(participant=caller.user))
    return invoices.none()
