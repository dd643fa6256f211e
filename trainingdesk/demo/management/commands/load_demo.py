from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from trainingdesk.catalogue import demo
from trainingdesk.demo.data import (
    APPROVED_APPLICANT_EMAIL,
    SECOND_PARTICIPANT_EMAIL,
    SUPERVISOR_EMAIL,
    SUPERVISOR_PASSWORD,
    WAITING_APPLICANT_EMAIL,
    load,
)


class Command(BaseCommand):
    help = "Load the brochure's NVR Certificate Course, its Summer 2022 run, upcoming runs and people."

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = load()
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {loaded.programme.name}: {loaded.summer_2022} and "
            f"{len(loaded.upcoming)} upcoming runs."
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
        )
