"""The brochure's programme as demo data: `docs/nvr-certificate-course.txt`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from trainingdesk.accounts.bodies import add_published_bodies
from trainingdesk.accounts.models import ProfessionalBody, Role, User
from trainingdesk.accounts.roles import grant_role
from trainingdesk.catalogue.models import (
    ComponentKind,
    CourseRun,
    CourseworkComponent,
    Delivery,
    Fee,
    Level,
    PriceOption,
    Programme,
    Provider,
    RunStatus,
    TrainingDay,
    VatCategory,
    VatRate,
)
from trainingdesk.catalogue.services import copy_run
from trainingdesk.lib.zones import UK

SUMMER_2022_DAYS = (dt.date(2022, 6, 21), dt.date(2022, 6, 22), dt.date(2022, 6, 23),
                    dt.date(2022, 9, 15))
COORDINATOR_EMAIL = "coordinator@example.org"
COORDINATOR_PASSWORD = "nvr-demo-coordinator"  # noqa: S105 - a demo login, printed on purpose
TRAINER_EMAIL = "trainer@example.org"
TRAINER_PASSWORD = "nvr-demo-trainer"  # noqa: S105 - a demo login, printed on purpose
PARTICIPANT_EMAIL = "participant@example.org"
DEMO_PASSWORD = "nvr-demo-participant"  # noqa: S105

FOUNDATION_CONTENTS = """\
Basic principles of Non Violent Resistance as a psychological intervention
De-escalation and raising parental (adult) presence
Core principles and methods in NVR – understanding and practice
Understanding of aggression and externalising behaviour in young people
Reconciliation and reparation work"""

ADVANCED_CONTENTS = """\
Working with multi-stressed families
Activating and working within wider systems in NVR – involving school, local authority, wider family, community and relevant agencies in the intervention
Working with child abuse and attachment: the NVR child focus
Integrating NVR and the treatment of trauma
New adaptations of NVR: self-isolation, anxiety, adult entitled dependency"""

SUPERVISION_TERMS = (
    "12 hours of online group supervision via Zoom, starting about 4 weeks after the last day "
    "of training: 6 sessions of 2 hours on a prearranged evening every 2 months, so the "
    "supervision lasts 12 months. The training coordinator allocates you to a group and sends "
    "details of how to attend when you complete the training. If you choose not to take the "
    "supervision, you will need to arrange your own supervision of your NVR client practice."
)

# Demo wording for the reading list and the certification page: the brochure names neither the
# books nor the page's text; a real provider writes its own, in the back office.
REQUIRED_READING = """\
Omer, H. (2004) Nonviolent Resistance: A New Approach to Violent and Self-Destructive Children
Omer, H. (2011) The New Authority: Family, School, and Community
Jakob, P. (2018) Multi-stressed families, child violence and the larger system"""

CERTIFICATION_INFORMATION = """\
Participants who wish to complete the full NVR Certificate Training (level II) must successfully \
complete both Foundation Level Training and Advanced Level Training, and then submit coursework \
within 12 months of completing the Advanced Training.

Your coursework is marked by an assessor who was neither your trainer nor your supervisor, and \
second-marked by a moderator. When you pass, the certificate is issued as a PDF and as an Open \
Badges credential that anyone can verify."""

# The provider's own pages (the footer links to them). Demo wording: a real provider writes its
# own, in the back office.
ACCESSIBILITY_STATEMENT = """\
PartnershipProjects runs this website. We want as many people as possible to be able to use it: \
you should be able to zoom in up to 400% without the text spilling off the screen, get around the \
whole site with a keyboard or speech recognition software, and listen to it with a screen reader.

This website aims to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA. \
We check every page with automated tests and by keyboard before each change goes live.

If you find a problem, or need information in a different format such as large print or an \
audio recording, email training@example.org or call 020 7946 0000. We will reply within 5 \
working days.

