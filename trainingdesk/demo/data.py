"""The demo: the brochure's catalogue (catalogue.demo), and people who have booked it and
attended, so that every part of the product has something to show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from trainingdesk.accounts.models import User
from trainingdesk.attendance.models import MarkStatus
from trainingdesk.attendance.services import MarkInput, record_marks
from trainingdesk.bookings.models import Booking, CancellationTerm
from trainingdesk.bookings.services import PayerDetails, book
from trainingdesk.catalogue import demo as catalogue_demo
from trainingdesk.lib.zones import UK

# Example terms: the brochure states none, so the demo shows how terms work.
CANCELLATION_TERMS = ((28, Decimal(100)), (14, Decimal(50)))
SECOND_PARTICIPANT_EMAIL = "sam@example.org"


@transaction.atomic
def load(today: dt.date | None = None) -> catalogue_demo.Demo:
    loaded = catalogue_demo.load_demo(today=today)
    provider = loaded.programme.provider
    for days_notice, refund in CANCELLATION_TERMS:
        CancellationTerm.objects.get_or_create(provider=provider, days_notice=days_notice,
                                               defaults={"refund_percent": refund})
    trainer = User.objects.get(email=catalogue_demo.TRAINER_EMAIL)
    for run in [loaded.summer_2022, *loaded.upcoming]:
        run.trainers.add(trainer)

    summer = loaded.summer_2022
    if Booking.objects.filter(run=summer).exists():
        return loaded
    booked_at = dt.datetime(2022, 5, 3, 10, 0, tzinfo=ZoneInfo(UK))
    with_supervision = summer.options.order_by("position").first()
    assert with_supervision is not None
    alex = User.objects.get(email=catalogue_demo.PARTICIPANT_EMAIL)
    book(participant=alex, run_id=summer.pk, option_id=with_supervision.pk, now=booked_at,
         payer=PayerDetails(billing_name=alex.full_name, billing_address="12 Quay Street\nGalway",
                            billing_postcode="H91 X2Y3", invoice_email=alex.email))
    sam = User.objects.filter(email=SECOND_PARTICIPANT_EMAIL).first() or User.objects.create_user(
        SECOND_PARTICIPANT_EMAIL, catalogue_demo.DEMO_PASSWORD, full_name="Sam Okafor",
        job_role="Clinical psychologist", sector="camhs", country="United Kingdom",
    )
    sam_booking = book(
        participant=sam, run_id=summer.pk, option_id=with_supervision.pk, now=booked_at,
        payer=PayerDetails(payer="employer", billing_name="Northshire NHS Foundation Trust",
                           billing_address="Trust Headquarters\n1 Hospital Road\nNorthshire",
                           billing_postcode="NE1 4LP", invoice_email="invoices@example.org",
                           purchase_order="PO-2022-0415"),
    )
    # Sam attended all four days (and so holds an Attendance Confirmation); Alex's register is
    # left for you to record.
    for day in summer.days.order_by("number"):
        record_marks(day=day, marks=[MarkInput(sam_booking.pk, MarkStatus.PRESENT)],
                     actor=trainer, now=day.finishes_at)
    return loaded
