"""A participant with something in every table, made through the real services: a Foundation
booking, an Advanced application with evidence (approved by the records), the Advanced booking
paid for by themselves with attendance and confirmations, their own supervisor recorded,
coursework drafted, uploaded and submitted (the fee invoiced and paid), allocated, marked and
passed, and the Advanced Certificate issued. Their name, email, address, postcode and phone are
unusual on purpose: a test looks for them everywhere after erasure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.admissions.conftest import (  # noqa: F401 - fixtures used by this package's tests
    ADVANCED_DAYS,
    APPLYING,
    advanced,
    advanced_run,
    completed_foundation,
    foundation,
)
from tests.coursework.conftest import (  # noqa: F401 - fixtures used by this package's tests
    ADVANCED_DONE,
    WORKING,
    complete,
    coursework_level,
    holder,
    portfolio,
)
from tests.factories import UserFactory
from trainingdesk.accounts.models import User
from trainingdesk.accounts.services import RegistrationEntry, update_profile
from trainingdesk.admissions import services as admissions
from trainingdesk.api.models import Scope
from trainingdesk.api.services import create_token
from trainingdesk.attendance import services as attendance
from trainingdesk.bookings.models import Booking
from trainingdesk.bookings.services import PayerDetails, book
from trainingdesk.catalogue.models import CourseRun, Level
from trainingdesk.certificates import services as certificates
from trainingdesk.certificates.models import Certificate
from trainingdesk.coursework import services as coursework
from trainingdesk.coursework.models import Outcome, Portfolio
from trainingdesk.invoicing import services as invoicing
from trainingdesk.invoicing.models import Invoice
from trainingdesk.supervision.services import record_own_supervisor

NAME = "Zoë Quillfeather-Marsh"
EMAIL = "zoe.quillfeather@example.org"
ADDRESS = "17 Larkspur Mews\nElmstead Wickham"
POSTCODE = "CO7 8QZ"
PHONE = "07700 900461"
REGISTRATION = "PYL98713"
SUPERVISOR = "Dr Ingrid Valtersdottir"
SUBMITTING = WORKING + dt.timedelta(days=30)
MARKED = SUBMITTING + dt.timedelta(days=10)


def png(name: str = "letter.png") -> SimpleUploadedFile:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (30, 10), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def pay_everything(person: User, coordinator: User) -> None:
    """Every invoice made out to them, paid in full (a debt would stop the erasure)."""
    for invoice in Invoice.objects.with_balance().filter(customer_person=person):
        balance = invoice.balance  # type: ignore[attr-defined]
        if balance > 0:
            invoicing.record_payment(invoice=invoice, amount=balance, received_on=dt.date(2024, 11, 1),
                                     method="bank_transfer", reference=f"Paid {invoice.number}",
                                     actor=coordinator)


@dataclass
class Someone:
    person: User
    booking: Booking
    portfolio: Portfolio
    certificate: Certificate
    stored_files: list[str]


def everything(person: User, *, trainer: User, coordinator: User, assessor: User,
               foundation: Level, run: CourseRun) -> Someone:  # noqa: F811
    update_profile(actor=person, user=person,
                   details={"full_name": person.full_name,
                            "job_role": "Family therapist", "sector": "camhs",
                            "organisation_name": "", "country": "United Kingdom",
                            "time_zone": "Europe/London"},
                   registrations=[RegistrationEntry(body="HCPC", number=REGISTRATION)])
    create_token(actor=person, name=f"{person.full_name}'s spreadsheet", scopes=[Scope.READ_BOOKINGS])
    completed_foundation(foundation, person, trainer)
    with time_machine.travel(APPLYING, tick=False):
        application = admissions.start_application(participant=person, level=run.level, run=run)
        admissions.save_draft(
            application=application, actor=person,
            answers=admissions.Answers(registration_body="HCPC", registration_number=REGISTRATION,
                                       covering_letter=f"Please call me on {PHONE}."),
            files={"covering_letter": png()})
        run.level.approves_automatically = False  # so the coordinator asks, and they answer
        run.level.save(update_fields=["approves_automatically"])
        admissions.submit(application=application, actor=person)
        admissions.decide(application=application, decision="ask", actor=coordinator,
                          reason=f"Could {person.full_name} send the registration certificate?")
        admissions.answer(application=application, actor=person,
                          text=f"It is on its way; or call me on {PHONE}.")
        admissions.decide(application=application, decision="approve", reason="", actor=coordinator)
        booking = book(participant=person, run_id=run.pk, option_id=run.options.get().pk,
                       payer=PayerDetails(billing_name=person.full_name, billing_address=ADDRESS,
                                          billing_postcode=POSTCODE, invoice_email=person.email))
    run.trainers.add(trainer)
    with time_machine.travel(ADVANCED_DONE, tick=False):
        for day in run.days.all():
            attendance.record_marks(day=day, marks=[attendance.MarkInput(booking.pk, "present")],
                                    actor=trainer)
    record_own_supervisor(booking=booking, name=SUPERVISOR, accreditation="NVRA supervisor",
                          contact="ingrid.v@example.org", actor=person, now=ADVANCED_DONE)
    opened = coursework.open_portfolio(participant=person, level=run.level, now=WORKING)
    complete(opened)
    submission = coursework.submit(portfolio=opened, actor=person, now=SUBMITTING)
    coursework.allocate_markers(submission=submission, assessor=assessor, moderator=None,
                                actor=coordinator, now=SUBMITTING)
    coursework.record_marking(
        submission=submission, actor=assessor, outcome=Outcome.PASS,
        feedback=f"{person.full_name} writes well about the family.",
        parts=[coursework.PartDecision(piece.pk, Outcome.PASS, "")
               for piece in submission.pieces.all()], now=MARKED)
    pay_everything(person, coordinator)
    programme = run.level.programme
    programme.award_name = "Advanced Certificate in NVR Practice"
    programme.certificate_supervision_hours = 12
    programme.certificate_accepts_own_supervisor = True
    programme.save()
    certificate = certificates.issue_if_due(participant=person, programme=programme,
                                            now=MARKED + dt.timedelta(minutes=5))
    assert certificate is not None
    opened.refresh_from_db()
    stored = [e.file.name for e in application.evidence.all()]
    stored += [p.file.name for p in opened.pieces.exclude(file="")]
    stored += [p.file.name for s in opened.submissions.all() for p in s.pieces.exclude(file="")]
    return Someone(person=person, booking=booking, portfolio=opened, certificate=certificate,
                   stored_files=sorted(set(stored)))


@pytest.fixture
def someone(django_capture_on_commit_callbacks: Any, trainer: User, coordinator: User, assessor: User,
            foundation: Level,  # noqa: F811
            coursework_level: Level, advanced_run: CourseRun) -> Someone:  # noqa: F811
    person = UserFactory(full_name=NAME, email=EMAIL)
    # What each change queues when it commits runs too: the emails are written out and sent.
    with django_capture_on_commit_callbacks(execute=True):
        return everything(person, trainer=trainer, coordinator=coordinator, assessor=assessor,
                          foundation=foundation, run=advanced_run)

