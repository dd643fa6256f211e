"""The demo: the brochure's catalogue (catalogue.demo), and people who have booked it and
attended, so that every part of the product has something to show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction

from trainingdesk.accounts.models import User
from trainingdesk.attendance.models import MarkStatus
from trainingdesk.attendance.services import MarkInput, record_marks
from trainingdesk.bookings.models import Booking, CancellationTerm
from trainingdesk.bookings.services import PayerDetails, book
from trainingdesk.catalogue import demo as catalogue_demo
from trainingdesk.lib.zones import UK

if TYPE_CHECKING:
    from trainingdesk.supervision.models import Supervisor

# Three applicants for the Advanced run (issue 9): approved by the records, waiting for the
# coordinator, and refused (a Foundation older than 2 years).
APPROVED_APPLICANT_EMAIL = "priya@example.org"
WAITING_APPLICANT_EMAIL = "jordan@example.org"

# Example terms: the brochure states none, so the demo shows how terms work.
CANCELLATION_TERMS = ((28, Decimal(100)), (14, Decimal(50)))
SECOND_PARTICIPANT_EMAIL = "sam@example.org"

# Issue 11: a participant with both confirmations and their coursework to write, and two markers.
COURSEWORK_PARTICIPANT_EMAIL = "morgan@example.org"
ASSESSOR_EMAIL = "assessor@example.org"
ASSESSOR_PASSWORD = "nvr-demo-assessor"  # noqa: S105 - a demo login, printed by load_demo
MODERATOR_EMAIL = "moderator@example.org"
MODERATOR_PASSWORD = "nvr-demo-moderator"  # noqa: S105 - a demo login, printed by load_demo


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

    _assessors()
    _coursework(loaded, trainer, today or dt.date.today())
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


def _demo_supervisor() -> Supervisor:
    from trainingdesk.accounts.models import Role
    from trainingdesk.accounts.roles import grant_role
    from trainingdesk.supervision.models import Supervisor

    user = User.objects.filter(email=SUPERVISOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(SUPERVISOR_EMAIL, SUPERVISOR_PASSWORD,
                                        full_name="Demo Supervisor")
        grant_role(user, Role.SUPERVISOR)
    supervisor, _ = Supervisor.objects.get_or_create(
        user=user, defaults={"accreditation": "NVRA accredited supervisor"})
    return supervisor


def _supervision(loaded: catalogue_demo.Demo, booking: Booking) -> None:
    """A supervision group for the Summer 2022 run: Tuesday evenings at 7pm UK time, its six
    sessions planned from the run's last day, and Sam (who chose supervision and attended every
    day) allocated to it."""
    from trainingdesk.supervision import services as supervision
    from trainingdesk.supervision.models import SupervisionGroup

    supervisor = _demo_supervisor()
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


def _assessors() -> None:
    """Two markers for the coursework (issue 11): an assessor and a moderator, both with the
    assessor's role, neither anyone's trainer or supervisor, so the coordinator may allocate
    either to Morgan's submission."""
    from trainingdesk.accounts.models import Role
    from trainingdesk.accounts.roles import grant_role

    for email, password, name in ((ASSESSOR_EMAIL, ASSESSOR_PASSWORD, "Demo Assessor"),
                                  (MODERATOR_EMAIL, MODERATOR_PASSWORD, "Demo Moderator")):
        if not User.objects.filter(email=email).exists():
            grant_role(User.objects.create_user(email, password, full_name=name), Role.ASSESSOR)