If you are not happy with how we respond to your complaint, contact the Equality Advisory and \
Support Service (EASS)."""

PRIVACY_NOTICE = """\
PartnershipProjects is the data controller for the personal information you give us when you \
create an account, book a place or attend our training.

We use your name, contact details, job and professional registration to run your booking, \
invoice you or your employer, keep the attendance registers, and issue your attendance \
confirmations and certificates. We keep booking and invoice records for 6 years, as the law on \
accounts requires, and attendance records for as long as a certificate may need checking.

We never sell your information. To see, correct or delete what we hold about you, email \
training@example.org. You can also complain to the Information Commissioner's Office (ICO)."""

TERMS = """\
These terms apply to every booking made on this website with PartnershipProjects.

A place is confirmed when we email you its confirmation and invoice. Invoices are payable within \
30 days, and before the first day of training.

You can cancel a booking from “My training”. The cancellation terms shown before you book say \
how much of the price comes back, by how much notice you give. If we cancel a run, you get the \
whole price back.

The training is for your own practice: it does not entitle you to train others in NVR."""


@dataclass
class Demo:
    programme: Programme
    foundation: Level
    advanced: Level
    summer_2022: CourseRun
    upcoming: list[CourseRun]
    coordinator: User
    advanced_runs: list[CourseRun] = field(default_factory=list)


def _next_weekday_after(start: dt.date, weekday: int, weeks: int) -> dt.date:
    """The first date with `weekday` at least `weeks` weeks after `start`."""
    day = start + dt.timedelta(weeks=weeks)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


