import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from trainingdesk.catalogue import demo
from trainingdesk.demo.data import (
    APPROVED_APPLICANT_EMAIL,
    ASSESSOR_EMAIL,
    ASSESSOR_PASSWORD,
    COURSEWORK_PARTICIPANT_EMAIL,
    MODERATOR_EMAIL,
    MODERATOR_PASSWORD,
    SECOND_PARTICIPANT_EMAIL,
    SUPERVISOR_EMAIL,
    SUPERVISOR_PASSWORD,
    WAITING_APPLICANT_EMAIL,
    employer_token,
    load,
)


class Command(BaseCommand):
    help = "Load the brochure's NVR Certificate Course, its Summer 2022 run, upcoming runs and people."

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = load()
        # Loaded again, the demo's Foundation runs after Summer 2022 include its past ones.
        upcoming = [run for run in loaded.upcoming
                    if run.days.filter(date__gt=dt.date.today()).exists()]
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {loaded.programme.name}: {loaded.summer_2022} and "
            f"{len(upcoming)} upcoming runs."
        ))
        self.stdout.write(
            f"\n  Coordinator login:  {settings.SITE_URL}/accounts/sign-in/\n"
            f"    email:    {demo.COORDINATOR_EMAIL}\n"
            f"    password: {demo.COORDINATOR_PASSWORD}\n"
            f"  Trainer:      {demo.TRAINER_EMAIL} / {demo.TRAINER_PASSWORD}\n"
            f"  Supervisor:   {SUPERVISOR_EMAIL} / {SUPERVISOR_PASSWORD} (the Summer 2022 run's "
            f"supervision group; allocation at /supervision/allocate/)\n"
            f"  Participants: {demo.PARTICIPANT_EMAIL} / {demo.DEMO_PASSWORD} (booked on Summer 2022)\n"
            f"                {SECOND_PARTICIPANT_EMAIL} / {demo.DEMO_PASSWORD} (attended all four days; "
            f"applied for Advanced and refused: Foundation older than 2 years)\n"
            f"  Applicants:   {APPROVED_APPLICANT_EMAIL} / {demo.DEMO_PASSWORD} (approved for Advanced "
            f"by the records: can book)\n"
            f"                {WAITING_APPLICANT_EMAIL} / {demo.DEMO_PASSWORD} (a covering letter: in "
            f"the review queue at /admissions/review/)\n"
            f"  Coursework:   {COURSEWORK_PARTICIPANT_EMAIL} / {demo.DEMO_PASSWORD} (both confirmations "
            f"and 12 hours of supervision; the portfolio at /coursework/ is yours to write and submit)\n"
            f"  Assessor:     {ASSESSOR_EMAIL} / {ASSESSOR_PASSWORD} (the coordinator allocates "
            f"markers at /coursework/review/; marking at /coursework/marking/)\n"
            f"  Moderator:    {MODERATOR_EMAIL} / {MODERATOR_PASSWORD} (an assessor too, for second "
            f"marking)\n"
        )
        self.stdout.write(
            f"  API token of Northshire NHS Foundation Trust (Sam's employer; book, read:bookings, "
            f"read:invoices, read:catalogue; a new one each load, the last revoked):\n"
            f"    {employer_token()}\n"
            f"    The API: {settings.SITE_URL}/api/v1/docs (README.md, \"The API\")\n"
        )
