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

# Three applicants for the Advanced run (issue 9): approved by the records, waiting for the
# coordinator, and refused (a Foundation older than 2 years).
APPROVED_APPLICANT_EMAIL = "priya@example.org"
WAITING_APPLICANT_EMAIL = "jordan@example.org"

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
    _applicants(loaded, trainer, sam, today or dt.date.today())
    _supervision(loaded, sam_booking)
    return loaded


SUPERVISOR_EMAIL = "supervisor@example.org"
SUPERVISOR_PASSWORD = "nvr-demo-supervisor"  # noqa: S105 - a demo login, printed by load_demo


def _supervision(loaded: catalogue_demo.Demo, booking: Booking) -> None:
    """A supervision group for the Summer 2022 run: Tuesday evenings at 7pm UK time, its six
    sessions planned from the run's last day, and Sam (who chose supervision and attended every
    day) allocated to it."""
    from trainingdesk.accounts.models import Role
    from trainingdesk.accounts.roles import grant_role
    from trainingdesk.supervision import services as supervision
    from trainingdesk.supervision.models import SupervisionGroup, Supervisor

    user = User.objects.filter(email=SUPERVISOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(SUPERVISOR_EMAIL, SUPERVISOR_PASSWORD,
                                        full_name="Demo Supervisor")
        grant_role(user, Role.SUPERVISOR)
    supervisor, _ = Supervisor.objects.get_or_create(
        user=user, defaults={"accreditation": "NVRA accredited supervisor"})
    group = SupervisionGroup.objects.create(
        name="Tuesday evening group (Summer 2022)", level=loaded.foundation,
        supervisor=supervisor, capacity=8, weekday=1, start_time=dt.time(19, 0),
        time_zone=UK, country="GB", subdivision="ENG",
        joining_link="https://zoom.us/j/0000000077?pwd=demo")
    group.runs.add(loaded.summer_2022)
    supervision.plan_sessions(group=group, actor=loaded.coordinator)
    supervision.allocate(booking=booking, group=group, actor=loaded.coordinator,
                         now=dt.datetime(2022, 9, 20, 9, 0, tzinfo=ZoneInfo(UK)))


def _applicants(loaded: catalogue_demo.Demo, trainer: User, sam: User, today: dt.date) -> None:
    """A recent Foundation run that Priya and Jordan attended, then three applications for the
    Advanced run through the real services: Priya (our confirmation, an HCPC number) approved
    by the records; Jordan (no registration, a covering letter) waiting for the coordinator; Sam
    (Foundation in Summer 2022, more than 2 years before the run) refused with the reason."""
    from trainingdesk.admissions import services as admissions
    from trainingdesk.catalogue.models import RunStatus
    from trainingdesk.catalogue.services import copy_run

    if not loaded.advanced_runs:
        return
    advanced_run = loaded.advanced_runs[0]
    first = today - dt.timedelta(weeks=61)
    first += dt.timedelta(days=(loaded.summer_2022.days.get(number=1).date.weekday()
                                - first.weekday()) % 7)
    recent = copy_run(run=loaded.summer_2022, first_date=first, title=f"Foundation {first.year}",
                      actor=None)
    recent.status = RunStatus.PUBLISHED
    recent.booking_opens_at = None
    recent.booking_closes_at = dt.datetime.combine(first - dt.timedelta(days=3), dt.time(17, 0),
                                                   tzinfo=ZoneInfo(UK))
    recent.joining_link = "https://zoom.us/j/0000000098?pwd=demo"
    recent.save(update_fields=["status", "booking_opens_at", "booking_closes_at", "joining_link"])
    recent.trainers.add(trainer)
    option = recent.options.order_by("position").first()
    assert option is not None
    booked_at = dt.datetime.combine(first - dt.timedelta(days=30), dt.time(10, 0),
                                    tzinfo=ZoneInfo(UK))
    people = {
        APPROVED_APPLICANT_EMAIL: ("Priya Shah", "Family therapist", "HCPC", "PYL24680", ""),
        WAITING_APPLICANT_EMAIL: ("Jordan Lee", "Family support worker", "", "",
                                  "Eight years as a family support worker in a local authority "
                                  "early help team, working with parents of teenagers who are "
                                  "violent at home; I completed the Foundation Level last year "
                                  "and have used NVR with eleven families since."),
    }
    for email, (name, job, *_rest) in people.items():
        person = User.objects.filter(email=email).first() or User.objects.create_user(
            email, catalogue_demo.DEMO_PASSWORD, full_name=name, job_role=job,
            country="United Kingdom")
        booking = book(participant=person, run_id=recent.pk, option_id=option.pk, now=booked_at,
                       payer=PayerDetails(billing_name=name, billing_address="1 Demo Road\nLeeds",
                                          invoice_email=email))
        for day in recent.days.order_by("number"):
            record_marks(day=day, marks=[MarkInput(booking.pk, MarkStatus.PRESENT)],
                         actor=trainer, now=day.finishes_at)
    applying = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(11, 0),
                                   tzinfo=ZoneInfo(UK))
    applicants = [(User.objects.get(email=email), body, number, letter)
                  for email, (_name, _job, body, number, letter) in people.items()]
    applicants.append((sam, "HCPC", "PYL13579", ""))
    for person, body, number, letter in applicants:
        application = admissions.start_application(participant=person, level=loaded.advanced,
                                                   run=advanced_run, now=applying)
        admissions.save_draft(application=application, actor=person, now=applying,
                              answers=admissions.Answers(registration_body=body,
                                                         registration_number=number,
                                                         covering_letter=letter))
        admissions.submit(application=application, actor=person, now=applying)