@transaction.atomic
def load_demo(today: dt.date | None = None) -> Demo:
    """Load the brochure's programme, its Summer 2022 run and upcoming copies. Idempotent."""
    today = today or dt.date.today()
    VatRate.objects.get_or_create(
        category=VatCategory.STANDARD, valid_from=dt.date(2011, 1, 4),
        defaults={"percent": Decimal("20.00")},
    )
    VatRate.objects.get_or_create(
        category=VatCategory.ZERO, valid_from=dt.date(1973, 4, 1), defaults={"percent": Decimal(0)}
    )
    provider, _ = Provider.objects.get_or_create(
        name="PartnershipProjects",
        defaults={
            "address": "1 Example Street\nLondon\nN1 1AA",
            "vat_number": "GB 123 4567 89",
            "accreditation": "An accredited training provider registered with the NVR "
                             "Association (NVRA)",
            "email": "training@example.org",
            "phone": "020 7946 0000",
            "accessibility_statement": ACCESSIBILITY_STATEMENT,
            "privacy_notice": PRIVACY_NOTICE,
            "terms": TERMS,
        },
    )
    programme, created = Programme.objects.get_or_create(
        slug="nvr-certificate-course",
        defaults={
            "provider": provider,
            "name": "The NVR Certificate Course",
            "summary": (
                "The Certificate Course enables participants to develop the core knowledge and "
                "skills that are necessary to competently use Non Violent Resistance (NVR) for "
                "violence, aggression, controlling, destructive and harmful behaviour in the "
                "family, school and community."
            ),
            "who_should_attend": (
                "Training is open to practitioners in CAMHS, mental health, social care, "
                "education, youth justice and the independent sector. Open to all, not just "
                "IFT members."
            ),
            "award_name": "PartnershipProjects Advanced Certificate in NVR Practice",
            "award_requirements": (
                "Complete both the Foundation Level and the Advanced Level training, then submit "
                "coursework within 12 months of completing the Advanced training: 2 case "
                "studies of 2000 words, a reflective log and required reading. The assessment "
                "fee of £300 (including VAT) is charged only if you submit coursework."
            ),
            # The brochure's statements about the course, in its words.
            "approach": (
                "The NVR training provided by PartnershipProjects has been designed for working "
                "with individual families. It is not a manualised group work programme."
            ),
            "training_others": (
                "The training does not equip anyone to provide NVR training to other colleagues "
                "or professionals within their organisation or agency. We actively discourage "
                "such practice, which we feel is both unethical and unprofessional. "
                "PartnershipProjects does not provide a ‘train the trainer’ option."
            ),
            "trainers": (
                "All our NVR trainers and facilitators have many years’ experience and hold NVR "
                "Association (NVRA) Accreditation at both practitioner and supervisor level."
            ),
        },
    )
    coordinator = _demo_people()
    if not created:
        return _existing(programme, coordinator)

    fee = Fee.objects.create(
        programme=programme, name="Evaluation and assessment fee", gross_amount=Decimal("300.00"),
        vat_category=VatCategory.STANDARD,
        charged_when="Only charged when a participant submits coursework",
    )
    foundation = Level.objects.create(
        programme=programme, name="Foundation", slug="foundation", position=1,
        accreditation="NVRA Level 1", days_required=4, hours_per_day=Decimal("6"),
        summary=(
            "Days 1-4: Foundations of Non Violent Resistance. Tailored to professionals working "
            "in local authorities, health, education, social care and voluntary sector "
            "organisations who support families experiencing Child to Parent Violence and Abuse "
            "(CPVA)."
        ),
        contents=FOUNDATION_CONTENTS,
        attendance_earns="Attendance Confirmation",
        entry_requirements="Open to all practitioners; no previous NVR training is needed.",
        supervision_hours=12, supervision_session_hours=2, supervision_interval_months=2,
        supervision_starts_weeks_after=4, supervision_terms=SUPERVISION_TERMS,
    )
    advanced = Level.objects.create(
        programme=programme, name="Advanced", slug="advanced", position=2,
        accreditation="NVRA Level 2", days_required=6, hours_per_day=Decimal("6"),
        summary=(
            "Days 5-10: Specialist skills and knowledge in NVR for complex work, preparing for "
            "the most complex work with multi-stressed families, trauma and wider systems."
        ),
        contents=ADVANCED_CONTENTS,
        attendance_earns="Attendance Confirmation",
        prerequisite=foundation, prerequisite_within_months=24,
        external_prerequisite_accepted=True, recommended_gap_months=12,
        requires_professional_registration=True,
        covering_letter_accepted=True, requires_approved_application=True,
        approves_automatically=True,
        entry_requirements=(
            "You must have completed the PartnershipProjects Foundation Level course, or "
            "equivalent Level 1 training with a different provider, within the previous 2 "
            "years; you will be asked for your Foundation Level attendance confirmation as "
            "evidence. We recommend a gap of 12 months between the Foundation and Advanced "
            "Levels in order to consolidate practice.\n\n"
            "Only practitioners with relevant qualifications and experience who are registered "
            "with a professional body such as HCPC, UKCP, BACP, NMC or GMC will be admitted. "
            "If you do not hold a relevant professional registration, apply with a covering "
            "letter outlining your experience of working with children, young people and their "
            "families; such practitioners are typically family support workers, behaviour "
            "support practitioners or youth workers in statutory or independent sector "
            "organisations."
        ),
        supervision_hours=12, supervision_session_hours=2, supervision_interval_months=2,
        supervision_starts_weeks_after=4, supervision_terms=SUPERVISION_TERMS,
        coursework_due_months=12, assessment_fee=fee, coursework_anonymous_marking=True,
        coursework_terms=(
            "Submit your coursework within 12 months of completing the Advanced training. "
            "The £300 assessment fee (including VAT) is charged only if you submit coursework."
        ),
    )
    # The brochure's "such as HCPC, UKCP, BACP, NMC or GMC": rows of the table the migration
    # seeded (added again here should a test have emptied it).
    add_published_bodies(ProfessionalBody)
    advanced.accepted_bodies.set(
        ProfessionalBody.objects.filter(code__in=["HCPC", "UKCP", "BACP", "NMC", "GMC"]))
    CourseworkComponent.objects.bulk_create([
        CourseworkComponent(
            level=advanced, title="Case study", quantity=2, words=2000, position=1,
            guidance=("A family you have worked with using NVR: the presenting problem, how you "
                      "introduced the approach, what the parents did, and what changed."),
        ),
        CourseworkComponent(
            level=advanced, title="Reflective log", position=2,
            guidance="Your reflections on your NVR practice since the Foundation Level.",
        ),
        CourseworkComponent(
            level=advanced, title="Required reading", kind=ComponentKind.READING, position=3,
            reading_list=REQUIRED_READING,
        ),
    ])
    programme.certificate_levels.set([foundation, advanced])
    programme.certificate_supervision_hours = 12
    programme.certification_information = CERTIFICATION_INFORMATION
    programme.save(update_fields=["certificate_supervision_hours", "certification_information"])
    _demo_guidelines(programme, coordinator, today)

    summer = CourseRun.objects.create(
        level=foundation, title="Summer 2022", status=RunStatus.PUBLISHED,
        delivery=Delivery.ONLINE, platform="Zoom",
        joining_link="https://zoom.us/j/0000000000?pwd=demo",
        capacity=24, time_zone=UK,
        booking_opens_at=dt.datetime(2022, 3, 1, 9, 0, tzinfo=ZoneInfo(UK)),
        booking_closes_at=dt.datetime(2022, 6, 14, 17, 0, tzinfo=ZoneInfo(UK)),
        notes="All days via Zoom. Open to all, not just IFT members.",
    )
    _brochure_days_and_prices(summer, "Foundation Level", SUMMER_2022_DAYS)

    # The brochure's other training that needs Foundation first (its training map): the same
    # admission rules, its own configuration. The brochure gives no dates for it yet.
    Level.objects.create(
        programme=programme, name="Group Hybrid", slug="group-hybrid", position=3,
        days_required=4, hours_per_day=Decimal("6"),
        summary="NVR for work with groups of parents, after the Foundation Level (see the "
                "training map). Dates to be announced.",
        prerequisite=foundation, external_prerequisite_accepted=True,
        requires_approved_application=True, approves_automatically=True,
        entry_requirements=(
            "All professionals, regardless of previous experience or other non-NVR "
            "qualifications, are required to have completed our Foundation Level (or equivalent "
            "training to the Association of NVR Practice Level I via another organisation) "
            "before joining the Group Hybrid training."
        ),
    )
    advanced_runs = [_advanced_run(advanced, today)]

    upcoming = []
    first = _next_weekday_after(today, SUMMER_2022_DAYS[0].weekday(), weeks=8)
    for index in range(3):
        start = first + dt.timedelta(weeks=17 * index)
        title = f"{_season(start)} {start.year}"
        copy = copy_run(run=summer, first_date=start, title=title, actor=None)
        copy.status = RunStatus.PUBLISHED
        copy.joining_link = f"https://zoom.us/j/00000000{index + 1:02d}?pwd=demo"
        copy.booking_opens_at = None
        copy.save(update_fields=["status", "joining_link", "booking_opens_at"])
        upcoming.append(copy)
    return Demo(programme, foundation, advanced, summer, upcoming, coordinator, advanced_runs)