def _coursework(loaded: catalogue_demo.Demo, trainer: User, today: dt.date) -> None:
    """Morgan Reyes holds both Attendance Confirmations, made through the real services: a
    Foundation run about 21 months ago (the option with group supervision, and every session of
    its group attended: the certificate's 12 hours), then an Advanced run whose last day was
    about 5 months ago (applied for with an HCPC number, approved by the records, the option
    without supervision). Their portfolio is open with about 7 months left and nothing in it:
    the demo's visitor writes and submits it in the browser, the coordinator allocates the
    demo's assessor and moderator, and they mark it.

    The supervision is a group's (the brochure's route), not their own supervisor: a group of
    its own for this run, planned from its last day, so all six sessions are past."""
    from trainingdesk.admissions import services as admissions
    from trainingdesk.catalogue.models import CourseRun, RunStatus
    from trainingdesk.catalogue.services import copy_run
    from trainingdesk.coursework.services import open_portfolio
    from trainingdesk.supervision import services as supervision
    from trainingdesk.supervision.models import SupervisionGroup

    if not loaded.advanced_runs or User.objects.filter(email=COURSEWORK_PARTICIPANT_EMAIL).exists():
        return
    morgan = User.objects.create_user(
        COURSEWORK_PARTICIPANT_EMAIL, catalogue_demo.DEMO_PASSWORD, full_name="Morgan Reyes",
        job_role="Systemic family psychotherapist", sector="camhs", country="United Kingdom")
    payer = PayerDetails(billing_name=morgan.full_name, billing_address="4 Mill Lane\nYork",
                         billing_postcode="YO1 7HH", invoice_email=morgan.email)

    def past_run(template: CourseRun, first: dt.date, title: str, link: str) -> CourseRun:
        first += dt.timedelta(days=(template.days.get(number=1).date.weekday() - first.weekday()) % 7)
        run = copy_run(run=template, first_date=first, title=f"{title} {first:%B %Y}", actor=None)
        run.status, run.booking_opens_at, run.joining_link = RunStatus.PUBLISHED, None, link
        run.booking_closes_at = dt.datetime.combine(first - dt.timedelta(days=3), dt.time(17, 0),
                                                    tzinfo=ZoneInfo(UK))
        run.save(update_fields=["status", "booking_opens_at", "booking_closes_at", "joining_link"])
        run.trainers.add(trainer)
        return run

    def attend(run: CourseRun, option_position: int, booked_at: dt.datetime) -> Booking:
        option = run.options.get(position=option_position)
        booking = book(participant=morgan, run_id=run.pk, option_id=option.pk, now=booked_at,
                       payer=payer)
        for day in run.days.order_by("number"):
            record_marks(day=day, marks=[MarkInput(booking.pk, MarkStatus.PRESENT)],
                         actor=trainer, now=day.finishes_at)
        return booking

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=ZoneInfo(UK))

    # Foundation, about 21 months ago (its last day 12 weeks after its first, a year before the
    # Advanced: the gap the brochure recommends), with group supervision.
    foundation = past_run(loaded.summer_2022, today - dt.timedelta(weeks=92), "Foundation",
                          "https://zoom.us/j/0000000096?pwd=demo")
    foundation_first = foundation.days.get(number=1).date
    foundation_booking = attend(foundation, 1, at(foundation_first - dt.timedelta(days=30), 10))

    group = SupervisionGroup.objects.create(
        name=f"Thursday evening group ({foundation.title})", level=loaded.foundation,
        supervisor=_demo_supervisor(), capacity=8, weekday=3, start_time=dt.time(19, 0),
        time_zone=UK, country="GB", subdivision="ENG",
        joining_link="https://zoom.us/j/0000000076?pwd=demo")
    group.runs.add(foundation)
    sessions = supervision.plan_sessions(group=group, actor=loaded.coordinator)
    last_day = foundation.days.order_by("-number").first()
    assert last_day is not None
    allocation = supervision.allocate(booking=foundation_booking, group=group,
                                      actor=loaded.coordinator,
                                      now=at(last_day.date + dt.timedelta(days=1), 9))
    for session in sessions:
        assert session.ends_at.date() < today, "the demo's supervision sessions are all past"
        supervision.record_session_marks(session=session, present={allocation.pk: True},
                                         actor=group.supervisor.user, now=session.ends_at)

    # Advanced: two blocks of three days a month apart, the last about 5 months ago.
    advanced = past_run(loaded.advanced_runs[0], today - dt.timedelta(weeks=26), "Advanced",
                        "https://zoom.us/j/0000000095?pwd=demo")
    advanced_first = advanced.days.get(number=1).date
    applying = at(advanced_first - dt.timedelta(days=45), 11)
    application = admissions.start_application(participant=morgan, level=loaded.advanced,
                                               run=advanced, now=applying)
    admissions.save_draft(application=application, actor=morgan, now=applying,
                          answers=admissions.Answers(registration_body="HCPC",
                                                     registration_number="PYL97531"))
    admissions.submit(application=application, actor=morgan, now=applying)
    attend(advanced, 2, applying + dt.timedelta(hours=1))

    advanced_last = advanced.days.order_by("-number").first()
    assert advanced_last is not None
    open_portfolio(participant=morgan, level=loaded.advanced, now=advanced_last.finishes_at)


# Issue 12: the demo employer's API token, for the README's curl calls.
DEMO_EMPLOYER_NAME = "Northshire NHS Foundation Trust"  # Sam's employer, made by Sam's booking
EMPLOYER_TOKEN_NAME = "Northshire HR system (demo)"  # noqa: S105 - a name, not a secret
EMPLOYER_TOKEN_SCOPES = ["book", "read:bookings", "read:invoices", "read:catalogue"]


def employer_token() -> str:
    """A new API token for the demo employer, made by the demo coordinator, to print: only its
    hash is kept, so each load makes a new one and revokes the one the last load printed."""
    from trainingdesk.accounts.models import Organisation
    from trainingdesk.api.models import ApiToken
    from trainingdesk.api.services import create_token, revoke_token

    organisation = Organisation.objects.filter(name=DEMO_EMPLOYER_NAME).order_by("id").first()
    assert organisation is not None, "the demo's employer is made by Sam's booking"
    coordinator = User.objects.get(email=catalogue_demo.COORDINATOR_EMAIL)
    with transaction.atomic():
        for old in ApiToken.objects.filter(organisation=organisation, name=EMPLOYER_TOKEN_NAME,
                                           revoked_at__isnull=True):
            revoke_token(actor=coordinator, token=old)
        return create_token(actor=coordinator, name=EMPLOYER_TOKEN_NAME,
                            scopes=EMPLOYER_TOKEN_SCOPES, organisation=organisation).secret
