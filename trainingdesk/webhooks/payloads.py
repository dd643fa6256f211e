"""What a webhook says about an event: the body `{"type", "timestamp", "data"}` as the Standard
Webhooks specification suggests, with `data` the record's fields as the API names them: ids and
references, no more personal data than the receiver needs to look the rest up through the API
(a participant by id, never by name or email), ISO 8601 times with their offset, money as strings
with their currency. Read from the committed rows, one query an event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from trainingdesk.admissions.models import Application
from trainingdesk.attendance.models import AttendanceConfirmation
from trainingdesk.bookings.models import Booking
from trainingdesk.certificates.models import Certificate
from trainingdesk.invoicing.models import Invoice
from trainingdesk.lib import events
from trainingdesk.lib.verification import verification_url

CURRENCY = "GBP"
TEST_EVENT = "webhook.test"  # the coordinator's "send a test event": not a domain event


def money(amount: Decimal) -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currency": CURRENCY}


def when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def booking_data(booking_id: int) -> dict[str, Any] | None:
    booking = (Booking.objects.select_related("run__level").filter(pk=booking_id).first())
    if booking is None:
        return None
    return {
        "reference": booking.reference, "status": booking.status,
        "run_id": booking.run_id, "run": str(booking.run),
        "participant_id": booking.participant_id, "option_id": booking.option_id,
        "option": booking.option_name,
        "price": {"net": money(booking.net), "vat": money(booking.vat), "gross": money(booking.gross),
                  "vat_rate": f"{booking.vat_rate:.2f}"},
        "payer": booking.payer, "organisation_id": booking.organisation_id,
        "created_at": when(booking.created_at), "confirmed_at": when(booking.confirmed_at),
        "waitlisted_at": when(booking.waitlisted_at),
        "offer_expires_at": when(booking.offer_expires_at),
        "cancelled_at": when(booking.cancelled_at),
    }


def invoice_data(invoice_id: int) -> dict[str, Any] | None:
    invoice = Invoice.objects.select_related("credits").filter(pk=invoice_id).first()
    if invoice is None:
        return None
    return {
        "number": invoice.number, "kind": invoice.kind, "issued_at": when(invoice.issued_at),
        "tax_point": day(invoice.tax_point), "due_date": day(invoice.due_date),
        "customer_person_id": invoice.customer_person_id,
        "customer_organisation_id": invoice.customer_organisation_id,
        "participant_id": invoice.participant_id, "purchase_order": invoice.purchase_order,
        "total": {"net": money(invoice.total_net), "vat": money(invoice.total_vat),
                  "gross": money(invoice.total_gross)},
        "credits": invoice.credits.number if invoice.credits else None,
    }


def confirmation_data(confirmation_id: int) -> dict[str, Any] | None:
    confirmation = (AttendanceConfirmation.objects.select_related("booking", "replaces")
                    .filter(pk=confirmation_id).first())
    if confirmation is None:
        return None
    return {
        "code": confirmation.code, "booking": confirmation.booking.reference,
        "participant_id": confirmation.participant_id, "level_id": confirmation.level_id,
        "level": confirmation.level_name, "programme": confirmation.programme_name,
        "hours_attended": f"{confirmation.hours_attended:.2f}",
        "first_date": day(confirmation.first_date), "last_date": day(confirmation.last_date),
        "issued_at": when(confirmation.issued_at), "revoked_at": when(confirmation.revoked_at),
        "replaces": confirmation.replaces.code if confirmation.replaces else None,
        "verification_url": verification_url(confirmation.code),
    }


def application_data(application_id: int) -> dict[str, Any] | None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return None
    return {
        "reference": application.reference, "status": application.status,
        "participant_id": application.participant_id, "level_id": application.level_id,
        "run_id": application.run_id, "submitted_at": when(application.submitted_at),
        "decided_at": when(application.decided_at),
    }


def certificate_data(certificate_id: int) -> dict[str, Any] | None:
    certificate = Certificate.objects.select_related("replaces").filter(pk=certificate_id).first()
    if certificate is None:
        return None
    return {
        "code": certificate.code, "participant_id": certificate.participant_id,
        "programme_id": certificate.programme_id, "award": certificate.award_name,
        "issued_at": when(certificate.issued_at), "revoked_at": when(certificate.revoked_at),
        "replaces": certificate.replaces.code if certificate.replaces else None,
        "verification_url": verification_url(certificate.code),
    }


# Each event type: the key its emitter names the record by, and how the record is described.
DESCRIBERS: dict[str, tuple[str, Callable[[int], dict[str, Any] | None]]] = {
    events.BOOKING_CONFIRMED: ("booking_id", booking_data),
    events.BOOKING_CANCELLED: ("booking_id", booking_data),
    events.WAITLIST_OFFER_MADE: ("booking_id", booking_data),
    events.INVOICE_ISSUED: ("invoice_id", invoice_data),
    events.CREDIT_NOTE_ISSUED: ("invoice_id", invoice_data),
    events.CONFIRMATION_ISSUED: ("confirmation_id", confirmation_data),
    events.CONFIRMATION_REVOKED: ("confirmation_id", confirmation_data),
    events.APPLICATION_DECIDED: ("application_id", application_data),
    events.CERTIFICATE_ISSUED: ("certificate_id", certificate_data),
    events.CERTIFICATE_REVOKED: ("certificate_id", certificate_data),
}


def data_for(event_type: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    """The `data` of an event's body; None when its record is gone (it never committed)."""
    key, describe = DESCRIBERS[event_type]
    return describe(int(payload[key]))


def body(event_type: str, data: dict[str, Any], at: dt.datetime) -> dict[str, Any]:
    return {"type": event_type, "timestamp": when(at), "data": data}