def _demo_guidelines(programme: Programme, coordinator: User, today: dt.date) -> None:
    """The course guidelines the certification page offers: a short PDF of the page's own
    words, uploaded by the coordinator as a real upload is."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from trainingdesk.catalogue.services import upload_guidelines
    from trainingdesk.lib import pdf

    story = [pdf.para(f"{programme.name}: course guidelines", "title")]
    story += [pdf.para(paragraph) for paragraph in CERTIFICATION_INFORMATION.split("\n\n")]
    content = pdf.render(story, title=f"{programme.name}: course guidelines",
                         author=programme.provider.name)
    upload_guidelines(
        programme=programme, actor=coordinator,
        upload=SimpleUploadedFile("NVR course guidelines.pdf", content, content_type="application/pdf"),
        now=dt.datetime.combine(today, dt.time(9, 0), tzinfo=ZoneInfo(UK)),
    )


def _advanced_run(advanced: Level, today: dt.date) -> CourseRun:
    """An Advanced run ten weeks away: two blocks of three days, a month apart, via Zoom."""
    first = _next_weekday_after(today, SUMMER_2022_DAYS[0].weekday(), weeks=10)
    dates = [first + dt.timedelta(days=n) for n in (0, 1, 2, 28, 29, 30)]
    run = CourseRun.objects.create(
        level=advanced, title=f"{_season(first)} {first.year}", status=RunStatus.PUBLISHED,
        delivery=Delivery.ONLINE, platform="Zoom",
        joining_link="https://zoom.us/j/0000000099?pwd=demo", capacity=16, time_zone=UK,
        booking_closes_at=dt.datetime.combine(first - dt.timedelta(days=7), dt.time(17, 0),
                                              tzinfo=ZoneInfo(UK)),
        notes="All days via Zoom. A place needs an approved application.",
    )
    _brochure_days_and_prices(run, "Advanced Level", dates)
    return run


def _brochure_days_and_prices(run: CourseRun, level: str, dates: Sequence[dt.date]) -> None:
    """The brochure's day (9am for 9.30am to 4.30pm, an hour's lunch) on each date, and its two
    prices: £660 + VAT with 12 hours of group supervision, £500 + VAT without."""
    TrainingDay.objects.bulk_create(
        TrainingDay(run=run, number=n, date=d, arrival_time=dt.time(9, 0),
                    start_time=dt.time(9, 30), finish_time=dt.time(16, 30), break_minutes=60,
                    break_description="1 hour lunch break")
        for n, d in enumerate(dates, start=1)
    )
    days = len(dates)
    PriceOption.objects.bulk_create([
        PriceOption(run=run, position=1, name=f"{level} with group supervision",
                    description=f"{days} days training, to include 12 hours of group supervision",
                    net_amount=Decimal("660.00"), supervision_hours=12),
        PriceOption(run=run, position=2, name=f"{level} only",
                    description=f"{days} days training, no supervision included",
                    net_amount=Decimal("500.00"), supervision_hours=0),
    ])


def _season(on: dt.date) -> str:
    return {12: "Winter", 1: "Winter", 2: "Winter", 3: "Spring", 4: "Spring", 5: "Spring",
            6: "Summer", 7: "Summer", 8: "Summer"}.get(on.month, "Autumn")


def _demo_people() -> User:
    coordinator = User.objects.filter(email=COORDINATOR_EMAIL).first()
    if coordinator is None:
        coordinator = User.objects.create_user(
            COORDINATOR_EMAIL, COORDINATOR_PASSWORD, full_name="Demo Coordinator"
        )
        grant_role(coordinator, Role.COORDINATOR)
    if not User.objects.filter(email=TRAINER_EMAIL).exists():
        trainer = User.objects.create_user(TRAINER_EMAIL, TRAINER_PASSWORD, full_name="Demo Trainer")
        grant_role(trainer, Role.TRAINER)
    if not User.objects.filter(email=PARTICIPANT_EMAIL).exists():
        User.objects.create_user(
            PARTICIPANT_EMAIL, DEMO_PASSWORD, full_name="Alex Participant",
            job_role="Family support worker", sector="social_care", country="Ireland",
            time_zone="Europe/Dublin",
        )
    return coordinator


def _existing(programme: Programme, coordinator: User) -> Demo:
    foundation = programme.levels.get(slug="foundation")
    advanced = programme.levels.get(slug="advanced")
    runs = list(foundation.runs.order_by("id"))
    return Demo(programme, foundation, advanced, runs[0], runs[1:], coordinator,
                list(advanced.runs.order_by("id")))
