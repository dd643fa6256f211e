"""A participant who holds both Attendance Confirmations (Foundation in Summer 2022, Advanced in
spring 2024), made through the real services, and the brochure's coursework configured on the
Advanced level: 2 case studies of 2000 words (10%), a reflective log, a reading list, £300."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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
from tests.factories import PriceOptionFactory
from tests.lib.test_wordcount import docx as word_document
from tests.lib.test_wordcount import p as word_p
from tests.lib.test_wordcount import r as word_r
from trainingdesk.accounts.models import User
from trainingdesk.admissions import services as admissions
from trainingdesk.attendance import services as attendance
from trainingdesk.bookings.models import Booking
from trainingdesk.bookings.services import PayerDetails, book
from trainingdesk.catalogue.models import ComponentKind, CourseRun, CourseworkComponent, Fee, Level
from trainingdesk.coursework import services
from trainingdesk.coursework.models import Portfolio

ADVANCED_DONE = dt.datetime(2024, 4, 13, 9, 0, tzinfo=dt.UTC)  # the day after the last day
WORKING = dt.datetime(2024, 9, 2, 10, 0, tzinfo=dt.UTC)  # drafting, well before 12 April 2025


@pytest.fixture
def coursework_level(advanced: Level) -> Level:  # noqa: F811
    fee = Fee.objects.create(programme=advanced.programme, name="Evaluation and assessment fee",
                             gross_amount=Decimal("300.00"))
    advanced.coursework_due_months = 12
    advanced.assessment_fee = fee
    advanced.save(update_fields=["coursework_due_months", "assessment_fee"])
    CourseworkComponent.objects.bulk_create([
        CourseworkComponent(level=advanced, title="Case study", quantity=2, words=2000, position=1),
        CourseworkComponent(level=advanced, title="Reflective log", position=2),
        CourseworkComponent(level=advanced, title="Required reading", kind=ComponentKind.READING,
                            reading_list="Omer (2004)\nOmer (2011)", position=3),
    ])
    assert advanced.prerequisite is not None
    advanced.programme.certificate_levels.set([advanced.prerequisite, advanced])
    return advanced


def completed_advanced(run: CourseRun, person: User, trainer: User, *, employer: bool = False,
                       answers: admissions.Answers | None = None,
                       files: dict[str, SimpleUploadedFile] | None = None,
                       approver: User | None = None) -> Booking:
    """Apply (approved by the records, or by `approver` when the answers need the coordinator),
    book the run, attend every day: our confirmation."""
    with time_machine.travel(APPLYING, tick=False):
        application = admissions.start_application(participant=person, level=run.level, run=run)
        admissions.save_draft(application=application, actor=person, files=files,
                              answers=answers or admissions.Answers(
                                  registration_body="HCPC", registration_number="PYL12345"))
        application = admissions.submit(application=application, actor=person)
        if approver is not None and application.status != "approved":
            admissions.decide(application=application, decision="approve", reason="",
                              actor=approver)
        option = run.options.first() or PriceOptionFactory(run=run, net_amount=Decimal("500"))
        payer = (PayerDetails(payer="employer", billing_name="Northshire NHS Trust",
                              billing_address="1 Hospital Road", invoice_email="invoices@example.org")
                 if employer else
                 PayerDetails(billing_name=person.full_name, billing_address="1 Street",
                              invoice_email=person.email))
        booking = book(participant=person, run_id=run.pk, option_id=option.pk, payer=payer)
    run.trainers.add(trainer)
    with time_machine.travel(ADVANCED_DONE, tick=False):
        for day in run.days.all():
            attendance.record_marks(day=day, marks=[attendance.MarkInput(booking.pk, "present")],
                                    actor=trainer)
    return booking


@pytest.fixture
def holder(participant: User, trainer: User, foundation: Level,  # noqa: F811
           coursework_level: Level, advanced_run: CourseRun) -> User:  # noqa: F811
    completed_foundation(foundation, participant, trainer)
    completed_advanced(advanced_run, participant, trainer)
    return participant


@pytest.fixture
def portfolio(holder: User, coursework_level: Level) -> Portfolio:
    return services.open_portfolio(participant=holder, level=coursework_level, now=WORKING)




def docx(words: int, *, footnote_words: int = 0, name: str = "case-study.docx") -> SimpleUploadedFile:
    """A Word document (tests.lib.test_wordcount's builder) with `words` words in its body."""
    body = "".join(word_p(word_r(" ".join(["word"] * min(100, words - i))))
                   for i in range(0, words, 100))
    notes = (f'<w:footnote w:id="1">{word_p(word_r(" ".join(["note"] * footnote_words)))}</w:footnote>'
             if footnote_words else None)
    return SimpleUploadedFile(name, word_document(body, notes), content_type="application/octet-stream")


def complete(portfolio: Portfolio, *, case_study_words: int = 2000, now: dt.datetime = WORKING) -> None:
    """Every part there: two case studies uploaded, the log written, the reading confirmed."""
    person = portfolio.participant
    case_study, log, reading = portfolio.level.coursework.order_by("position")
    for number in (1, 2):
        services.save_draft(portfolio=portfolio, component=case_study, number=number, actor=person,
                            upload=docx(case_study_words), now=now)
    services.save_draft(portfolio=portfolio, component=log, number=1, actor=person,
                        text="My reflections on practice. " * 50, now=now)
    services.confirm_reading(portfolio=portfolio, component=reading, actor=person, now=now)
